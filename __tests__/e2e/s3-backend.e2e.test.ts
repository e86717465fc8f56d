/**
 * The S3 backend end to end on the emulator, with docs/state.md's commands as written:
 * `npm run bootstrap-state` makes the bucket, stacks deployed with local state move into it
 * (`--migrate-state`, with the settings bootstrap-state prints), ec2-stack reads iam-stack's
 * outputs from it, and Terraform locks each state with a lock file next to it (`use_lockfile`),
 * or with a DynamoDB table.
 *
 * The emulator's endpoint reaches Terraform's S3 backend through AWS_ENDPOINT_URL only; the
 * endpoint is an IP address, so both the backend and the AWS SDK address the bucket path-style
 * without being told (no `use_path_style`, no AWS_ENDPOINT_URL_S3).
 */
import * as fs from "fs";
import * as path from "path";
import { DescribeTableCommand, DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import {
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  DeleteObjectCommand,
  PutBucketPolicyCommand,
} from "@aws-sdk/client-s3";
import { DEFAULTS, s3StateKey } from "../../config";
import { describeInstance, describeRole, liveInstances } from "../../scripts/lib/checks";
import { DEFAULT_DESTINATION_ACCOUNT, LocalCloud } from "../../scripts/lib/local-cloud";
import { MANAGED_BY } from "../../constructs/shared/tags";
import {
  instanceIdsInState,
  localStateFile,
  readLocalState,
  runBootstrapState,
  runStackScript,
  stackScriptOk,
  TerraformState,
} from "./drill-support";
import { ReadmeSession, sandboxSession } from "./readme-session";
import { closeAndCheckNoLeftovers, STEP_TIMEOUT_MS, synthesizedStacks, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

/** The bucket docs/state.md names, and the default key prefix. */
const BUCKET = "acme-cdktf-assume-role-state";
const PREFIX = "cdktf-assume-role";
/** The settings docs/state.md's commands export, for the runs that are not its commands. */
const S3_SETTINGS = { BACKEND: "s3", STATE_BUCKET: BUCKET, STATE_KEY_PREFIX: PREFIX };
/** What bootstrap-state prints, as docs/state.md shows it. */
const PRINTED_SETTINGS = [
  "export BACKEND=s3",
  `export STATE_BUCKET=${BUCKET}`,
  `export STATE_KEY_PREFIX=${PREFIX}`,
  "export STATE_REGION=us-east-1",
  "export STATE_PROFILE=source",
  "export STATE_LOCK=lockfile",
];
/** Locking with a DynamoDB table instead, under another prefix. */
const TABLE = "cdktf-assume-role-e2e-locks";
const DYNAMODB_SETTINGS = {
  ...S3_SETTINGS,
  STATE_LOCK: "dynamodb",
  STATE_LOCK_TABLE: TABLE,
  STATE_KEY_PREFIX: "e2e/dynamodb",
};

const stateKey = (stack: string, prefix = PREFIX): string => s3StateKey(prefix, stack);

/** A bucket whose policy requires SSE-KMS, under a prefix of its own. */
const KMS_BUCKET = "acme-cdktf-assume-role-state-kms";
const KMS_SETTINGS = { BACKEND: "s3", STATE_BUCKET: KMS_BUCKET, STATE_KEY_PREFIX: "e2e/kms" };
/** The policy teams use to keep the state under their key: every write must ask for aws:kms. */
const REQUIRE_KMS_POLICY = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "RequireSseKms",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `arn:aws:s3:::${KMS_BUCKET}/*`,
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    },
  ],
};

/**
 * A KMS key of the profile's account. The project has no KMS client; the emulator takes KMS's
 * JSON protocol and files the request under the account of the access key it names (it checks no
 * signature outside enforced IAM), so a plain request creates the key where the state's profile is.
 */
async function createKmsKey(cloud: LocalCloud, profile: string): Promise<string> {
  const { accessKeyId } = cloud.credentials.key(profile);
  const res = await fetch(cloud.emulator.endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": "TrentService.CreateKey",
      Authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260101/${cloud.region}/kms/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ Description: "Terraform state" }),
  });
  if (!res.ok) throw new Error(`CreateKey failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { KeyMetadata: { Arn: string } }).KeyMetadata.Arn;
}

describe("the S3 backend on the emulator, as docs/state.md gives it", () => {
  let cloud: LocalCloud;
  let readme: ReadmeSession;
  let dynamodbOutDir: string;
  /** Where the stacks' state is while they are deployed (for the clean-up). */
  let stacksIn: "local" | "s3" | undefined;
  /** Whether iam-stack is deployed with the DynamoDB lock settings (for the clean-up). */
  let dynamodbDeployed = false;
  /** The settings iam-stack is deployed with in the bucket that requires SSE-KMS (for the clean-up). */
  let kmsDeployed: Record<string, string> | undefined;
  let kmsOutDir: string;

  /** A stack's state, read from the bucket. */
  const s3State = (stack: string): Promise<TerraformState> =>
    withClients(cloud, "source", async (c) => {
      const res = await c.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: stateKey(stack) }));
      return JSON.parse(await res.Body!.transformToString()) as TerraformState;
    });
  const live = (): Promise<string[]> => withClients(cloud, "destination", (c) => liveInstances(c, MANAGED_BY));

  beforeAll(async () => {
    cloud = await LocalCloud.start();
    readme = sandboxSession(cloud);
    dynamodbOutDir = path.join(cloud.dir, "dynamodb.out");
    kmsOutDir = path.join(cloud.dir, "kms.out");
  });

  afterAll(async () => {
    try {
      if (cloud) {
        cloud.credentials.restore("destination");
        // Where the stacks' state is: in the bucket, or still local if the move failed.
        if (stacksIn) {
          const where =
            stacksIn === "s3" ? { env: S3_SETTINGS } : { outDir: path.join(cloud.dir, "cleanup.out"), env: {} };
          await runStackScript(cloud, ["destroy", "all", "--auto-approve", "--force"], where);
        }
        if (kmsDeployed) {
          const args = ["destroy", "iam-stack", "--auto-approve", "--force"];
          await runStackScript(cloud, args, { env: kmsDeployed, outDir: kmsOutDir });
        }
        if (dynamodbDeployed) {
          const args = ["destroy", "iam-stack", "--auto-approve", "--force"];
          await runStackScript(cloud, args, { env: DYNAMODB_SETTINGS, outDir: dynamodbOutDir });
        }
      }
    } finally {
      await closeAndCheckNoLeftovers(cloud);
    }
  });

  describe("npm run bootstrap-state", () => {
    it("creates the bucket versioned, encrypted and private, and prints the settings docs/state.md shows", async () => {
      // WHEN
      await readme.runOk(`export STATE_BUCKET=${BUCKET}`);
      const result = await readme.run("npm run bootstrap-state");

      // THEN
      expect(result.code).toBe(0);
      expect(result.output).toContain(`Bucket ${BUCKET}: created; versioning enabled, SSE-S3, public access blocked.`);
      for (const line of PRINTED_SETTINGS) expect(result.output).toContain(`${line}\n`);
      for (const profile of ["source", "destination"]) {
        const key = cloud.credentials.key(profile);
        expect(result.output).not.toContain(key.accessKeyId);
        expect(result.output).not.toContain(key.secretAccessKey);
      }
      await withClients(cloud, "source", async ({ s3 }) => {
        const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
        expect(versioning.Status).toBe("Enabled");
        const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: BUCKET }));
        expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault).toEqual({
          SSEAlgorithm: "AES256",
        });
        const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET }));
        expect(block.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        });
      });
    });

    it("is idempotent: a second run finds the bucket and succeeds", async () => {
      const result = await runBootstrapState(cloud, S3_SETTINGS);

      expect(result.code).toBe(0);
      expect(result.output).toContain(`Bucket ${BUCKET}: exists; versioning enabled, SSE-S3, public access blocked.`);
    });
  });

  describe("stacks deployed with local state move into the bucket", () => {
    let instanceId: string;
    /** A migrating deploy changes nothing: the state moves, the resources stay. */
    const NOTHING_CHANGED = /No changes\.|0 added, 0 changed, 0 destroyed/;

    it("deploys both stacks with local state first", async () => {
      stacksIn = "local";
      await stackScriptOk(cloud, ["deploy", "iam-stack", "--auto-approve"]);
      await stackScriptOk(cloud, ["deploy", "ec2-stack", "--auto-approve"]);

      [instanceId] = instanceIdsInState(readLocalState(cloud, "ec2-stack"));
      expect(await live()).toEqual([instanceId]);
    });

    it("with the settings bootstrap-state printed, deploy:iam -- --migrate-state moves iam-stack's state into the bucket", async () => {
      // GIVEN the settings, exported as bootstrap-state printed them
      for (const line of PRINTED_SETTINGS) await readme.runOk(line);

      // WHEN
      stacksIn = "s3";
      const result = await readme.runOk("npm run deploy:iam -- --migrate-state");

      // THEN its state is the object <prefix>/iam-stack.tfstate
      expect(result.output).toMatch(NOTHING_CHANGED);
      const state = await s3State("iam-stack");
      expect(state.outputs.role_arn.value).toBe(
        `arn:aws:iam::${DEFAULT_DESTINATION_ACCOUNT}:role/${DEFAULTS.roleName}`,
      );
    });

    it("deploy:ec2 -- --migrate-state, with the source profile only, moves ec2-stack's state: the same instance, the role ARN read from S3", async () => {
      // WHEN
      cloud.credentials.hide("destination");
      let result;
      try {
        result = await readme.runOk("npm run deploy:ec2 -- --migrate-state");
      } finally {
        cloud.credentials.restore("destination");
      }

      // THEN the cross-stack reference reads iam-stack's state object
      const ec2 = JSON.parse(synthesizedStacks(cloud.outDir)["ec2-stack"]);
      expect(ec2.data.terraform_remote_state["cross-stack-reference-input-iam-stack"]).toMatchObject({
        backend: "s3",
        config: { bucket: BUCKET, key: stateKey("iam-stack"), region: "us-east-1", profile: "source" },
      });
      // and the state in S3 records the instance deployed with local state, which still runs
      expect(result.output).toMatch(NOTHING_CHANGED);
      const state = await s3State("ec2-stack");
      expect(instanceIdsInState(state)).toEqual([instanceId]);
      expect(state.outputs.instance_id.value).toBe(instanceId);
      const seen = await withClients(cloud, "destination", (c) => describeInstance(c, instanceId));
      expect(seen).toMatchObject({ ownerId: DEFAULT_DESTINATION_ACCOUNT, state: "running" });
      expect(await live()).toEqual([instanceId]);
      // The old local files stay where they were.
      for (const stack of ["iam-stack", "ec2-stack"]) expect(fs.existsSync(localStateFile(cloud, stack))).toBe(true);
    });

    it("ran docs/state.md's commands, in its order", () => {
      readme.expectAllRun();
    });

    it("locks each state with a lock file next to it (use_lockfile), removed after each run", async () => {
      const stacks = synthesizedStacks(cloud.outDir);
      for (const json of Object.values(stacks)) {
        const backend = JSON.parse(json).terraform.backend.s3;
        expect(backend).toMatchObject({ bucket: BUCKET, use_lockfile: true, encrypt: true, profile: "source" });
        expect(backend.dynamodb_table).toBeUndefined();
        // The emulator is reached through the environment only.
        expect(json).not.toContain("127.0.0.1");
        expect(json).not.toMatch(/"(use_path_style|force_path_style|endpoints?)"\s*:/);
      }
      // The bucket is versioned: each run's lock file left a version and, once released, a delete marker.
      const versions = await withClients(cloud, "source", ({ s3 }) =>
        s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: PREFIX })),
      );
      for (const stack of ["iam-stack", "ec2-stack"]) {
        const lockKey = `${stateKey(stack)}.tflock`;
        expect((versions.Versions ?? []).filter((v) => v.Key === lockKey).length).toBeGreaterThan(0);
        expect(versions.DeleteMarkers).toEqual(
          expect.arrayContaining([expect.objectContaining({ Key: lockKey, IsLatest: true })]),
        );
      }
    });

    it("a lock held by another run makes a deploy fail, saying what to do; the state is unchanged", async () => {
      // GIVEN another run holds ec2-stack's lock
      const lockKey = `${stateKey("ec2-stack")}.tflock`;
      const lockInfo = {
        ID: "0b4a4c1e-5b0e-4f58-9d55-7e0f5c7c2a11",
        Operation: "OperationTypeApply",
        Info: "",
        Who: "alice@laptop",
        Version: "1.11.4",
        Created: "2026-01-01T09:00:00Z",
        Path: `${BUCKET}/${stateKey("ec2-stack")}`,
      };
      const etag = (): Promise<string | undefined> =>
        withClients(cloud, "source", async ({ s3 }) => {
          return (await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: stateKey("ec2-stack") }))).ETag;
        });
      const before = await etag();
      await withClients(cloud, "source", ({ s3 }) =>
        s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: lockKey, Body: JSON.stringify(lockInfo) })),
      );
      try {
        // WHEN
        const result = await runStackScript(cloud, ["deploy", "ec2-stack", "--auto-approve"], { env: S3_SETTINGS });

        // THEN
        expect(result.code).toBe(1);
        expect(result.output).toContain("Error acquiring the state lock");
        expect(result.output).toContain(
          "✖ The state of ec2-stack is locked by another run (by alice@laptop for OperationTypeApply since " +
            "2026-01-01 09:00:00 +0000 UTC): nothing was changed. Wait for that run to finish, then run this command again. " +
            "If no run is active any more (one was killed), release the lock with " +
            `\`terraform force-unlock ${lockInfo.ID}\` in ${path.join(cloud.outDir, "stacks", "ec2-stack")}.`,
        );
        expect(await etag()).toBe(before);
      } finally {
        await withClients(cloud, "source", ({ s3 }) =>
          s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: lockKey })),
        );
      }
    });

    it("destroys ec2-stack, then iam-stack (the guard reads ec2-stack's state from S3); the objects stay, empty", async () => {
      const s3 = { env: S3_SETTINGS };
      const refused = await runStackScript(cloud, ["destroy", "iam-stack", "--auto-approve"], s3);
      expect(refused.code).toBe(1);
      expect(refused.output).toContain("Refusing to destroy iam-stack: ec2-stack still has 1 resource in its state");

      await stackScriptOk(cloud, ["destroy", "ec2-stack", "--auto-approve"], s3);
      await stackScriptOk(cloud, ["destroy", "iam-stack", "--auto-approve"], s3);
      stacksIn = undefined;

      expect(await live()).toEqual([]);
      expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
      for (const stack of ["iam-stack", "ec2-stack"]) expect((await s3State(stack)).resources).toEqual([]);
    });
  });

  describe("locking with a DynamoDB table (stateLock=dynamodb)", () => {
    const dynamodb = (): DynamoDBClient =>
      new DynamoDBClient({
        endpoint: cloud.emulator.endpoint,
        region: cloud.region,
        credentials: cloud.credentials.key("source"),
      });

    it("bootstrap-state creates the lock table with the string hash key LockID", async () => {
      const result = await runBootstrapState(cloud, DYNAMODB_SETTINGS);

      expect(result.code).toBe(0);
      expect(result.output).toContain(`Lock table ${TABLE}: created; hash key LockID (string).`);
      expect(result.output).toContain(`export STATE_LOCK_TABLE=${TABLE}\n`);
      const client = dynamodb();
      try {
        const { Table: table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
        expect(table?.KeySchema).toEqual([{ AttributeName: "LockID", KeyType: "HASH" }]);
        expect(table?.AttributeDefinitions).toEqual([{ AttributeName: "LockID", AttributeType: "S" }]);
      } finally {
        client.destroy();
      }
    });

    it("iam-stack deploys with it: Terraform keeps the state's digest in the table and releases the lock", async () => {
      // WHEN
      dynamodbDeployed = true;
      await stackScriptOk(cloud, ["deploy", "iam-stack", "--auto-approve"], {
        env: DYNAMODB_SETTINGS,
        outDir: dynamodbOutDir,
      });

      // THEN
      const backend = JSON.parse(synthesizedStacks(dynamodbOutDir)["iam-stack"]).terraform.backend.s3;
      expect(backend).toMatchObject({ dynamodb_table: TABLE, key: "e2e/dynamodb/iam-stack.tfstate" });
      expect(backend.use_lockfile).toBeUndefined();
      const client = dynamodb();
      try {
        // The digest stays; the run's lock (LockID without "-md5") was released when the run ended.
        const { Items: items } = await client.send(new ScanCommand({ TableName: TABLE }));
        expect((items ?? []).map((i) => i.LockID.S)).toEqual([`${BUCKET}/e2e/dynamodb/iam-stack.tfstate-md5`]);
      } finally {
        client.destroy();
      }
      await stackScriptOk(cloud, ["destroy", "iam-stack", "--auto-approve"], {
        env: DYNAMODB_SETTINGS,
        outDir: dynamodbOutDir,
      });
      dynamodbDeployed = false;
      expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    });
  });
  describe("a bucket whose policy requires SSE-KMS (stateKmsKeyId)", () => {
    let keyArn: string;

    it("bootstrap-state sets stateKmsKeyId as the bucket's default key and prints it with the other settings", async () => {
      // GIVEN
      keyArn = await createKmsKey(cloud, "source");

      // WHEN
      const result = await runBootstrapState(cloud, { ...KMS_SETTINGS, STATE_KMS_KEY_ID: keyArn });

      // THEN
      expect(result.code).toBe(0);
      expect(result.output).toContain(
        `Bucket ${KMS_BUCKET}: created; versioning enabled, SSE-KMS with ${keyArn}, public access blocked.`,
      );
      expect(result.output).toContain(`export STATE_KMS_KEY_ID=${keyArn}\n`);
      const encryption = await withClients(cloud, "source", ({ s3 }) =>
        s3.send(new GetBucketEncryptionCommand({ Bucket: KMS_BUCKET })),
      );
      expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0].ApplyServerSideEncryptionByDefault).toEqual({
        SSEAlgorithm: "aws:kms",
        KMSMasterKeyID: keyArn,
      });
      // and --kms-key-id without the same stateKmsKeyId is refused before anything is changed:
      // the backend would override that default on every write
      const disagreeing = await runBootstrapState(cloud, KMS_SETTINGS, ["--kms-key-id", keyArn]);
      expect(disagreeing.code).toBe(1);
      expect(disagreeing.output).toContain(`--kms-key-id ${keyArn} is not stateKmsKeyId (not set)`);
      expect(disagreeing.output).not.toContain("Bucket ");
    });

    it("without stateKmsKeyId, the backend asks for AES256 and the bucket refuses the state: nothing is created", async () => {
      // GIVEN the policy that refuses every write that does not ask for aws:kms
      await withClients(cloud, "source", ({ s3 }) =>
        s3.send(new PutBucketPolicyCommand({ Bucket: KMS_BUCKET, Policy: JSON.stringify(REQUIRE_KMS_POLICY) })),
      );

      // WHEN
      const result = await runStackScript(cloud, ["deploy", "iam-stack", "--auto-approve"], {
        env: KMS_SETTINGS,
        outDir: kmsOutDir,
      });

      // THEN
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/AccessDenied/);
      expect(result.output).toContain(
        "✖ The state bucket refused to write the lock of iam-stack's state (AccessDenied on PutObject): nothing was " +
          "changed. If the bucket's policy requires SSE-KMS, set stateKmsKeyId (STATE_KMS_KEY_ID) to the key's ARN",
      );
      const backend = JSON.parse(synthesizedStacks(kmsOutDir)["iam-stack"]).terraform.backend.s3;
      expect(backend).toMatchObject({ bucket: KMS_BUCKET, encrypt: true });
      expect(backend.kms_key_id).toBeUndefined();
      expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    });

    it("with stateKmsKeyId, the deploy succeeds and the state object is encrypted with that key", async () => {
      // WHEN
      const settings = { ...KMS_SETTINGS, STATE_KMS_KEY_ID: keyArn };
      kmsDeployed = settings;
      // The key is part of the backend's settings: Terraform asks to move the (empty) state first.
      const changed = await runStackScript(cloud, ["deploy", "iam-stack", "--auto-approve"], {
        env: settings,
        outDir: kmsOutDir,
      });
      expect(changed.code).toBe(1);
      expect(changed.output).toContain(
        "✖ The state settings (backend, bucket, key prefix, KMS key or state directory) changed since iam-stack",
      );
      await stackScriptOk(cloud, ["deploy", "iam-stack", "--auto-approve", "--migrate-state"], {
        env: settings,
        outDir: kmsOutDir,
      });

      // THEN
      const backend = JSON.parse(synthesizedStacks(kmsOutDir)["iam-stack"]).terraform.backend.s3;
      expect(backend).toMatchObject({ bucket: KMS_BUCKET, encrypt: true, kms_key_id: keyArn });
      const head = await withClients(cloud, "source", ({ s3 }) =>
        s3.send(new HeadObjectCommand({ Bucket: KMS_BUCKET, Key: "e2e/kms/iam-stack.tfstate" })),
      );
      expect(head.ServerSideEncryption).toBe("aws:kms");
      expect(head.SSEKMSKeyId).toBe(keyArn);
      expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeDefined();

      await stackScriptOk(cloud, ["destroy", "iam-stack", "--auto-approve"], { env: settings, outDir: kmsOutDir });
      kmsDeployed = undefined;
      expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    });
  });
});
