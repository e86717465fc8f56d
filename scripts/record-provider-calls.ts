/**
 * `npm run record:provider-calls`: records every AWS API call the AWS provider makes for
 * ec2-stack with the least-privilege role, from a real run against the local emulator with IAM
 * enforced, and writes the list to __tests__/iam/provider-calls.json.
 *
 * The run: create the instance, refresh it (a deploy that changes nothing), change it (a tag
 * added and one removed, another instance type, metadata options set back after a drift), and
 * destroy it; Terraform logs each request (`TF_LOG=DEBUG`) to a file per step. The unit tests
 * evaluate every call in the list against the synthesized policies; the enforced-IAM end-to-end
 * test fails when its run makes a call the list lacks. Run this again after upgrading the
 * provider, Terraform or the emulator, and review the diff.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import { driftMetadataOptions, keepDefaultSubnetsOffering, startEnforcedCloud } from "./lib/enforced-iam";
import { checkPrerequisites } from "./lib/prerequisites";
import {
  callLogEnv,
  CHANGED_SETTINGS,
  distinctCalls,
  INITIAL_SETTINGS,
  METADATA_DRIFT_HOP_LIMIT,
  parseProviderLog,
  Phase,
  ProviderCall,
  RECORDED_CALLS_FILE,
  RecordedCalls,
} from "./lib/provider-calls";
import { LocalCloud } from "./lib/local-cloud";

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** What made the calls: Terraform's and the provider's versions from the run, the emulator's. */
function versions(cloud: LocalCloud, log: string): Record<string, string> {
  const env = cloud.env();
  const terraform = JSON.parse(execFileSync("terraform", ["version", "-json"], { encoding: "utf8", env })) as {
    terraform_version: string;
  };
  const provider = /terraform-provider-aws_v([\d.]+)/.exec(log)?.[1] ?? "unknown";
  const python = process.env.MOTO_PYTHON ?? "python3";
  const moto = execFileSync(python, ["-c", "import moto; print(moto.__version__)"], { encoding: "utf8" }).trim();
  return { terraform: terraform.terraform_version, awsProvider: provider, emulator: `moto ${moto}` };
}

async function record(cloud: LocalCloud): Promise<RecordedCalls> {
  const started = Date.now();
  const logs = new Map<Phase, string>();
  const step = async (phase: Phase, fn: (env: Record<string, string>) => Promise<unknown>): Promise<void> => {
    const file = path.join(cloud.logDir, `terraform-${phase}.log`);
    await fn(callLogEnv(file));
    logs.set(phase, fs.readFileSync(file, "utf8"));
    console.log(`${seconds(Date.now() - started).padStart(8)}  recorded ${phase}`);
  };
  const destination = cloud.destinations[0].profile;

  await cloud.deploy(["iam-stack"], { env: INITIAL_SETTINGS });
  cloud.credentials.hide(destination);
  let instanceId = "";
  await step("create", async (env) => {
    instanceId = (await cloud.deploy(["ec2-stack"], { env: { ...INITIAL_SETTINGS, ...env } }))["ec2-stack"].instance_id;
  });
  await step("refresh", (env) => cloud.deploy(["ec2-stack"], { env: { ...INITIAL_SETTINGS, ...env } }));

  cloud.credentials.restore(destination);
  await cloud.deploy(["iam-stack"], { env: CHANGED_SETTINGS });
  cloud.credentials.hide(destination);
  await driftMetadataOptions(cloud, instanceId, METADATA_DRIFT_HOP_LIMIT);
  await step("change", (env) => cloud.deploy(["ec2-stack"], { env: { ...CHANGED_SETTINGS, ...env } }));
  await step("destroy", (env) =>
    cloud.destroy(["ec2-stack"], { ignoreDependents: true, env: { ...CHANGED_SETTINGS, ...env } }),
  );
  cloud.credentials.restore(destination);
  await cloud.destroy(["iam-stack"], { ignoreDependents: true, env: CHANGED_SETTINGS });

  const byPhase = new Map<Phase, ProviderCall[]>([...logs].map(([phase, log]) => [phase, parseProviderLog(log)]));
  return {
    recordedWith: versions(cloud, logs.get("create")!),
    settings: {
      create: INITIAL_SETTINGS,
      refresh: INITIAL_SETTINGS,
      change: CHANGED_SETTINGS,
      destroy: CHANGED_SETTINGS,
    },
    calls: distinctCalls(byPhase),
  };
}

async function main(): Promise<void> {
  const { missing } = checkPrerequisites();
  if (missing.length > 0) {
    for (const m of missing) console.error(`missing: ${m.what}\n  fix: ${m.fix}`);
    process.exit(1);
  }
  const cloud = await startEnforcedCloud("least-privilege");
  // The run changes the instance type in place: launch where the new type is offered.
  await keepDefaultSubnetsOffering(cloud, CHANGED_SETTINGS.INSTANCE_TYPE);
  try {
    const recorded = await record(cloud);
    const options = (await prettier.resolveConfig(RECORDED_CALLS_FILE)) ?? {};
    const text = await prettier.format(JSON.stringify(recorded, null, 2), { ...options, parser: "json" });
    fs.writeFileSync(RECORDED_CALLS_FILE, text);
    const actions = new Set(recorded.calls.map((c) => c.action));
    console.log(
      `${recorded.calls.length} distinct calls of ${actions.size} actions written to ` +
        path.relative(process.cwd(), RECORDED_CALLS_FILE),
    );
  } finally {
    // Cleans up whatever a failed step left deployed, then stops the emulator.
    await cloud.destroyRemaining();
    await cloud.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
