/**
 * `npm run bench -- --tiers`: how long each test tier takes from a clean clone, as CI runs them.
 * A fresh copy of the project's tracked files, `npm ci`, then each tier once, one after another.
 */
import * as os from "os";
import * as path from "path";
import { describeMachine, Machine } from "../../scripts/lib/machine";
import { copyProject } from "../../scripts/lib/project-copy";
import { measure } from "./measure";
import { mb, secs } from "./report";

/** The steps of a clean-clone run, in CI's order, with what each covers. */
export const TIER_STEPS = [
  { command: "npm ci", what: "a clean install" },
  { command: "npm test", what: "lint, format, type-check, unit, Terraform validity, the tutorial end to end" },
  { command: "npm run test:e2e", what: "every other end-to-end file" },
] as const;

/** One step, measured once. */
export interface TierRun {
  readonly command: string;
  readonly what: string;
  readonly ms: number;
  readonly peakMB: number;
  readonly passed: boolean;
  /** jest's count (`Tests: …`), where the step ran jest. */
  readonly tests?: string;
}

/** A clean-clone run of the tiers. */
export interface TiersResult {
  readonly machine: Machine;
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly runs: readonly TierRun[];
}

/** The limit of one step: the end-to-end tier is the longest, about a quarter of an hour here. */
const STEP_TIMEOUT_MS = 60 * 60 * 1000;

/** Runs the steps in a fresh copy of the project at `projectRoot`; a step after a failed one does not run. */
export async function benchTiers(
  projectRoot: string,
  tmp: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<TiersResult> {
  const dir = path.join(tmp, "clean-clone");
  copyProject(projectRoot, dir);
  const machine = describeMachine();
  const loadBefore = os.loadavg()[0];
  const runs: TierRun[] = [];
  for (const step of TIER_STEPS) {
    log(`  ${step.command}`);
    const [command, ...args] = step.command.split(" ");
    const m = await measure({ command, args, cwd: dir, env, timeoutMs: STEP_TIMEOUT_MS });
    const tests = /^Tests:\s+(.+?)\s*$/m.exec(m.output)?.[1];
    runs.push({ ...step, ms: m.ms, peakMB: m.peakMB, passed: m.code === 0, tests });
    log(`    ${m.code === 0 ? "passed" : "FAILED"} in ${secs(m.ms)}${tests ? ` (${tests})` : ""}`);
    if (m.code !== 0) {
      log(m.output.slice(-4000));
      break;
    }
  }
  return { machine, loadBefore, loadAfter: os.loadavg()[0], runs };
}

/** The table README shows, with when and where it was measured. */
export function renderTiers(r: TiersResult): string {
  const rows = r.runs.map(
    (run) =>
      `| \`${run.command}\` | ${run.what} | ${secs(run.ms)} | ${run.passed ? "passed" : "FAILED"}${run.tests ? `: ${run.tests}` : ""} | ${mb(run.peakMB)} |`,
  );
  const m = r.machine;
  return [
    "| step (from a clean clone) | what it covers | time | result | peak memory |",
    "| --- | --- | ---: | --- | ---: |",
    ...rows,
    "",
    `Measured ${m.date} on ${m.cpuModel}, ${m.cpuCount} CPUs, ${m.memoryGiB} GiB, node ${m.node}, terraform ${m.terraform}; ` +
      `one run each, one after another; load average ${r.loadBefore.toFixed(1)} before, ${r.loadAfter.toFixed(1)} after (with its own).`,
  ].join("\n");
}
