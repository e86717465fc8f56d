/**
 * A CI pipeline's sign-in, end to end against the local emulator, as the deploy workflow
 * (.github/workflows/deploy.yml) sets it up: an OIDC token instead of stored keys
 * (`SOURCE_AUTH=web-identity`), the AWS profiles written by the workflow's own step (`pipeline`,
 * which exchanges the token for a session of SOURCE_ROLE_ARN, and the target's profile, which
 * assumes DESTINATION_ADMIN_ROLE_NAME from it), a target of .github/deploy-targets.json, a
 * fresh token before each step with the subject GitHub gives it (`environment:<target>` for
 * applies, `pull_request` for plans), and hub and spoke across three accounts (`HUB_ROLE_ARNS`):
 * the token opens a session of `ci-deployer` in the source account, which assumes
 * `hub-deployer` in a tooling account, which assumes the destination role.
 *
 * iam-stack is deployed first with the token alone, no hub: that is the only configuration in
 * which iam-stack's source provider signs in (it reads the source account for the role's trust;
 * with a hub the role trusts the hub and Terraform never configures that provider). It is then
 * deployed again with the hub, and ec2-stack only with the hub. The source account is
 * 111111111111, not the emulator's default account, so that no request the emulator cannot
 * place (an unknown key) could pass for a source-account one.
 *
 * Every run reaches AWS through the fault proxy with no faults: it records each STS call (the
 * action, the role, a hash of the web-identity token, the key id that signed it). With the
 * emulator's record of which session each key id belongs to, that shows who signed each
 * AssumeRole, step by step: the chain itself, not only that sessions were issued.
 *
 * What the emulator (moto 5.2.1) does and does not check, from its source:
 * - AssumeRoleWithWebIdentity reads neither the token nor the role's trust policy (it is
 *   AssumeRole under another name), and the role need not even exist. The proxy's records show
 *   that each step sent the token file's current contents; the token is a well-formed JWT with
 *   the claims GitHub Actions sends (iss, aud, sub, exp), and the test checks its claims against
 *   the trust policy the emulator holds (the IAM policy engine of __tests__/iam ignores the
 *   OIDC provider's condition keys, so that check is the test's own StringEquals).
 * - It evaluates no trust policy, so it cannot show that the destination role refuses the
 *   source account directly: that is left to the IAM evaluation specs (__tests__/iam).
 */
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  GetRoleCommand,
} from "@aws-sdk/client-iam";
import { DEFAULTS } from "../../config";
import { MANAGED_BY } from "../../constructs/shared/tags";
import { createUserWithKey } from "../../scripts/lib/accounts";
import { AccessKey, AwsClients, destroyClients } from "../../scripts/lib/aws-clients";
import { describeInstance, describeRole, liveInstances, trustedPrincipals } from "../../scripts/lib/checks";
import { StsCallRecord } from "../../scripts/lib/fault-proxy";
import { LocalCloud } from "../../scripts/lib/local-cloud";
import { CommandResult } from "../../scripts/lib/process";
import { runProfilesStep } from "../workflow-profiles";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";
import { readLocalState, runStackScript, stackScriptOk } from "./drill-support";
import { cleanUp, STEP_TIMEOUT_MS, synthesizedStacks, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

/** The workflow's target list: the apply job's TARGETS, and what its profiles step reads. */
const TARGETS_JSON = fs.readFileSync(path.join(PROJECT_ROOT, ".github/deploy-targets.json"), "utf8");
/** The target this test applies, as a matrix job of the workflow does. */
const TARGET = "staging";
const TARGET_ENTRY = (
  JSON.parse(TARGETS_JSON) as { name: string; destinationProfile: string; destinationAccountId: string }[]
).find((t) => t.name === TARGET)!;
const IAM_STACK = `iam-stack-${TARGET}`;
const EC2_STACK = `ec2-stack-${TARGET}`;

const SOURCE = "111111111111";
const DESTINATION = TARGET_ENTRY.destinationAccountId;
/** Neither the emulator's default account nor another target's. */
const TOOLING = "444444444444";

/** GitHub Actions' OIDC issuer, audience for AWS, and the subjects of the workflow's jobs. */
const ISSUER_HOST = "token.actions.githubusercontent.com";
const AUDIENCE = "sts.amazonaws.com";
/** The apply job runs in the GitHub environment named after its target. */
const APPLY_SUBJECT = `repo:acme/infra:environment:${TARGET}`;
const PLAN_SUBJECT = "repo:acme/infra:pull_request";
/** A certificate thumbprint as IAM wants one (40 hex digits); the emulator checks only its form. */
const THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1";

/** The workflow's repository variables. */
const DESTINATION_ADMIN_ROLE_NAME = "ci-destination-admin";
const CI_DEPLOYER_ARN = `arn:aws:iam::${SOURCE}:role/ci-deployer`;
const HUB_ARN = `arn:aws:iam::${TOOLING}:role/hub-deployer`;
const DESTINATION_ADMIN_ARN = `arn:aws:iam::${DESTINATION}:role/${DESTINATION_ADMIN_ROLE_NAME}`;
const DESTINATION_ROLE_ARN = `arn:aws:iam::${DESTINATION}:role/${DEFAULTS.roleName}`;
/** The roles ec2-stack's provider and iam-stack's wait go through, in order. */
const CHAIN = [CI_DEPLOYER_ARN, HUB_ARN, DESTINATION_ROLE_ARN];

/** The trust policy of a role that GitHub Actions runs of one repository's applies and plans may assume. */
function githubActionsTrust(oidcProviderArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${ISSUER_HOST}:aud`]: AUDIENCE, [`${ISSUER_HOST}:sub`]: [APPLY_SUBJECT, PLAN_SUBJECT] },
        },
      },
    ],
  });
}

/**
 * A token of the shape GitHub Actions issues: a JWT (header.payload.signature, base64url) with
 * its claims, a new one each time (its `jti`). The signature is random bytes: the emulator verifies none.
 */
function githubActionsToken(subject: string): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return [
    part({ alg: "RS256", typ: "JWT", kid: "pipeline-auth-test" }),
    part({
      jti: randomBytes(16).toString("hex"),
      iss: `https://${ISSUER_HOST}`,
      aud: AUDIENCE,
      sub: subject,
      iat: now,
      nbf: now,
      exp: now + 300,
    }),
    randomBytes(256).toString("base64url"),
  ].join(".");
}

/** The claims of a JWT, decoded (not verified). */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as Record<string, unknown>;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/**
 * Whether a token's claims meet the StringEquals conditions on `<issuer>:<claim>` of a trust
 * policy's web-identity statement (a list of values: any of them).
 */
function claimsMeetTrust(claims: Record<string, unknown>, trustPolicy: unknown): boolean {
  const statements = (trustPolicy as { Statement: { Action: string; Condition?: Record<string, unknown> }[] })
    .Statement;
  const statement = statements.find((st) => st.Action === "sts:AssumeRoleWithWebIdentity");
  const conditions = (statement?.Condition?.StringEquals ?? {}) as Record<string, string | string[]>;
  if (statement === undefined || Object.keys(conditions).length === 0) return false;
  return Object.entries(conditions).every(([key, allowed]) => {
    const claim = claims[key.slice(`${ISSUER_HOST}:`.length)];
    return key.startsWith(`${ISSUER_HOST}:`) && ([] as string[]).concat(allowed).includes(String(claim));
  });
}

/** Creates the OIDC provider of GitHub Actions in the clients' account and a role that trusts it. */
async function createGithubActionsRole(
  clients: AwsClients,
  roleName: string,
  policyArns: string[] = [],
): Promise<void> {
  const { OpenIDConnectProviderArn: providerArn } = await clients.iam.send(
    new CreateOpenIDConnectProviderCommand({
      Url: `https://${ISSUER_HOST}`,
      ClientIDList: [AUDIENCE],
      ThumbprintList: [THUMBPRINT],
    }),
  );
  await clients.iam.send(
    new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: githubActionsTrust(providerArn!) }),
  );
  for (const policyArn of policyArns) {
    await clients.iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }));
  }
}

/** Runs `fn` with SDK clients and closes them afterwards. */
async function using<T>(clients: AwsClients, fn: (c: AwsClients) => Promise<T>): Promise<T> {
  try {
    return await fn(clients);
  } finally {
    destroyClients(clients);
  }
}

/** An assumed-role session as the emulator recorded it. */
interface IssuedSession {
  readonly roleArn: string;
  readonly sessionName: string;
  /** The access key id of its credentials (compared, never printed). */
  readonly accessKeyId: string;
}

/** What the emulator issued. */
interface Issued {
  /** Every assumed-role session, in the order issued. */
  readonly sessions: readonly IssuedSession[];
  /** Every key id, secret and session token, of users and sessions alike: compared, never printed. */
  readonly secrets: readonly string[];
}

/**
 * What the emulator issued, from its model dump (which serializes every object it holds: about
 * 0.5 s before EC2 is used, several seconds after, hence as few calls as the assertions need).
 */
async function issuedByEmulator(cloud: LocalCloud): Promise<Issued> {
  const res = await fetch(`${cloud.emulator.endpoint}/moto-api/data.json`);
  if (!res.ok) throw new Error(`the emulator's model data answered HTTP ${res.status}`);
  const data = (await res.json()) as {
    sts?: { AssumedRole?: Record<string, string>[] };
    iam?: { AccessKey?: Record<string, string>[] };
  };
  const sessions = data.sts?.AssumedRole ?? [];
  const keys = data.iam?.AccessKey ?? [];
  return {
    sessions: sessions.map((s) => ({
      roleArn: s.role_arn,
      sessionName: s.session_name,
      accessKeyId: s.access_key_id,
    })),
    secrets: [
      ...keys.flatMap((k) => [k.access_key_id, k.secret_access_key]),
      ...sessions.map((s) => s.session_token),
    ].filter((s): s is string => typeof s === "string" && s.length >= 16),
  };
}

/**
 * Who made each call that opened a session, as `<role assumed> <- <signer>`: the signer is the
 * role of the session whose key signed the call (from the emulator's sessions), `token` for an
 * unsigned AssumeRoleWithWebIdentity, or `a key of no session` (a user's key, say).
 */
function links(calls: readonly StsCallRecord[], sessions: readonly IssuedSession[]): string[] {
  const roleOfKey = new Map(sessions.map((s) => [s.accessKeyId, s.roleArn]));
  return calls
    .filter((c) => c.action === "AssumeRole" || c.action === "AssumeRoleWithWebIdentity")
    .map((c) => {
      const signer = c.accessKeyId === undefined ? "token" : (roleOfKey.get(c.accessKeyId) ?? "a key of no session");
      return `${c.roleArn} <- ${signer}`;
    });
}

/**
 * What keeps a list of sessions from being whole sign-ins through `chain`, in order: a session of a
 * role other than the chain's, a session of a role issued before one of the role ahead of it (at
 * any point of the list, at least as many of each role as of the next), or an unfinished chain.
 * Sign-ins may interleave: the records of one ec2-stack deploy show two of them at once.
 */
function brokenChains(roles: readonly string[], chain: readonly string[]): string[] {
  const count = (list: readonly string[], role: string): number => list.filter((r) => r === role).length;
  const problems = roles.flatMap((role, i) => {
    const step = chain.indexOf(role);
    if (step < 0) return [`session ${i}: ${role} is not in the chain`];
    const before = roles.slice(0, i + 1);
    return step > 0 && count(before, role) > count(before, chain[step - 1])
      ? [`session ${i}: ${role} before a session of ${chain[step - 1]}`]
      : [];
  });
  const counts = chain.map((role) => count(roles, role));
  return counts.every((n) => n === counts[0]) ? problems : [...problems, `unfinished chains: ${counts.join(", ")}`];
}

/** Every file under `dir`, by path. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * Where a text holds credentials: a key the emulator issued, something shaped like an access key
 * id, or a credentials field. Says where and what, never the value.
 */
function credentialsIn(files: Readonly<Record<string, string>>, secrets: readonly string[]): string[] {
  return Object.entries(files).flatMap(([name, text]) => [
    ...(secrets.some((s) => text.includes(s)) ? [`${name}: a key, secret or token the emulator issued`] : []),
    ...(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/.test(text) ? [`${name}: an access key id`] : []),
    ...(/aws_(?:access_key_id|secret_access_key|session_token)|"(?:access_key|secret_key|token)"\s*:/.test(text)
      ? [`${name}: a credentials field`]
      : []),
  ]);
}

describe("a pipeline signs in as the deploy workflow sets it up: an OIDC token, its profiles, directly and through a hub", () => {
  // The runner's temp directory: the token, a credentials file without keys, and the config file
  // the workflow's step writes. The sandbox lives inside the same directory, and every one of its
  // runs (also the clean-up's) gets these settings.
  let root: string;
  let runnerTemp: string;
  let tokenFile: string;
  let credentialsFile: string;
  let configFile: string;
  let cloud: LocalCloud;
  let toolingAdmin: AccessKey;
  let instanceId: string;

  /** The run environment on top of the sandbox's: the hub, unless `hub` is false. */
  const runEnv = (hub = true): Record<string, string> => (hub ? { HUB_ROLE_ARNS: HUB_ARN } : {});
  /** The roles of the sessions of one name, in the order issued. */
  const rolesOf = (sessions: readonly IssuedSession[], name: string): string[] =>
    sessions.filter((s) => s.sessionName === name).map((s) => s.roleArn);
  const tooling = <T>(fn: (c: AwsClients) => Promise<T>): Promise<T> => using(cloud.clientsWithKey(toolingAdmin), fn);
  /** The STS calls the proxy has recorded so far. */
  const stsCalls = (): readonly StsCallRecord[] => cloud.faults!.counters().stsCalls;

  /** The workflow's "Fetch a fresh OIDC token" step: a new token in the file, written aside and moved in. */
  const fetchToken = (subject: string): string => {
    const token = githubActionsToken(subject);
    fs.writeFileSync(`${tokenFile}.new`, token, { mode: 0o600 });
    fs.renameSync(`${tokenFile}.new`, tokenFile);
    return token;
  };

  /** What one step of the workflow did through STS. */
  interface StepCalls {
    readonly calls: readonly StsCallRecord[];
    readonly result: CommandResult;
  }

  /**
   * One step of the workflow: a fresh token with `subject`, then the wrapper's command (as the
   * workflow's `npm run deploy:iam -- --target "$TARGET" --auto-approve`), and the STS calls it made.
   */
  const step = async (subject: string, args: readonly string[], hub = true): Promise<StepCalls & { token: string }> => {
    const token = fetchToken(subject);
    const before = stsCalls().length;
    const result = await stackScriptOk(cloud, args, { env: runEnv(hub) });
    return { calls: stsCalls().slice(before), result, token };
  };

  /**
   * Checks one step's STS calls: every call answered 200; every AssumeRoleWithWebIdentity sent
   * the token the step fetched, to ci-deployer (the source provider's, the `pipeline` profile's
   * and the wait's sign-in); each session opened by exactly the principals `expected` names;
   * every signed call signed by a key of a session of the chain, never by a stored key.
   */
  const expectSignIns = async (done: StepCalls & { token: string }, expected: readonly string[]): Promise<void> => {
    const { sessions } = await issuedByEmulator(cloud);
    expect(done.calls.filter((c) => c.status !== 200)).toEqual([]);
    const webIdentity = done.calls.filter((c) => c.action === "AssumeRoleWithWebIdentity");
    expect(webIdentity.length).toBeGreaterThan(0);
    for (const call of webIdentity) {
      expect(call).toMatchObject({ roleArn: CI_DEPLOYER_ARN, webIdentityTokenSha256: sha256(done.token) });
      expect(call.accessKeyId).toBeUndefined();
    }
    expect([...new Set(links(done.calls, sessions))].sort()).toEqual([...expected].sort());
    const sessionKeys = new Set(sessions.map((s) => s.accessKeyId));
    const signedByOther = done.calls.filter((c) => c.accessKeyId !== undefined && !sessionKeys.has(c.accessKeyId));
    expect(signedByOther.map((c) => c.action)).toEqual([]);
  };

  /** Every file the runs read or wrote, by a name for messages. */
  const filesOfTheRun = (): Record<string, string> => {
    const files: Record<string, string> = {
      "credentials file": fs.readFileSync(credentialsFile, "utf8"),
      "config file the workflow wrote": fs.readFileSync(configFile, "utf8"),
      "token file": fs.readFileSync(tokenFile, "utf8"),
    };
    for (const [stack, json] of Object.entries(synthesizedStacks(cloud.outDir))) files[`${stack}/cdk.tf.json`] = json;
    for (const file of [...filesUnder(cloud.stateDir), ...filesUnder(cloud.logDir)]) {
      files[path.relative(cloud.dir, file)] = fs.readFileSync(file, "utf8");
    }
    return files;
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-pipeline-auth-"));
    runnerTemp = path.join(root, "runner-temp");
    fs.mkdirSync(runnerTemp);
    // The workflow's "Choose the token file" step.
    tokenFile = path.join(runnerTemp, "web-identity-token");
    credentialsFile = path.join(root, "credentials");
    fs.writeFileSync(credentialsFile, "", { mode: 0o600 });

    // The workflow's "Write the destination profiles" step, from the workflow file, with its variables.
    const profiles = runProfilesStep({
      jobId: "apply",
      cwd: PROJECT_ROOT,
      runnerTemp,
      env: {
        SOURCE_ROLE_ARN: CI_DEPLOYER_ARN,
        DESTINATION_ADMIN_ROLE_NAME,
        WEB_IDENTITY_TOKEN_FILE: tokenFile,
      },
    });
    if (profiles.code !== 0) throw new Error(`the workflow's profiles step failed: ${profiles.stderr}`);
    configFile = profiles.githubEnv.AWS_CONFIG_FILE;

    cloud = await LocalCloud.start({
      tmpRoot: root,
      source: { profile: "source", accountId: SOURCE },
      destinations: [{ profile: TARGET_ENTRY.destinationProfile, accountId: DESTINATION }],
      // No faults: the proxy only records the STS calls.
      faults: {},
      settings: {
        TARGETS: TARGETS_JSON,
        SOURCE_AUTH: "web-identity",
        SOURCE_ROLE_ARN: CI_DEPLOYER_ARN,
        WEB_IDENTITY_TOKEN_FILE: tokenFile,
        // Instead of the sandbox's files, which hold its deployers' keys: those keys stay for
        // this test's own API checks and fixtures.
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_CONFIG_FILE: configFile,
      },
    });
    // The pipeline's roles: one per account that the token signs in to, and the hub. (The
    // emulator enforces no policy here; the admin role's attachment says what it is for.)
    await withClients(cloud, "source", (c) => createGithubActionsRole(c, "ci-deployer"));
    await withClients(cloud, TARGET_ENTRY.destinationProfile, (c) =>
      c.iam.send(
        new CreateRoleCommand({
          RoleName: DESTINATION_ADMIN_ROLE_NAME,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: CI_DEPLOYER_ARN }, Action: "sts:AssumeRole" }],
          }),
        }),
      ),
    );
    await withClients(cloud, TARGET_ENTRY.destinationProfile, (c) =>
      c.iam.send(
        new AttachRolePolicyCommand({
          RoleName: DESTINATION_ADMIN_ROLE_NAME,
          PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        }),
      ),
    );
    toolingAdmin = await createUserWithKey({
      endpoint: cloud.emulator.endpoint,
      region: cloud.region,
      accountId: TOOLING,
      userName: "admin",
    });
    await tooling((c) =>
      c.iam.send(
        new CreateRoleCommand({
          RoleName: "hub-deployer",
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: CI_DEPLOYER_ARN }, Action: "sts:AssumeRole" }],
          }),
        }),
      ),
    );
  });

  afterAll(async () => {
    try {
      if (cloud) {
        // What a failed test left deployed goes first, as the workflow's runs did.
        fetchToken(APPLY_SUBJECT);
        await runStackScript(cloud, ["destroy", "all", "--target", TARGET, "--auto-approve"], { env: runEnv() });
      }
      await cleanUp(cloud);
    } finally {
      if (root) fs.rmSync(root, { recursive: true, force: true });
    }
  });

  const destination = <T>(fn: (c: AwsClients) => Promise<T>): Promise<T> =>
    withClients(cloud, TARGET_ENTRY.destinationProfile, fn);

  it("the workflow's step wrote the profiles: the target's assumes the admin role from `pipeline`, which alone holds the token", () => {
    const config = fs.readFileSync(configFile, "utf8");
    expect(path.dirname(configFile)).toBe(runnerTemp);
    expect(config).toContain(
      `[profile ${TARGET_ENTRY.destinationProfile}]\nrole_arn = ${DESTINATION_ADMIN_ARN}\nsource_profile = pipeline\n`,
    );
    expect(config).toContain(
      `[profile pipeline]\nrole_arn = ${CI_DEPLOYER_ARN}\nweb_identity_token_file = ${tokenFile}\n`,
    );
    expect(config.match(/web_identity_token_file/g)).toHaveLength(1);
  });

  it("deploys iam-stack with the token alone: the role trusts the source account, read through the token", async () => {
    // GIVEN no key anywhere the run looks
    expect(fs.readFileSync(credentialsFile, "utf8")).toBe("");
    const env = cloud.env();
    expect(env.AWS_SHARED_CREDENTIALS_FILE).toBe(credentialsFile);
    expect(env.AWS_CONFIG_FILE).toBe(configFile);
    expect(
      Object.keys(env).filter((name) => /^AWS_(?:ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE)$/.test(name)),
    ).toEqual([]);

    // WHEN the workflow's apply step of iam-stack runs, after a fresh token (no hub yet)
    const done = await step(APPLY_SUBJECT, ["deploy", "iam-stack", "--target", TARGET, "--auto-approve"], false);

    // THEN the role is in the destination account and trusts the source account
    expect(readLocalState(cloud, IAM_STACK)?.outputs.role_arn.value).toBe(DESTINATION_ROLE_ARN);
    const role = await destination((c) => describeRole(c, DEFAULTS.roleName));
    expect(role?.arn).toBe(DESTINATION_ROLE_ARN);
    expect(trustedPrincipals(role!)).toEqual([`arn:aws:iam::${SOURCE}:root`]);
    expect(role!.attachedPolicyArns).toEqual(["arn:aws:iam::aws:policy/AmazonEC2FullAccess"]);
    // and each sign-in went as the workflow set it up: the token (the step's own) to ci-deployer
    // for the source provider, the `pipeline` profile and the wait; the target's profile assumed
    // the admin role with ci-deployer's session; the wait assumed the new role with it too.
    await expectSignIns(done, [
      `${CI_DEPLOYER_ARN} <- token`,
      `${DESTINATION_ADMIN_ARN} <- ${CI_DEPLOYER_ARN}`,
      `${DESTINATION_ROLE_ARN} <- ${CI_DEPLOYER_ARN}`,
    ]);
    // The wait succeeded twice in a row, each time with a whole sign-in.
    const { sessions } = await issuedByEmulator(cloud);
    expect(rolesOf(sessions, "cdktf-role-ready")).toEqual([
      CI_DEPLOYER_ARN,
      DESTINATION_ROLE_ARN,
      CI_DEPLOYER_ARN,
      DESTINATION_ROLE_ARN,
    ]);
    // The token the step sent meets ci-deployer's trust as the emulator holds it (which the
    // emulator itself does not check).
    const ciDeployer = await withClients(cloud, "source", (c) =>
      c.iam.send(new GetRoleCommand({ RoleName: "ci-deployer" })),
    );
    const trust = JSON.parse(decodeURIComponent(ciDeployer.Role!.AssumeRolePolicyDocument!)) as unknown;
    expect(claimsOf(done.token)).toMatchObject({ iss: `https://${ISSUER_HOST}`, sub: APPLY_SUBJECT });
    expect(claimsMeetTrust(claimsOf(done.token), trust)).toBe(true);
    expect(claimsMeetTrust({ ...claimsOf(done.token), sub: "repo:acme/other:environment:staging" }, trust)).toBe(false);
  });

  it("deploys iam-stack again with the hub: the role trusts only the hub, and the wait goes through it", async () => {
    const done = await step(APPLY_SUBJECT, ["deploy", "iam-stack", "--target", TARGET, "--auto-approve"]);

    const role = await destination((c) => describeRole(c, DEFAULTS.roleName));
    expect(trustedPrincipals(role!)).toEqual([HUB_ARN]);
    expect(JSON.stringify(role!.trustPolicy)).not.toContain(SOURCE);
    // The changed trust made the wait run again, now through the hub: the hub's session, not
    // ci-deployer's, assumed the role; the target's profile still assumed the admin role.
    await expectSignIns(done, [
      `${CI_DEPLOYER_ARN} <- token`,
      `${DESTINATION_ADMIN_ARN} <- ${CI_DEPLOYER_ARN}`,
      `${HUB_ARN} <- ${CI_DEPLOYER_ARN}`,
      `${DESTINATION_ROLE_ARN} <- ${HUB_ARN}`,
    ]);
    const roleReady = done.calls.filter((c) => c.roleSessionName === "cdktf-role-ready").map((c) => c.roleArn!);
    expect(roleReady.length).toBeGreaterThanOrEqual(2 * CHAIN.length);
    expect(brokenChains(roleReady, CHAIN)).toEqual([]);
  });

  it("deploys ec2-stack as the workflow's apply does, through the hub: the instance runs in the destination account", async () => {
    // WHEN the workflow's apply step of ec2-stack, after a fresh token
    const done = await step(APPLY_SUBJECT, ["deploy", "ec2-stack", "--target", TARGET, "--auto-approve"]);

    // THEN the provider acted in the destination account (its caller identity, from STS)
    const outputs = readLocalState(cloud, EC2_STACK)!.outputs;
    instanceId = outputs.instance_id.value as string;
    expect(instanceId).toMatch(/^i-[0-9a-f]+$/);
    expect(outputs.account_id.value).toBe(DESTINATION);
    // and EC2 in that account owns the instance, which neither the source nor the hub account sees
    const seen = await destination((c) => describeInstance(c, instanceId));
    expect(seen).toMatchObject({ ownerId: DESTINATION, state: "running" });
    expect(await withClients(cloud, "source", (c) => describeInstance(c, instanceId))).toBeUndefined();
    expect(await tooling((c) => describeInstance(c, instanceId))).toBeUndefined();
    // ec2-stack's provider signed in through the whole chain, each AssumeRole signed by the
    // session before it, and never through the target's profile (no admin role).
    await expectSignIns(done, [
      `${CI_DEPLOYER_ARN} <- token`,
      `${HUB_ARN} <- ${CI_DEPLOYER_ARN}`,
      `${DESTINATION_ROLE_ARN} <- ${HUB_ARN}`,
    ]);
    const ec2Chain = done.calls.filter((c) => c.roleSessionName === `cdktf-${EC2_STACK}`).map((c) => c.roleArn!);
    expect(ec2Chain.length).toBeGreaterThanOrEqual(CHAIN.length);
    expect(brokenChains(ec2Chain, CHAIN)).toEqual([]);
  });

  it("plans the deployed ec2-stack as the pipeline's pull requests do, with their token: no changes", async () => {
    // WHEN: the workflow's plan step, `cdktf diff` through the wrapper, with a pull request's token
    const done = await step(PLAN_SUBJECT, ["diff", "ec2-stack", "--target", TARGET]);

    // THEN
    expect(done.result.output).toContain("No changes. Your infrastructure matches the configuration.");
    await expectSignIns(done, [
      `${CI_DEPLOYER_ARN} <- token`,
      `${HUB_ARN} <- ${CI_DEPLOYER_ARN}`,
      `${DESTINATION_ROLE_ARN} <- ${HUB_ARN}`,
    ]);
    expect(claimsOf(done.token)).toMatchObject({ sub: PLAN_SUBJECT });
  });

  it("no file the runs used holds an access key id, a secret or a session token", async () => {
    const { secrets } = await issuedByEmulator(cloud);
    // The emulator's records hold the keys of the sandbox's users too (compared, not printed).
    const deployer = cloud.credentials.key(TARGET_ENTRY.destinationProfile);
    expect(secrets.includes(deployer.accessKeyId) && secrets.includes(deployer.secretAccessKey)).toBe(true);

    expect(credentialsIn(filesOfTheRun(), secrets)).toEqual([]);
  });

  it("destroys ec2-stack, then iam-stack, each after a fresh token, leaving nothing in any account", async () => {
    const ec2 = await step(APPLY_SUBJECT, ["destroy", "ec2-stack", "--target", TARGET, "--auto-approve"]);
    expect((await destination((c) => describeInstance(c, instanceId)))?.state).toBe("terminated");
    await expectSignIns(ec2, [
      `${CI_DEPLOYER_ARN} <- token`,
      `${HUB_ARN} <- ${CI_DEPLOYER_ARN}`,
      `${DESTINATION_ROLE_ARN} <- ${HUB_ARN}`,
    ]);

    const iam = await step(APPLY_SUBJECT, ["destroy", "iam-stack", "--target", TARGET, "--auto-approve"]);
    await expectSignIns(iam, [`${CI_DEPLOYER_ARN} <- token`, `${DESTINATION_ADMIN_ARN} <- ${CI_DEPLOYER_ARN}`]);

    expect(await destination((c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    expect(await destination((c) => liveInstances(c, MANAGED_BY))).toEqual([]);
    expect(await withClients(cloud, "source", (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
    expect(await tooling((c) => liveInstances(c, MANAGED_BY))).toEqual([]);
    for (const stack of [IAM_STACK, EC2_STACK]) {
      expect(readLocalState(cloud, stack)?.resources.filter((r) => r.mode === "managed")).toEqual([]);
    }
    // The destroys' logs and states too: still no credentials.
    const { secrets } = await issuedByEmulator(cloud);
    expect(credentialsIn(filesOfTheRun(), secrets)).toEqual([]);
  });
});
