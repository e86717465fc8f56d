/**
 * The local end-to-end flow as a user runs it: `npm run local`, once, in the project. Its step
 * times come from its own output ("✔ step (1.2 s)"), and its closing summary is kept verbatim
 * for README, which shows a real run's summary rather than a copy made by hand.
 */
import { checkPrerequisites } from "../../scripts/lib/prerequisites";
import { measure } from "./measure";
import { E2eResult, E2eStep } from "./results";

const STEP_DONE = /✔ (.+) \((\d+(?:\.\d+)?) s\)$/;

/** The steps `npm run local` reported as done, in order, with their phase. */
export function parseLocalSteps(output: string): E2eStep[] {
  let phase: E2eStep["phase"] = "start";
  const steps: E2eStep[] = [];
  for (const line of output.split("\n")) {
    const m = STEP_DONE.exec(line.trimEnd());
    if (!m) continue;
    const step = m[1];
    if (/^cdktf deploy/.test(step)) phase = "deploy";
    else if (/^cdktf destroy/.test(step)) phase = "destroy";
    steps.push({ phase, step, ms: Math.round(Number(m[2]) * 1000) });
  }
  return steps;
}

/** The closing summary of `npm run local`: from its "Summary" line to the end, or undefined. */
export function localSummary(output: string): string | undefined {
  const lines = output.split("\n");
  const start = lines.findIndex((l) => l.trimEnd() === "Summary");
  if (start < 0) return undefined;
  return lines
    .slice(start)
    .map((l) => l.trimEnd())
    .join("\n")
    .trim();
}

/** Runs `npm run local` once in `projectDir`; a failure is reported, not thrown. */
export async function benchE2e(projectDir: string, env: NodeJS.ProcessEnv): Promise<E2eResult> {
  const { provider, missing } = checkPrerequisites();
  if (missing.length > 0) return { status: "skipped", reason: missing.map((m) => m.what).join("; ") };
  const m = await measure({ command: "npm", args: ["run", "local"], cwd: projectDir, env, timeoutMs: 10 * 60_000 });
  const summary = localSummary(m.output);
  const failed = m.code !== 0 || summary === undefined;
  return {
    status: failed ? "failed" : "passed",
    steps: parseLocalSteps(m.output),
    totalMs: m.ms,
    peakMB: m.peakMB,
    providerMode: provider.mode,
    summary: summary ?? "",
    error: failed ? (/^FAILED: .*$/m.exec(m.output)?.[0] ?? `exit ${m.code}, no summary`) : undefined,
  };
}
