/**
 * Deploy at scale: 1 and 5 targets, each target in a destination account of its own, deployed and
 * destroyed against the emulator with the commands docs/targets.md gives for several targets:
 *
 *   cdktf deploy 'iam-stack-*' --ignore-missing-stack-dependencies   every target's role
 *   cdktf deploy 'ec2-stack-*' --ignore-missing-stack-dependencies   every target's instance
 *   cdktf destroy '*'                                                 everything, in dependency order
 *
 * (with `--auto-approve`), through the real cdktf CLI, Terraform and AWS provider, as `npm run
 * local` runs them. Each run starts a fresh emulator; the sizes alternate, starting and ending with
 * the small one (1, 5, 1, 5, 1, ...), so that a drift in the machine's load hits both alike. Every command's time is split into phases
 * from its output, and the CPU time of the processes it ran is summed by executable.
 */
import { spawnSync } from "child_process";
import { DEFAULTS } from "../../config";
import { MANAGED_BY } from "../../constructs/shared/tags";
import { AwsClients, destroyClients } from "../../scripts/lib/aws-clients";
import { describeRole, liveInstances } from "../../scripts/lib/checks";
import { CdktfError, LocalCloud } from "../../scripts/lib/local-cloud";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";
import { checkPrerequisites } from "../../scripts/lib/prerequisites";
import { sampleTree } from "./measure";
import { CommandPhases, CommandRun, DeployRound, DeployScale } from "./results";
import { DEPLOY_TARGETS, ScaleTarget, scaleTargets, targetsSetting } from "./scale-targets";

/** The cdktf commands of a round: what a user with several targets runs (docs/targets.md). */
const DEPLOY_COMMANDS = [
  ["deploy", "iam-stack-*", "--auto-approve", "--ignore-missing-stack-dependencies"],
  ["deploy", "ec2-stack-*", "--auto-approve", "--ignore-missing-stack-dependencies"],
] as const;
/**
 * Not `destroy 'ec2-stack-*'` then `'iam-stack-*' --ignore-missing-stack-dependencies`: with that
 * flag and more than one stack, cdktf 0.21's destroy never starts a stack (it hands the first
 * stack that is not done, already running, back to its scheduler over and over).
 */
const DESTROY_COMMANDS = [["destroy", "*", "--auto-approve"]] as const;

/** How long one cdktf command may take before the run fails. */
const COMMAND_TIMEOUT_MS = 10 * 60 * 1000;

/** A line of a command's output and when it arrived, in ms from the command's start. */
interface TimedLine {
  readonly ms: number;
  readonly text: string;
}

/**
 * The phases of a cdktf deploy or destroy, from its output: terraform init of the first stack
 * ("Initializing the backend...") ends the CLI's start-up and the synth; cdktf initializes every
 * stack before it runs any, and its status line "1 Stack deploying" (or destroying) marks the
 * first stack's plan.
 */
export function phasesOf(lines: readonly TimedLine[], totalMs: number): CommandPhases | undefined {
  const init = lines.find((l) => /Initializing the backend/.test(l.text));
  const run = lines.find((l) => /^\s*[1-9]\d* Stacks? (?:deploying|destroying)\b/.test(l.text));
  if (!init || !run || run.ms < init.ms) return undefined;
  return { synthMs: init.ms, initMs: run.ms - init.ms, runMs: totalMs - run.ms };
}

/** The `--parallelism` default of `cdktf deploy`, from its `--help`. */
function parallelismDefault(): string {
  const help = spawnSync("npx", ["cdktf", "deploy", "--help"], { cwd: PROJECT_ROOT, encoding: "utf8" });
  const match = /--parallelism\s+(.+?)\s+\[number\]\s+\[default: (-?\d+)\]/.exec(help.stdout ?? "");
  return match ? `${match[2]} (“${match[1].trim()}”)` : "unknown (`cdktf deploy --help` did not say)";
}

/** Runs one cdktf command in the sandbox, timed, its phases and CPU time recorded; throws if it fails. */
async function runCommand(cloud: LocalCloud, args: readonly string[]): Promise<CommandRun> {
  const lines: TimedLine[] = [];
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e6;
  // The whole tree of this process: the emulator, the CLI, the app, terraform and the providers.
  const sampler = sampleTree(process.pid, { intervalMs: 100, cpu: true, cpuWithoutRoot: true });
  const result = await cloud.cdktf(args, {
    timeoutMs: COMMAND_TIMEOUT_MS,
    onOutput: (text) => {
      const ms = elapsed();
      for (const line of text.split("\n")) if (line.trim() !== "") lines.push({ ms, text: line });
    },
  });
  const ms = elapsed();
  const usage = sampler.stop();
  if (result.code !== 0) throw new CdktfError(args[0], [args[1]], result);
  const command = `cdktf ${args[0]} '${args[1]}'`;
  return { command, ms, peakMB: usage.peakMB, phases: phasesOf(lines, ms), cpu: usage.cpu };
}

async function withClients<T>(cloud: LocalCloud, profile: string, fn: (c: AwsClients) => Promise<T>): Promise<T> {
  const clients = cloud.clients(profile);
  try {
    return await fn(clients);
  } finally {
    destroyClients(clients);
  }
}

/** Checks through the AWS API that every target's account has the role and one instance of the app, or neither. */
async function verify(cloud: LocalCloud, targets: readonly ScaleTarget[], deployed: boolean): Promise<void> {
  for (const t of targets) {
    const [role, instances] = await withClients(cloud, t.profile, (c) =>
      Promise.all([describeRole(c, DEFAULTS.roleName), liveInstances(c, MANAGED_BY)]),
    );
    const expected = deployed ? 1 : 0;
    if ((role !== undefined) !== deployed || instances.length !== expected) {
      throw new Error(
        `${t.name} (account ${t.accountId}) after ${deployed ? "deploy" : "destroy"}: ` +
          `role ${role ? "present" : "absent"}, ${instances.length} instance(s) of the app; expected ${deployed ? "the role and 1" : "none"}`,
      );
    }
  }
}

/** Deploys and destroys `count` targets in a fresh emulator. */
async function deployRound(count: number, round: number, log: (line: string) => void): Promise<DeployRound> {
  const targets = scaleTargets(count);
  const cloud = await LocalCloud.start({
    destinations: targets.map((t) => ({ profile: t.profile, accountId: t.accountId })),
    settings: { TARGETS: targetsSetting(targets) },
  });
  try {
    const runAll = async (commands: readonly (readonly string[])[]): Promise<CommandRun[]> => {
      const runs: CommandRun[] = [];
      for (const args of commands) {
        const run = await runCommand(cloud, args);
        runs.push(run);
        log(
          `  ${`${count} target${count === 1 ? "" : "s"}`.padEnd(10)} ${run.command.padEnd(30)} ${round}   ${(run.ms / 1000).toFixed(1).padStart(6)} s`,
        );
      }
      return runs;
    };
    const deploy = await runAll(DEPLOY_COMMANDS);
    await verify(cloud, targets, true);
    const destroy = await runAll(DESTROY_COMMANDS);
    await verify(cloud, targets, false);
    return { targets: count, round, deploy, destroy };
  } finally {
    await cloud.close();
  }
}

/**
 * The order of the runs: 1, 5, 1, 5, ..., 1, with `rounds` runs of 5 targets between `rounds` + 1
 * runs of 1 target.
 */
function runOrder(rounds: number): { count: number; round: number }[] {
  const [few, many] = [DEPLOY_TARGETS[0], DEPLOY_TARGETS[DEPLOY_TARGETS.length - 1]];
  return Array.from({ length: 2 * rounds + 1 }, (_, i) => ({
    count: i % 2 === 0 ? few : many,
    round: Math.floor(i / 2) + 1,
  }));
}

/**
 * Deploys and destroys 5 targets `rounds` times, between `rounds` + 1 deploys and destroys of 1
 * target; a failure is reported, not thrown.
 */
export async function benchScaleDeploy(rounds: number, log: (line: string) => void): Promise<DeployScale> {
  const { missing } = checkPrerequisites();
  if (missing.length > 0) return { status: "skipped", reason: missing.map((m) => m.what).join("; ") };
  const parallelism = parallelismDefault();
  log(`  cdktf deploy --parallelism default: ${parallelism}`);
  const results: DeployRound[] = [];
  try {
    for (const { count, round } of runOrder(rounds)) results.push(await deployRound(count, round, log));
  } catch (err) {
    const error = (err as Error).message;
    log(`  FAILED: ${error}`);
    return { status: "failed", rounds: results, parallelismDefault: parallelism, error };
  }
  return { status: "passed", rounds: results, parallelismDefault: parallelism };
}
