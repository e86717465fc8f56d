/**
 * `npm run bootstrap-state`: creates what the S3 backend keeps the stacks' state in, before any
 * stack can use it: the bucket (versioned, encrypted, private) and, with `stateLock=dynamodb`,
 * the lock table. It cannot be a stack of this app: a stack keeps its own state in the bucket.
 *
 * Idempotent: an existing bucket of the same account is brought to the same settings. Reads the
 * settings as the app does (cdktf.json context, then the environment): stateBucket, stateRegion,
 * stateProfile, stateKeyPrefix, stateLock, stateLockTable, stateKmsKeyId. The AWS SDK resolves the profile's
 * credentials and the endpoint as it does by default (AWS_SHARED_CREDENTIALS_FILE,
 * AWS_CONFIG_FILE, AWS_ENDPOINT_URL...). Prints no credentials.
 *
 *   npm run bootstrap-state
 *   STATE_KMS_KEY_ID=arn:aws:kms:...:key/... npm run bootstrap-state   (SSE-KMS with that key)
 */
import {
  BucketLocationConstraint,
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  ServerSideEncryptionRule,
} from "@aws-sdk/client-s3";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, TableDescription } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { ConfigError, StateSettings } from "../config";
import { loadProjectConfig } from "./lib/project-config";

/** Options of the command line. */
interface Options {
  /** KMS key for the bucket's default encryption (stateKmsKeyId). @default - SSE-S3 (AES256) */
  readonly kmsKeyId?: string;
}

/** A failure whose message says what to do; printed without a stack trace. */
class BootstrapError extends Error {}

function errorName(err: unknown): string {
  return (err as { name?: string }).name ?? "";
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function parseArgs(argv: readonly string[]): Options {
  let kmsKeyId: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--kms-key-id" && argv[i + 1]) kmsKeyId = argv[++i];
    else if (arg.startsWith("--kms-key-id=")) kmsKeyId = arg.slice("--kms-key-id=".length);
    else {
      console.error(`unknown argument ${JSON.stringify(arg)}\nusage: npm run bootstrap-state [-- --kms-key-id KEY]`);
      process.exit(2);
    }
  }
  return { kmsKeyId };
}

/** Creates the bucket unless it exists; fails if it exists in another account or region. */
async function ensureBucket(s3: S3Client, state: StateSettings, bucket: string, account: string): Promise<string> {
  try {
    const head = await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: account }));
    if (head.BucketRegion && head.BucketRegion !== state.region) {
      throw new BootstrapError(
        `bucket ${bucket} exists in region ${head.BucketRegion}, not in stateRegion ${state.region}: ` +
          `set STATE_REGION=${head.BucketRegion} or choose another STATE_BUCKET`,
      );
    }
    return "exists";
  } catch (err) {
    if (err instanceof BootstrapError) throw err;
    if (httpStatus(err) === 403) {
      throw new BootstrapError(
        `bucket ${bucket} exists but not in account ${account} (or profile ${state.profile} may not read it): ` +
          "bucket names are global, choose another STATE_BUCKET",
      );
    }
    if (httpStatus(err) !== 404) throw err;
  }
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        // us-east-1 is the one region that takes no location constraint.
        CreateBucketConfiguration:
          state.region === "us-east-1" ? undefined : { LocationConstraint: state.region as BucketLocationConstraint },
      }),
    );
    return "created";
  } catch (err) {
    if (errorName(err) === "BucketAlreadyOwnedByYou") return "exists";
    if (errorName(err) === "BucketAlreadyExists") {
      throw new BootstrapError(`bucket name ${bucket} is taken by another account: choose another STATE_BUCKET`);
    }
    throw err;
  }
}

/** Versioning (earlier states can be restored), default encryption, no public access. */
async function secureBucket(s3: S3Client, bucket: string, account: string, options: Options): Promise<string> {
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: bucket,
      ExpectedBucketOwner: account,
      VersioningConfiguration: { Status: "Enabled" },
    }),
  );
  const rule: ServerSideEncryptionRule = options.kmsKeyId
    ? {
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: options.kmsKeyId },
        BucketKeyEnabled: true,
      }
    : { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } };
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: bucket,
      ExpectedBucketOwner: account,
      ServerSideEncryptionConfiguration: { Rules: [rule] },
    }),
  );
  await s3.send(
    new PutPublicAccessBlockCommand({
      Bucket: bucket,
      ExpectedBucketOwner: account,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    }),
  );
  return options.kmsKeyId ? `SSE-KMS with ${options.kmsKeyId}` : "SSE-S3";
}

async function describeTable(dynamodb: DynamoDBClient, table: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table;
  } catch (err) {
    if (errorName(err) === "ResourceNotFoundException") return undefined;
    throw err;
  }
}

/** The lock table of `stateLock=dynamodb`: a string hash key `LockID`, as Terraform requires. */
async function ensureLockTable(dynamodb: DynamoDBClient, table: string): Promise<string> {
  let described = await describeTable(dynamodb, table);
  const outcome = described ? "exists" : "created";
  if (!described) {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "LockID", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "LockID", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    described = await describeTable(dynamodb, table);
  }
  const hash = described?.KeySchema?.find((k) => k.KeyType === "HASH")?.AttributeName;
  const type = described?.AttributeDefinitions?.find((a) => a.AttributeName === hash)?.AttributeType;
  if (hash !== "LockID" || type !== "S") {
    throw new BootstrapError(
      `table ${table} exists with hash key ${hash ?? "(none)"} of type ${type ?? "(none)"}; ` +
        'Terraform needs a string hash key "LockID": choose another STATE_LOCK_TABLE',
    );
  }
  // A new table takes a few seconds on AWS before it takes writes.
  for (let waited = 0; described?.TableStatus !== "ACTIVE"; waited += 2000) {
    if (waited >= 120000) throw new BootstrapError(`table ${table} did not become ACTIVE within 2 minutes`);
    await new Promise((r) => setTimeout(r, 2000));
    described = await describeTable(dynamodb, table);
  }
  return outcome;
}

/** A value as a POSIX shell word (key prefixes may hold `'`, `(`, `*` or `!`). */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** Says what went wrong in the user's terms. */
function explain(err: unknown, state: StateSettings): string {
  const message = (err as Error).message ?? String(err);
  if (
    /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH/.test(message) ||
    errorName(err) === "TimeoutError"
  ) {
    const endpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    return (
      `cannot reach the AWS endpoint${endpoint ? ` ${endpoint} (AWS_ENDPOINT_URL)` : ""}: ${message}. ` +
      "Check the network connection and any endpoint or proxy settings, then run the command again."
    );
  }
  if (errorName(err) === "CredentialsProviderError" || /credentials|profile/i.test(message)) {
    return (
      `no usable credentials for profile "${state.profile}" (stateProfile): ${message}. ` +
      "Add the profile to the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials) " +
      "or set STATE_PROFILE to one that exists."
    );
  }
  return `${errorName(err) || "Error"}: ${message}`;
}

/**
 * The key of the bucket's default encryption: stateKmsKeyId, the one the backend sends on every
 * write. `--kms-key-id` alone would set a default that every write of the backend overrides with
 * SSE-S3, so it must name the same key as the setting.
 */
function bucketKey(flag: string | undefined, setting: string | undefined): string | undefined {
  if (flag !== undefined && flag !== setting) {
    throw new BootstrapError(
      `--kms-key-id ${flag} is not stateKmsKeyId (${setting ?? "not set"}): the backend sends stateKmsKeyId on every ` +
        "state write, which overrides the bucket's default. Set STATE_KMS_KEY_ID (or \"stateKmsKeyId\" in cdktf.json's " +
        "context) to the key's ARN and leave out --kms-key-id",
    );
  }
  return setting;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadProjectConfig();
  const { state } = config;
  const options: Options = { kmsKeyId: bucketKey(args.kmsKeyId, state.kmsKeyId) };
  if (!state.bucket) {
    throw new BootstrapError(
      'stateBucket is not set: set STATE_BUCKET (or "stateBucket" in cdktf.json\'s context) to the name of the bucket to create',
    );
  }
  const bucket = state.bucket;
  if (state.lock === "dynamodb" && !state.lockTable) {
    throw new BootstrapError('stateLockTable is required with stateLock "dynamodb": set STATE_LOCK_TABLE');
  }
  const clientConfig = { region: state.region, profile: state.profile };
  const sts = new STSClient(clientConfig);
  const s3 = new S3Client(clientConfig);
  const dynamodb = new DynamoDBClient(clientConfig);
  try {
    const { Account: account } = await sts.send(new GetCallerIdentityCommand({}));
    console.log(`Profile ${state.profile} acts in account ${account}, region ${state.region}.`);
    const bucketOutcome = await ensureBucket(s3, state, bucket, account!);
    const encryption = await secureBucket(s3, bucket, account!, options);
    console.log(`Bucket ${bucket}: ${bucketOutcome}; versioning enabled, ${encryption}, public access blocked.`);
    if (state.lock === "dynamodb") {
      const tableOutcome = await ensureLockTable(dynamodb, state.lockTable!);
      console.log(`Lock table ${state.lockTable}: ${tableOutcome}; hash key LockID (string).`);
    }
  } catch (err) {
    if (err instanceof BootstrapError) throw err;
    throw new BootstrapError(explain(err, state));
  } finally {
    for (const client of [sts, s3, dynamodb]) client.destroy();
  }

  const settings: [string, string][] = [
    ["BACKEND", "s3"],
    ["STATE_BUCKET", bucket],
    ["STATE_KEY_PREFIX", state.keyPrefix],
    ["STATE_REGION", state.region],
    ["STATE_PROFILE", state.profile],
    ["STATE_LOCK", state.lock],
    ...(state.kmsKeyId ? [["STATE_KMS_KEY_ID", state.kmsKeyId] as [string, string]] : []),
    ...(state.lock === "dynamodb" ? [["STATE_LOCK_TABLE", state.lockTable!] as [string, string]] : []),
  ];
  console.log(
    "\nThe state backend is ready. Use it with these settings (or the same keys in cdktf.json's context);\n" +
      `each stack keeps its state in s3://${bucket}/${state.keyPrefix}/<stack>.tfstate:\n`,
  );
  for (const [name, value] of settings) console.log(`export ${name}=${shellQuote(value)}`);
  console.log(
    "\nStacks already deployed with another backend move their state on their next deploy with --migrate-state," +
      " e.g. `npm run deploy:iam -- --migrate-state` (see docs/state.md).",
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof BootstrapError) {
    console.error(`bootstrap-state: ${err.message}`);
  } else {
    console.error(`bootstrap-state failed: ${(err as Error).stack ?? String(err)}`);
  }
  process.exit(1);
});
