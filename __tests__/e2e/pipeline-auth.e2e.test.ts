/**
 * A CI pipeline's sign-in, end to end against the local emulator: an OIDC token instead of
 * stored keys (`SOURCE_AUTH=web-identity`), and hub and spoke across three accounts
 * (`HUB_ROLE_ARNS`): the token opens a session of `ci-deployer` in the source account, which
 * assumes `hub-deployer` in a tooling account, which assumes the destination role.
 *
 * One deploy/destroy cycle for both cases, plus one deploy: each cdktf run costs 10 to 30 s here.
 * iam-stack is deployed first with the token alone, no hub: that is the only configuration in
 * which iam-stack's source provider signs in (it reads the source account for the role's trust;
 * with a hub the role trusts the hub and Terraform never configures that provider). It is then
 * deployed again with the hub, and ec2-stack only with the hub: the tutorial's steps with the
 * token (iam-stack, ec2-stack without the destination profile, destroy both) and the hub case
 * (the role trusts only the hub, the instance lands in the destination account, the emulator
 * issued the chain) are asserted on the same runs. A second full cycle without a hub would add
 * an ec2-stack deploy and destroy that differ from these only in the roles the provider chains
 * through, which the session records below show. The source account is 111111111111, not the
 * emulator's default account, so that no request the emulator cannot place (an unknown key)
 * could pass for a source-account one.
 *
 * What the emulator (moto 5.2.1) does and does not check, from its source:
 * - AssumeRoleWithWebIdentity reads neither the token nor the role's trust policy (it is
 *   AssumeRole under another name), and the role need not even exist. The token here is still a
 *   well-formed JWT with the claims GitHub Actions sends (iss, aud, sub, exp), and the roles'
 *   trust policies pin aud and sub as on AWS; the test checks that the claims meet them.
 * - The credentials of every assumed-role session belong to the account in the role's ARN; a
 *   request signed with them is placed in that account. The emulator records each session
 *   (role, session name, account) and marks a role as used when a request is signed with a
 *   session of it: both are read back to show the chain.
 * - It evaluates no trust policy, so it cannot show that the destination role refuses the
 *   source account directly: that is left to the IAM evaluation specs (__tests__/iam). It does not
 *   record which credentials signed an AssumeRole either: the chain is shown by the sessions'
 *   order and by each role of it having been used, with no key anywhere that could have
 *   signed instead.
 */
import { randomBytes } from "crypto";
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
import { DEFAULT_DESTINATION_ACCOUNT, LocalCloud } from "../../scripts/lib/local-cloud";
import { readLocalState, runStackScript } from "./drill-support";
import { cleanUp, STEP_TIMEOUT_MS, synthesizedStacks, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

const SOURCE = "111111111111";
const DESTINATION = DEFAULT_DESTINATION_ACCOUNT;
const TOOLING = "333333333333";

/** GitHub Actions' OIDC issuer, audience for AWS, and a subject pinned to one repository and branch. */
const ISSUER_HOST = "token.actions.githubusercontent.com";
const AUDIENCE = "sts.amazonaws.com";
const SUBJECT = "repo:acme/infra:ref:refs/heads/main";
/** A certificate thumbprint as IAM wants one (40 hex digits); the emulator checks only its form. */
const THUMBPRINT = "6938fd4d98bab03faadb97b34396831e3780aea1";

const CI_DEPLOYER_ARN = `arn:aws:iam::${SOURCE}:role/ci-deployer`;
const HUB_ARN = `arn:aws:iam::${TOOLING}:role/hub-deployer`;
const DESTINATION_ADMIN_ARN = `arn:aws:iam::${DESTINATION}:role/ci-destination-admin`;
const DESTINATION_ROLE_ARN = `arn:aws:iam::${DESTINATION}:role/${DEFAULTS.roleName}`;
/** The roles ec2-stack's provider and iam-stack's wait go through, in order. */
const CHAIN = [CI_DEPLOYER_ARN, HUB_ARN, DESTINATION_ROLE_ARN];
/** Session name of the destination profile's web identity (iam-stack's destination provider). */
const DESTINATION_PROFILE_SESSION = "ci-destination";

/** The trust policy of a role that GitHub Actions runs of one repository and branch may assume. */
function githubActionsTrust(oidcProviderArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${ISSUER_HOST}:aud`]: AUDIENCE, [`${ISSUER_HOST}:sub`]: SUBJECT } },
      },
    ],
  });
}

/**
 * A token of the shape GitHub Actions issues: a JWT (header.payload.signature, base64url) with
 * its claims. The signature is random bytes: the emulator verifies none.
 */
function githubActionsToken(): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  return [
    part({ alg: "RS256", typ: "JWT", kid: "pipeline-auth-test" }),
    part({ iss: `https://${ISSUER_HOST}`, aud: AUDIENCE, sub: SUBJECT, iat: now, nbf: now, exp: now + 3600 }),
    randomBytes(256).toString("base64url"),
  ].join(".");
}

/** The claims of a JWT, decoded (not verified). */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as Record<string, unknown>;
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
  /** The account its credentials belong to. */
  readonly accountId: string;
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
    sessions: sessions.map((s) => ({ roleArn: s.role_arn, sessionName: s.session_name, accountId: s.account_id })),
    secrets: [
      ...keys.flatMap((k) => [k.access_key_id, k.secret_access_key]),
      ...sessions.map((s) => s.session_token),
    ].filter((s): s is string => typeof s === "string" && s.length >= 16),
  };
}

/** The account in an ARN. */
const accountOf = (arn: string): string => arn.split(":")[4];

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

describe("a pipeline signs in with an OIDC token, no stored keys, directly and through a hub account", () => {
  // The run's own files: the token, a credentials file without keys, and a config file whose
  // only profile takes its credentials from the token too. The sandbox lives inside the same
  // directory, and every one of its runs (also the clean-up's) gets these settings.
  let root: string;
  let tokenFile: string;
  let credentialsFile: string;
  let configFile: string;
  let destinationProfile: string;
  const token = githubActionsToken();
  let cloud: LocalCloud;
  let toolingAdmin: AccessKey;
  let instanceId: string;

  /**
   * The environment of a cdktf run on top of the sandbox's: the hub, unless `hub` is false, and
   * the emulator's STS endpoint. The sandbox points the runs at the emulator with
   * AWS_ENDPOINT_URL only, which the AWS provider ignores for the STS call that resolves a
   * profile's web_identity_token_file (it takes AWS_ENDPOINT_URL_STS there): that call would go
   * to the real STS. Emulator plumbing, nothing of the app's configuration.
   */
  const runEnv = (hub = true): Record<string, string> => ({
    ...(hub ? { HUB_ROLE_ARNS: HUB_ARN } : {}),
    AWS_ENDPOINT_URL_STS: cloud.awsEndpoint,
  });
  /** The roles of the sessions of one name, in the order issued. */
  const rolesOf = (sessions: readonly IssuedSession[], name: string): string[] =>
    sessions.filter((s) => s.sessionName === name).map((s) => s.roleArn);
  /** How many sessions the emulator had issued after the first deploy. */
  let sessionsOfFirstDeploy = 0;
  /** What the emulator had issued once both stacks were deployed. */
  let issuedWhenDeployed: Issued | undefined;
  const tooling = <T>(fn: (c: AwsClients) => Promise<T>): Promise<T> => using(cloud.clientsWithKey(toolingAdmin), fn);
  /** Every file the runs read or wrote, by a name for messages. */
  const filesOfTheRun = (): Record<string, string> => {
    const files: Record<string, string> = {
      "credentials file": fs.readFileSync(credentialsFile, "utf8"),
      "config file": fs.readFileSync(configFile, "utf8"),
      "config file with the destination profile": destinationProfile,
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
    tokenFile = path.join(root, "github-actions-token");
    credentialsFile = path.join(root, "credentials");
    configFile = path.join(root, "config");
    destinationProfile = [
      "[profile destination]",
      `role_arn = ${DESTINATION_ADMIN_ARN}`,
      `web_identity_token_file = ${tokenFile}`,
      `role_session_name = ${DESTINATION_PROFILE_SESSION}`,
      "",
    ].join("\n");
    fs.writeFileSync(tokenFile, token, { mode: 0o600 });
    fs.writeFileSync(credentialsFile, "", { mode: 0o600 });
    fs.writeFileSync(configFile, destinationProfile, { mode: 0o600 });
    cloud = await LocalCloud.start({
      tmpRoot: root,
      source: { profile: "source", accountId: SOURCE },
      settings: {
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
    await withClients(cloud, "destination", (c) =>
      createGithubActionsRole(c, "ci-destination-admin", ["arn:aws:iam::aws:policy/AdministratorAccess"]),
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
        // What a failed test left deployed goes first, with the runs' environment (the clean-up's
        // own runs lack the STS endpoint of the destination profile, see runEnv), the profile back.
        fs.writeFileSync(configFile, destinationProfile, { mode: 0o600 });
        for (const stack of cloud.deployed.reverse()) {
          await cloud.destroy([stack], { env: runEnv(), ignoreDependents: true }).catch(() => undefined);
        }
      }
      await cleanUp(cloud);
    } finally {
      if (root) fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("deploys iam-stack with the token alone: the role trusts the source account, read through the token", async () => {
    // GIVEN no key anywhere the run looks, and a token whose claims meet the roles' trust
    expect(fs.readFileSync(credentialsFile, "utf8")).toBe("");
    const env = cloud.env();
    expect(env.AWS_SHARED_CREDENTIALS_FILE).toBe(credentialsFile);
    expect(env.AWS_CONFIG_FILE).toBe(configFile);
    expect(
      Object.keys(env).filter((name) => /^AWS_(?:ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE)$/.test(name)),
    ).toEqual([]);
    const ciDeployer = await withClients(cloud, "source", (c) =>
      c.iam.send(new GetRoleCommand({ RoleName: "ci-deployer" })),
    );
    const condition = JSON.parse(decodeURIComponent(ciDeployer.Role!.AssumeRolePolicyDocument!)).Statement[0].Condition
      .StringEquals as Record<string, string>;
    expect(claimsOf(token)).toMatchObject({
      iss: `https://${ISSUER_HOST}`,
      aud: condition[`${ISSUER_HOST}:aud`],
      sub: condition[`${ISSUER_HOST}:sub`],
      exp: expect.any(Number),
    });

    // WHEN
    const outputs = await cloud.deploy(["iam-stack"], { env: runEnv(false) });

    // THEN the role is in the destination account and trusts the source account, whose id the
    // source provider read with the token's session: nothing the run reads holds a key of
    // 111111111111, and the emulator files unknown keys under 123456789012.
    expect(outputs["iam-stack"].role_arn).toBe(DESTINATION_ROLE_ARN);
    const role = await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName));
    expect(role?.arn).toBe(DESTINATION_ROLE_ARN);
    expect(trustedPrincipals(role!)).toEqual([`arn:aws:iam::${SOURCE}:root`]);
    expect(role!.attachedPolicyArns).toEqual(["arn:aws:iam::aws:policy/AmazonEC2FullAccess"]);
    // Each provider and the wait signed in with the token: the source provider as ci-deployer, the
    // destination provider through the destination profile's role, the wait as ci-deployer, which
    // then assumed the role (twice: it waits for two successes in a row).
    const { sessions } = await issuedByEmulator(cloud);
    sessionsOfFirstDeploy = sessions.length;
    expect(new Set(rolesOf(sessions, "cdktf-iam-stack"))).toEqual(new Set([CI_DEPLOYER_ARN]));
    expect(new Set(rolesOf(sessions, DESTINATION_PROFILE_SESSION))).toEqual(new Set([DESTINATION_ADMIN_ARN]));
    expect(rolesOf(sessions, "cdktf-role-ready")).toEqual([
      CI_DEPLOYER_ARN,
      DESTINATION_ROLE_ARN,
      CI_DEPLOYER_ARN,
      DESTINATION_ROLE_ARN,
    ]);
  });

  it("deploys iam-stack again with the hub: the role trusts only the hub, and the wait goes through it", async () => {
    await cloud.deploy(["iam-stack"], { env: runEnv() });

    const role = await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName));
    expect(trustedPrincipals(role!)).toEqual([HUB_ARN]);
    expect(JSON.stringify(role!.trustPolicy)).not.toContain(SOURCE);
    // The changed trust made the wait run again, now through the hub, and succeed twice in a row.
    const { sessions } = await issuedByEmulator(cloud);
    const waitChain = rolesOf(sessions.slice(sessionsOfFirstDeploy), "cdktf-role-ready");
    expect(waitChain.length).toBeGreaterThanOrEqual(2 * CHAIN.length);
    expect(brokenChains(waitChain, CHAIN)).toEqual([]);
  });

  it("deploys ec2-stack with no profile at all, through the hub: the instance runs in the destination account", async () => {
    // GIVEN the config file without its profile: only the token is left to sign in with
    fs.writeFileSync(configFile, "", { mode: 0o600 });

    // WHEN
    const outputs = await cloud.deploy(["ec2-stack"], { env: runEnv() });

    // THEN the provider acted in the destination account (its caller identity, from STS)
    instanceId = outputs["ec2-stack"].instance_id;
    expect(instanceId).toMatch(/^i-[0-9a-f]+$/);
    expect(outputs["ec2-stack"].account_id).toBe(DESTINATION);
    // and EC2 in that account owns the instance, which neither the source nor the hub account sees
    const seen = await withClients(cloud, "destination", (c) => describeInstance(c, instanceId));
    expect(seen).toMatchObject({ ownerId: DESTINATION, state: "running" });
    expect(await withClients(cloud, "source", (c) => describeInstance(c, instanceId))).toBeUndefined();
    expect(await tooling((c) => describeInstance(c, instanceId))).toBeUndefined();
  });

  it("plans the deployed ec2-stack as the pipeline's pull requests do: npm run plan:ec2, no changes", async () => {
    // WHEN: the workflow's plan step, `cdktf diff` through the wrapper, with the token alone
    const plan = await runStackScript(cloud, ["diff", "ec2-stack"], { env: runEnv() });

    // THEN
    expect(plan.code).toBe(0);
    expect(plan.output).toContain("No changes. Your infrastructure matches the configuration.");
  });

  it("the emulator issued the chain: token → ci-deployer → hub-deployer → destination role, each in its account", async () => {
    // ec2-stack's provider signed in through the whole chain, in order, each time it was configured.
    issuedWhenDeployed = await issuedByEmulator(cloud);
    const { sessions } = issuedWhenDeployed;
    const ec2Chain = rolesOf(sessions, "cdktf-ec2-stack");
    expect(ec2Chain.length).toBeGreaterThanOrEqual(CHAIN.length);
    expect(brokenChains(ec2Chain, CHAIN)).toEqual([]);
    // Every session's credentials belong to the account of its role.
    for (const s of sessions) expect(s).toMatchObject({ accountId: accountOf(s.roleArn) });

    // Each role of the chain signed requests (the next AssumeRole, or EC2's calls) in its account.
    const lastUsed = async (clients: AwsClients, roleName: string): Promise<Date | undefined> =>
      (await clients.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role?.RoleLastUsed?.LastUsedDate;
    expect(await withClients(cloud, "source", (c) => lastUsed(c, "ci-deployer"))).toBeInstanceOf(Date);
    expect(await tooling((c) => lastUsed(c, "hub-deployer"))).toBeInstanceOf(Date);
    expect(await withClients(cloud, "destination", (c) => lastUsed(c, DEFAULTS.roleName))).toBeInstanceOf(Date);
  });

  it("no file the runs used holds an access key id, a secret or a session token", async () => {
    const { secrets } = issuedWhenDeployed ?? (await issuedByEmulator(cloud));
    // The emulator's records hold the keys of the sandbox's users too (compared, not printed).
    const deployer = cloud.credentials.key("destination");
    expect(secrets.includes(deployer.accessKeyId) && secrets.includes(deployer.secretAccessKey)).toBe(true);

    expect(credentialsIn(filesOfTheRun(), secrets)).toEqual([]);
  });

  it("destroys ec2-stack with the token alone, then iam-stack, leaving nothing in any account", async () => {
    await cloud.destroy(["ec2-stack"], { env: runEnv() });

    expect((await withClients(cloud, "destination", (c) => describeInstance(c, instanceId)))?.state).toBe("terminated");

    // iam-stack's destination provider needs the destination profile back.
    fs.writeFileSync(configFile, destinationProfile, { mode: 0o600 });
    await cloud.destroy(["iam-stack"], { env: runEnv(), ignoreDependents: true });

    expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    expect(await withClients(cloud, "destination", (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
    expect(await withClients(cloud, "source", (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
    expect(await tooling((c) => liveInstances(c, MANAGED_BY))).toEqual([]);
    for (const stack of ["iam-stack", "ec2-stack"]) {
      expect(readLocalState(cloud, stack)?.resources.filter((r) => r.mode === "managed")).toEqual([]);
    }
    expect(cloud.deployed).toEqual([]);
    // The destroys' logs and states too: still no credentials. (Against the keys issued until the
    // deploys, which spares another model dump; the destroys' sessions' key ids, which any leak of
    // theirs would come with, are caught by their shape.)
    const { secrets } = issuedWhenDeployed ?? (await issuedByEmulator(cloud));
    expect(credentialsIn(filesOfTheRun(), secrets)).toEqual([]);
  });
});
