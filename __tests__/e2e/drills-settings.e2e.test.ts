/**
 * Failure drills, part 3: bad settings. For every setting of config.ts, a bad value makes cdktf
 * fail at synth, before Terraform runs, with the setting's name in the message; deploys with a
 * few representative bad values leave nothing in the emulator.
 *
 * Each cdktf start costs seconds of CPU, so the rows run `cdktf synth` (the step a deploy starts
 * with) in a few batches: the app reports every invalid setting at once, so one synth with many
 * bad values must name each of them. Values that need another setting to be read (`with`) go in
 * another batch than the row that sets that setting wrongly, and `targets` alone (targets are read
 * only once the top-level settings are valid). A few rows run a real `cdktf deploy` and are
 * checked through the AWS API. config.spec.ts checks each setting's message on its own.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS, SETTINGS } from "../../config";
import { describeRole, liveInstances } from "../../scripts/lib/checks";
import { LocalCloud } from "../../scripts/lib/local-cloud";
import { CommandResult } from "../../scripts/lib/process";
import { MANAGED_BY } from "../../constructs/shared/tags";
import { runStackScript } from "./drill-support";
import { closeAndCheckNoLeftovers, STEP_TIMEOUT_MS, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

type SettingKey = (typeof SETTINGS)[number]["key"];

/**
 * One bad value per setting, in the environment; `with` adds what the bad value needs to be read,
 * and `alone` keeps it out of every batch with other bad values.
 */
const BAD_VALUES: Record<
  SettingKey,
  { readonly value: string; readonly with?: Record<string, string>; readonly alone?: boolean }
> = {
  region: { value: "mars-north-1a" },
  stsRegion: { value: "us-mars-1b" },
  sourceProfile: { value: "source profile" },
  destinationProfile: { value: "-destination" },
  sourceAuth: { value: "oidc" },
  sourceRoleArn: { value: "arn:aws:iam::123:role/ci" },
  // Judged only with a valid sourceAuth: here it is set without web-identity.
  webIdentityTokenFile: { value: "/run/token", with: { SOURCE_AUTH: "profile" } },
  hubRoleArns: { value: "arn:aws:iam::333333333333:user/hub" },
  sourceAccountId: { value: "12345" },
  destinationAccountId: { value: "2222222222222" },
  roleName: { value: "role/with/slashes" },
  rolePath: { value: "no-slashes" },
  permissions: { value: "admin" },
  managedPolicyArns: { value: "arn:aws:iam::aws:role/NotAPolicy" },
  trustedPrincipalArns: { value: "arn:aws:iam::123:root" },
  externalId: { value: "x" },
  externalIds: { value: "ok-id,x" },
  requireMfa: { value: "yes" },
  mfaMaxAgeSeconds: { value: "0", with: { REQUIRE_MFA: "true" } },
  principalOrgId: { value: "org-123" },
  requireSourceIdentity: { value: "yes" },
  sourceIdentity: { value: "alice smith" },
  sessionTags: { value: "aws:team=platform" },
  maxSessionDurationSeconds: { value: "60" },
  sessionDurationSeconds: { value: "60" },
  permissionsBoundaryArn: { value: "not-an-arn" },
  roleReadyTimeoutSeconds: { value: "-1" },
  instanceType: { value: "micro" },
  instanceName: { value: "name#1" },
  amiOwners: { value: "canonical" },
  amiNameFilter: { value: "ubuntu;rm -rf" },
  amiId: { value: "ami-XYZ" },
  amiSsmParameter: { value: "/aws/service/../ami id" },
  replaceOnNewAmi: { value: "sometimes" },
  subnetId: { value: "subnet-123" },
  securityGroupIds: { value: "sg-0123456789abcdef0,default" },
  associatePublicIpAddress: { value: "1" },
  rootVolumeSizeGib: { value: "0" },
  tags: { value: "ManagedBy=someone-else" },
  stateDir: { value: "d".repeat(4097) },
  backend: { value: "gcs" },
  stateBucket: { value: "Bad_Bucket", with: { BACKEND: "s3" } },
  stateKeyPrefix: { value: "key prefix" },
  stateRegion: { value: "moon-1" },
  stateProfile: { value: "state profile" },
  stateLock: { value: "none" },
  stateLockTable: { value: "ab", with: { STATE_LOCK: "dynamodb" } },
  stateKmsKeyId: { value: "alias/terraform-state" },
  cloudOrganization: { value: "my org" },
  cloudHostname: { value: "https://app.terraform.io" },
  cloudWorkspacePrefix: { value: "cdktf assume" },
  cloudDynamicCredentials: { value: "yes" },
  cloudExecutionMode: { value: "workers" },
  targets: { value: "not-json", alone: true },
};

/** Settings whose bad value also goes through a real `cdktf deploy` of both stacks. */
const DEPLOYED = ["roleName", "instanceType", "backend"] as const;

const ROWS = SETTINGS.map(({ key, env }) => {
  const bad = BAD_VALUES[key];
  const shown = bad.value.length > 40 ? `${bad.value.slice(0, 8)}... (${bad.value.length} characters)` : bad.value;
  return { key, env, shown, ...bad };
});

type Row = (typeof ROWS)[number];

/** The environment a row needs: its bad value and what that value needs to be read. */
const rowEnv = (row: Row): Record<string, string> => ({ ...row.with, [row.env]: row.value });

/**
 * Groups the rows into as few synths as possible: a row joins the first batch none of whose
 * variables it sets to another value; a row marked `alone` gets a batch of its own.
 */
function batches(rows: readonly Row[]): Row[][] {
  const result: { rows: Row[]; env: Record<string, string>; closed: boolean }[] = [];
  for (const row of rows) {
    const env = rowEnv(row);
    const fits = (b: (typeof result)[number]): boolean =>
      !row.alone && !b.closed && Object.entries(env).every(([k, v]) => b.env[k] === undefined || b.env[k] === v);
    const batch = result.find(fits);
    if (batch) {
      batch.rows.push(row);
      Object.assign(batch.env, env);
    } else {
      result.push({ rows: [row], env: { ...env }, closed: row.alone === true });
    }
  }
  return result.map((b) => b.rows);
}

/** What a failed synth must show: the setting, where the value came from, and no Terraform run. */
function expectRejectedAtSynth(result: CommandResult, key: string, env: string): void {
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/Invalid settings?:/);
  expect(result.output).toContain(`${key} (env ${env}) is `);
  expect(result.output).not.toContain("Initializing the backend");
}

describe("failure drills: bad settings", () => {
  let cloud: LocalCloud;
  const synthResults = new Map<string, { result: CommandResult; outDir: string }>();

  beforeAll(async () => {
    cloud = await LocalCloud.start();
    // cdktf creates the output directory, but not its parent.
    fs.mkdirSync(path.join(cloud.dir, "synth"));
    // GIVEN one bad value per setting; WHEN cdktf synthesizes with the bad values of a batch
    await Promise.all(
      batches(ROWS).map(async (batch, i) => {
        const outDir = path.join(cloud.dir, "synth", `batch-${i}`);
        const result = await cloud.cdktf(["synth"], {
          env: Object.assign({}, ...batch.map(rowEnv)),
          outDir,
          log: `synth-batch-${i}`,
          timeoutMs: 2 * 60 * 1000,
        });
        for (const row of batch) synthResults.set(row.key, { result, outDir });
      }),
    );
  });

  afterAll(async () => {
    await closeAndCheckNoLeftovers(cloud);
  });

  it("has a bad value for every setting of config.ts", () => {
    expect(Object.keys(BAD_VALUES).sort()).toEqual(SETTINGS.map((s) => s.key).sort());
  });

  it.each(ROWS)("$env=$shown: cdktf synth fails with the setting's name, before Terraform", ({ key, env }) => {
    // THEN
    const { result, outDir } = synthResults.get(key)!;
    expectRejectedAtSynth(result, key, env);
    expect(result.output).toContain("cdktf encountered an error while synthesizing");
    expect(fs.existsSync(path.join(outDir, "manifest.json"))).toBe(false);
  });

  it.each(DEPLOYED)("%s: cdktf deploy of both stacks fails at synth and deploys nothing", async (key) => {
    // GIVEN
    const row = ROWS.find((r) => r.key === key)!;

    // WHEN
    const result = await cloud.cdktf(
      ["deploy", "iam-stack", "ec2-stack", "--auto-approve", "--ignore-missing-stack-dependencies"],
      { env: { ...row.with, [row.env]: row.value }, log: `deploy-bad-${key}`, timeoutMs: 3 * 60 * 1000 },
    );

    // THEN nothing exists in either account
    expectRejectedAtSynth(result, key, row.env);
    expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    expect(await withClients(cloud, "destination", (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
    expect(await withClients(cloud, "source", (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
    expect(fs.readdirSync(cloud.stateDir)).toEqual([]);
  });

  it("the deploy wrapper rejects a bad setting itself, before cdktf starts", async () => {
    const result = await runStackScript(cloud, ["deploy", "iam-stack", "--auto-approve"], {
      env: { ROLE_PATH: "no-slashes" },
    });

    expect(result.code).toBe(1);
    expect(result.output.trim()).toBe(
      'Invalid setting: rolePath (env ROLE_PATH) is "no-slashes"; must be "/" or start and end with "/" ' +
        "with 1 to 510 printable ASCII characters between (IAM path rules)",
    );
    expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
  });
});
