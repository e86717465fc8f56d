/**
 * The local end-to-end flow, timed step by step: start the emulator and the two accounts,
 * deploy both stacks and verify, destroy both and verify, stop the emulator. It is the flow of
 * `npm run local`, run through its own classes (scripts/lib), this project's setup only.
 */
import { checkPrerequisites } from "../../scripts/lib/prerequisites";
import { LocalCloud } from "../../scripts/lib/local-cloud";
import { StepReporter, Tutorial } from "../../scripts/lib/tutorial";
import { samplePeak } from "./measure";
import { E2eResult, E2eStep } from "./results";

async function timed<T>(steps: E2eStep[], phase: E2eStep["phase"], step: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await fn();
  steps.push({ phase, step, ms: Date.now() - started });
  return result;
}

/** Runs the tutorial's steps; records each step's time in `steps`. */
async function deployAndDestroy(cloud: LocalCloud, steps: E2eStep[], log: (line: string) => void): Promise<void> {
  let phase: E2eStep["phase"] = "deploy";
  const reporter: StepReporter = ({ step, state, ms }) => {
    if (state === "done") {
      steps.push({ phase, step, ms: ms! });
      log(`  ${phase.padEnd(8)} ${step.padEnd(48)} ${(ms! / 1000).toFixed(1).padStart(6)} s`);
    }
  };
  const tutorial = new Tutorial(cloud, reporter);
  await tutorial.deploy();
  phase = "destroy";
  await tutorial.destroy();
}

/** Runs the local end-to-end flow once; a failure is reported, not thrown. */
export async function benchE2e(log: (line: string) => void): Promise<E2eResult> {
  const { missing } = checkPrerequisites();
  if (missing.length > 0) return { status: "skipped", reason: missing.map((m) => m.what).join("; ") };
  const steps: E2eStep[] = [];
  const sampler = samplePeak(process.pid, 100);
  const started = Date.now();
  let error: string | undefined;
  let cloud: LocalCloud | undefined;
  try {
    cloud = await timed(steps, "start", "start the emulator and the two accounts", () => LocalCloud.start());
    await deployAndDestroy(cloud, steps, log);
  } catch (err) {
    error = (err as Error).message;
    log(`  FAILED: ${error}`);
  } finally {
    if (cloud) await timed(steps, "stop", "stop the emulator, remove its files", () => cloud!.close());
  }
  const totalMs = Date.now() - started;
  return { status: error ? "failed" : "passed", steps, totalMs, peakMB: sampler.stop(), error };
}
