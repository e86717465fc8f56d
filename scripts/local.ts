/**
 * `npm run local`: the tutorial end to end on a local two-account AWS emulator, through the
 * real cdktf CLI, Terraform and AWS provider.
 *
 *   npm run local                      deploy, verify, destroy, verify; prints a summary
 *   npm run local -- --keep            stop after verifying; leave the emulator running
 *   npm run local -- --teardown DIR    destroy what --keep left and stop its emulator
 */
import {
  checkPrerequisites,
  describeProviderInstallation,
  MissingPrerequisite,
  providerDownloadFailed,
} from "./lib/prerequisites";
import { LocalCloud } from "./lib/local-cloud";
import { sdkNodeNotice } from "./lib/node-support";
import { installProvider, ProviderDownloadError } from "./lib/provider-cache";
import { hasAwsProvider, terraformEnv } from "./lib/terraform-cli-config";
import { StepReporter, Tutorial } from "./lib/tutorial";

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function usage(): never {
  console.error("usage: npm run local [-- --keep | -- --teardown DIR]");
  process.exit(2);
}

const started = Date.now();
const reporter: StepReporter = ({ step, state, ms }) => {
  const at = seconds(Date.now() - started).padStart(8);
  if (state === "start") console.log(`${at}  ▶ ${step}`);
  else console.log(`${at}  ✔ ${step} (${seconds(ms!)})`);
};

async function teardown(dir: string): Promise<void> {
  sdkNodeNotice();
  const cloud = LocalCloud.attach(dir);
  try {
    await new Tutorial(cloud, reporter).destroy();
  } finally {
    await cloud.close();
  }
  console.log(`\nTorn down: stacks destroyed, emulator stopped, ${dir} removed.`);
}

function exitMissing(missing: readonly MissingPrerequisite[]): never {
  console.error("Missing prerequisites:");
  for (const m of missing) console.error(`  - ${m.what}\n    fix: ${m.fix}`);
  process.exit(1);
}

async function run(keep: boolean): Promise<void> {
  const notice = sdkNodeNotice();
  if (notice) console.log(notice);
  const { provider, missing } = checkPrerequisites();
  console.log(`AWS provider: ${describeProviderInstallation(provider)}`);
  if (missing.length > 0) exitMissing(missing);
  if (provider.mode === "registry" && !hasAwsProvider(provider.dir)) {
    const step = "download the AWS provider (first run only)";
    reporter({ step, state: "start" });
    const t = Date.now();
    try {
      await installProvider(provider);
    } catch (err) {
      if (err instanceof ProviderDownloadError) exitMissing([providerDownloadFailed(provider, err.message)]);
      throw err;
    }
    reporter({ step, state: "done", ms: Date.now() - t });
  }

  reporter({ step: "start the emulator and the two accounts", state: "start" });
  const t0 = Date.now();
  const cloud = await LocalCloud.start({ detached: keep });
  reporter({ step: "start the emulator and the two accounts", state: "done", ms: Date.now() - t0 });
  console.log(`          emulator ${cloud.emulator.endpoint} (pid ${cloud.emulator.pid}), files in ${cloud.dir}`);

  let finished = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: stopping the emulator and removing ${cloud.dir}`);
    void cloud.close().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const tutorial = new Tutorial(cloud, reporter);
    const deployed = await tutorial.deploy();
    if (keep) {
      cloud.credentials.restore(cloud.destinations[0].profile);
      finished = true;
      printKept(cloud, deployed.instanceId);
      return;
    }
    await tutorial.destroy();
    finished = true;
    console.log("\nSummary");
    console.log(`  role ARN         ${deployed.roleArn}`);
    console.log(`  instance id      ${deployed.instanceId}`);
    console.log(
      `  owning account   ${deployed.instanceOwner} (ec2-stack's account_id output: ${deployed.accountIdOutput})`,
    );
    console.log(`  source account   ${cloud.source.accountId} (cannot see the instance)`);
    console.log(`  total time       ${seconds(Date.now() - started)}`);
    for (const t of tutorial.timings) console.log(`    ${seconds(t.ms).padStart(8)}  ${t.step}`);
  } catch (err) {
    console.error(`\nFAILED: ${(err as Error).message}`);
    console.error(`Logs were in ${cloud.logDir}.`);
    process.exitCode = 1;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    if (!(keep && finished)) await cloud.close({ keepFiles: process.exitCode === 1 && process.env.CI !== undefined });
  }
}

function printKept(cloud: LocalCloud, instanceId: string): void {
  const env = cloud.env();
  const names = ["AWS_ENDPOINT_URL", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION", "STATE_DIR"];
  console.log(`\nDeployed and verified; instance ${instanceId} runs in the emulator (pid ${cloud.emulator.pid}).`);
  console.log("Use it from this shell (the credentials file holds profiles source and destination):\n");
  for (const n of [...names, ...Object.keys(terraformEnv(cloud.cliConfigFile, cloud.provider))]) {
    console.log(`  export ${n}=${JSON.stringify(env[n])}`);
  }
  console.log(`\n  npx cdktf diff ec2-stack --output ${cloud.outDir}`);
  console.log(
    `  aws --profile destination --region ${cloud.region} ec2 describe-instances --instance-ids ${instanceId}`,
  );
  console.log(`\nTear it all down with:\n\n  npm run local -- --teardown ${cloud.dir}\n`);
}

const args = process.argv.slice(2);
if (args[0] === "--teardown") {
  if (!args[1]) usage();
  teardown(args[1]).catch((err) => {
    console.error(`FAILED: ${(err as Error).message}`);
    process.exit(1);
  });
} else if (args.length === 0 || (args.length === 1 && args[0] === "--keep")) {
  void run(args[0] === "--keep");
} else {
  usage();
}
