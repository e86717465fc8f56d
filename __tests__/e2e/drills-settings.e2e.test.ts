/**
 * Failure drills, part 3: bad settings. For every setting of config.ts, a bad value makes cdktf
 * fail at synth, before Terraform runs, with the setting's name in the message; deploys with a
 * few representative bad values leave nothing in the emulator.
 *
 * Each cdktf start costs seconds, so most rows run `cdktf synth` (the step a deploy starts with),
 * two at a time; a few run a real `cdktf deploy` and are checked through the AWS API.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS, SETTINGS } from "../../config";
import { describeRole, liveInstances } from "../../scripts/lib/checks";
import { LocalCloud } from "../../scripts/lib/local-cloud";
import { CommandResult } from "../../scripts/lib/process";
import { MANAGED_BY } from "../../stacks/tags";
import { runStackScript } from "./drill-support";
import { closeAndCheckNoLeftovers, STEP_TIMEOUT_MS, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

type SettingKey = (typeof SETTINGS)[number]["key"];

/** One bad value per setting, in the environment; `with` adds what the bad value needs to be read. */
const BAD_VALUES: Record<SettingKey, { readonly value: string; readonly with?: Record<string, string> }> = {
  region: { value: "mars-north-1a" },
  sourceProfile: { value: "source profile" },
  destinationProfile: { value: "-destination" },
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
  instanceType: { value: "micro" },
  instanceName: { value: "name#1" },
  amiOwners: { value: "canonical" },
  amiNameFilter: { value: "ubuntu;rm -rf" },
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
  targets: { value: "not-json" },
};

/** Settings whose bad value also goes through a real `cdktf deploy` of both stacks. */
const DEPLOYED = ["roleName", "instanceType", "backend"] as const;

const ROWS = SETTINGS.map(({ key, env }) => {
  const bad = BAD_VALUES[key];
  const shown = bad.value.length > 40 ? `${bad.value.slice(0, 8)}... (${bad.value.length} characters)` : bad.value;
  return { key, env, shown, ...bad };
});

/** Runs `fn` over `items`, `width` at a time (the machine has two cores). */
async function inPool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
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
    // GIVEN one bad value per setting; WHEN cdktf synthesizes with it
    await inPool(ROWS, 2, async (row) => {
      const outDir = path.join(cloud.dir, "synth", row.key);
      const result = await cloud.cdktf(["synth"], {
        env: { ...row.with, [row.env]: row.value },
        outDir,
        log: `synth-${row.key}`,
        timeoutMs: 2 * 60 * 1000,
      });
      synthResults.set(row.key, { result, outDir });
    });
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
