/**
 * `npm run mutate`: mutation testing of config.ts, constructs/ and stacks/ with Stryker
 * (stryker.config.mjs), against the unit project. Writes bench/results/mutation.md (and the raw
 * report, mutation.json) and README's summary; prints the scores and the goals. Takes about
 * half an hour on 2 cores, so it is not part of `npm test`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describeMachine } from "./lib/machine";
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
import { writeReadmeBlock } from "./lib/readme";
import { MUTATION_BLOCK } from "./lib/readme-blocks";
import { machineSummary, secs } from "./lib/report";

const PROJECT_ROOT = path.resolve(__dirname, "..");
const REPORT = path.join(__dirname, "results", "mutation.json");

async function main(): Promise<void> {
  const machine = describeMachine();
  const loadBefore = os.loadavg()[0];
  const started = Date.now();
  fs.rmSync(REPORT, { force: true });
  const stryker = spawnSync("npx", ["stryker", "run", ...process.argv.slice(2)], {
    cwd: PROJECT_ROOT,
    stdio: "inherit",
  });
  const ms = Date.now() - started;
  if (stryker.status !== 0 || !fs.existsSync(REPORT)) {
    throw new Error(`stryker exited with ${stryker.status ?? stryker.signal} and wrote no report to ${REPORT}`);
  }
  const report = JSON.parse(fs.readFileSync(REPORT, "utf8")) as MutationReport;
  const found = survivors(report, EQUIVALENT_MUTANTS);
  const { files, parts } = scores(report, found);
  const targets = checkGoals(parts, found);
  const measured =
    `Measured ${machine.date} on ${machineSummary(machine)}: the run took ${secs(ms)}; ` +
    `load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after (with its own).`;
  const markdown = renderMutationMarkdown(files, parts, found, targets, measured);
  fs.writeFileSync(path.join(__dirname, "results", "mutation.md"), markdown);
  await writeReadmeBlock(
    path.join(PROJECT_ROOT, "README.md"),
    MUTATION_BLOCK,
    renderMutationSummary(parts, targets, measured),
  );
  console.log(`\n${markdown}`);
  console.log("Written bench/results/mutation.md and README.md's summary.");
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
