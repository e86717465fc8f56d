/**
 * `npm run mutate`: mutation testing of config/, constructs/ and stacks/ with Stryker
 * (stryker.config.mjs), against the unit project. Writes bench/results/mutation.md (and the raw
 * report, mutation.json) and CONTRIBUTING.md's summary; prints the scores and the goals. Takes over an
 * hour on 2 cores from scratch (the summary records each run's time), so it is not part of `npm test`.
 *
 * Later runs are incremental (Stryker's incremental file): a mutant's earlier result is reused
 * when neither its code nor the tests that covered it changed. Stryker sees one test file,
 * `__tests__/unit.test.ts`, which imports every spec, so it cannot tell when a spec gains a test
 * that kills an earlier survivor: survivors (and mutants no test covered) are therefore always
 * tested again, and only killed results are reused.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeMachine } from "../scripts/lib/machine";
import {
  checkGoals,
  MutationReport,
  renderMutationMarkdown,
  renderMutationSummary,
  scores,
  survivors,
  unusedEquivalents,
} from "./lib/mutation";
import { EQUIVALENT_MUTANTS } from "./lib/mutation-equivalents";
import { writeDocumentBlock } from "../scripts/lib/doc-blocks";
import { MUTATION_BLOCK } from "../scripts/lib/doc-blocks";
import { machineSummary, secs } from "./lib/report";
import { runCommand } from "../scripts/lib/process";
import { PROJECT_ROOT } from "../scripts/lib/project-root";

const REPORT = path.join(__dirname, "results", "mutation.json");
const INCREMENTAL = path.join(__dirname, "results", "stryker-incremental.json");

/** Statuses of results that a later run must not reuse: a new test may kill the mutant. */
const RETESTED = new Set(["Survived", "NoCoverage"]);

/**
 * Removes the survivors from Stryker's incremental file so that this run tests them again.
 * Returns how many it removed.
 */
function forgetSurvivors(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as {
    files: Record<string, { mutants: { status: string }[] }>;
  };
  let removed = 0;
  for (const entry of Object.values(report.files)) {
    const kept = entry.mutants.filter((m) => !RETESTED.has(m.status));
    removed += entry.mutants.length - kept.length;
    entry.mutants = kept;
  }
  fs.writeFileSync(file, JSON.stringify(report));
  return removed;
}

/** How much of the run was reused from the previous one, from Stryker's log. */
function reuseOf(output: string): string {
  const reused = /(\d+) of (\d+) mutant result\(s\) are reused/.exec(output);
  if (!reused) return "from scratch: every mutant tested";
  return `incremental: ${reused[1]} of ${reused[2]} results reused from the previous run, the rest tested`;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const loadBefore = os.loadavg()[0];
  const started = Date.now();
  fs.rmSync(REPORT, { force: true });
  const retested = forgetSurvivors(INCREMENTAL);
  if (retested > 0) console.log(`Testing again ${retested} earlier survivor(s) (see the module's comment).`);
  // Its output is shown as it comes and kept, for the reuse figure below.
  const stryker = await runCommand("npx", ["stryker", "run", ...process.argv.slice(2)], {
    cwd: PROJECT_ROOT,
    onOutput: (text) => process.stdout.write(text),
  });
  const ms = Date.now() - started;
  if (stryker.code !== 0 || !fs.existsSync(REPORT)) {
    throw new Error(`stryker exited with ${stryker.code ?? stryker.signal} and wrote no report to ${REPORT}`);
  }
  const report = JSON.parse(fs.readFileSync(REPORT, "utf8")) as MutationReport;
  const found = survivors(report, EQUIVALENT_MUTANTS);
  const { files, parts } = scores(report, found);
  const targets = checkGoals(parts, found);
  const measured =
    `Measured ${machine.date} on ${machineSummary(machine)}: the run took ${secs(ms)} ` +
    `(${reuseOf(stryker.output)}); ` +
    `load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after (with its own).`;
  const markdown = renderMutationMarkdown(files, parts, found, targets, measured);
  fs.writeFileSync(path.join(__dirname, "results", "mutation.md"), markdown);
  await writeDocumentBlock(PROJECT_ROOT, MUTATION_BLOCK, renderMutationSummary(parts, targets, measured));
  console.log(`\n${markdown}`);
  console.log(`Written bench/results/mutation.md and ${MUTATION_BLOCK.file}'s summary.`);
  for (const stale of unusedEquivalents(EQUIVALENT_MUTANTS, found)) {
    console.log(
      `STALE equivalence (matches no survivor): ${stale.file} ${stale.mutator} ${JSON.stringify(stale.original)}`,
    );
  }
  for (const t of targets) console.log(`${t.pass ? "PASS" : "FAIL"} ${t.name}: ${t.detail}`);
  if (targets.some((t) => !t.pass)) process.exitCode = 1;
}

main().catch((err: Error) => {
  console.error(`\nmutate FAILED: ${err.message}`);
  process.exit(1);
});
