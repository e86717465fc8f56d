/**
 * The Node.js version matrix: which release of each major to test, and the table of what passed.
 * The runner is scripts/node-versions.ts; this module holds what can be tested without running it.
 */

/** The steps of one Node version's run, in order: a clean install, the unit tests, the tutorial. */
export const MATRIX_STEPS = [
  { name: "npm ci", command: ["npm", "ci"] },
  { name: "unit", command: ["npm", "run", "test:unit"] },
  { name: "tutorial", command: ["npm", "run", "local"] },
] as const;

/** The name of a step. */
export type StepName = (typeof MATRIX_STEPS)[number]["name"];

/** How one step of one version ended. */
export interface StepOutcome {
  readonly passed: boolean;
  readonly seconds: number;
  /** On failure: the line of the output that says why. */
  readonly reason?: string;
}

/** One version's row: its steps (a step after a failed one does not run) and the whole time. */
export interface MatrixRow {
  readonly version: string;
  readonly steps: Partial<Record<StepName, StepOutcome>>;
  readonly seconds: number;
}

/** The newest release of each major among `versions` (the registry's list of the `node-<platform>-<arch>` package). */
export function newestOfEachMajor(versions: readonly string[], majors: readonly number[]): string[] {
  return majors.map((major) => {
    const releases = versions
      .filter((v) => /^\d+\.\d+\.\d+$/.test(v) && Number(v.split(".")[0]) === major)
      .map((v) => v.split(".").map(Number) as [number, number, number])
      .sort((a, b) => a[1] - b[1] || a[2] - b[2]);
    const newest = releases[releases.length - 1];
    if (!newest) throw new Error(`the registry has no release of Node.js ${major}`);
    return newest.join(".");
  });
}

/** The lines that say why a step failed, most telling first: a thrown error, a refusal, npm's, a Node error code. */
const REASONS = [/^Error: /, /^Missing prerequisites?:/, /^FAILED: /, /^npm error /, /ERR_[A-Z_]+/, /^✖/];

/**
 * The line of a failed step's output that says why: the first line of the most telling kind
 * ({@link REASONS}; for a missing prerequisite, the line that names it), else the last non-empty line.
 */
export function failureReason(output: string): string {
  const lines = output.split("\n").map((l) => l.trim());
  let line: string | undefined;
  for (const reason of REASONS) {
    const at = lines.findIndex((l) => reason.test(l));
    if (at < 0) continue;
    line = /^Missing prerequisites?:$/.test(lines[at]) && lines[at + 1] ? lines[at + 1] : lines[at];
    break;
  }
  line ??= [...lines].reverse().find((l) => l.length > 0) ?? "(no output)";
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Whether every step of every row ran and passed. */
export function matrixPassed(rows: readonly MatrixRow[]): boolean {
  return rows.length > 0 && rows.every((row) => MATRIX_STEPS.every((step) => row.steps[step.name]?.passed === true));
}

/** One cell: `pass (31.9 s)`, `FAIL (2.1 s)`, or `not run` after a failed step. */
function cell(outcome: StepOutcome | undefined): string {
  if (!outcome) return "not run";
  return `${outcome.passed ? "pass" : "FAIL"} (${outcome.seconds.toFixed(1)} s)`;
}

/** The table, in Markdown: version, each step, the whole time; then each failure's reason. */
export function renderMatrix(rows: readonly MatrixRow[]): string {
  const header = ["Node.js", ...MATRIX_STEPS.map((s) => s.name), "time"];
  const body = rows.map((row) => [
    `v${row.version}`,
    ...MATRIX_STEPS.map((s) => cell(row.steps[s.name])),
    `${row.seconds.toFixed(0)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  const table = [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...body.map(line)];
  const failures = rows.flatMap((row) =>
    MATRIX_STEPS.flatMap((s) => {
      const outcome = row.steps[s.name];
      return outcome && !outcome.passed ? [`- v${row.version}, ${s.name}: ${outcome.reason ?? "failed"}`] : [];
    }),
  );
  return [...table, ...(failures.length > 0 ? ["", ...failures] : [])].join("\n");
}
