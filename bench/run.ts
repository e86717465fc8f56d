/**
 * `npm run bench`: this project's setup against the stock CDKTF setup (`cdktf init --template
 * typescript`), in one run: app synth, `cdktf synth`, the unit tests, and the local end-to-end
 * flow. Writes bench/results/latest.md (and the raw data to latest.json) and prints the table.
 * bench/README.md says what is measured and how.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchE2e } from "./lib/e2e";
import { describeMachine } from "./lib/machine";
import { Options, parseOptions, USAGE } from "./lib/options";
import { benchAppSynth, benchCdktfSynth, benchFullTest, benchUnitTests, PhaseContext } from "./lib/phases";
import { checkTargets, renderMarkdown } from "./lib/report";
import { Comparison, E2eResult, FullTestResult, Results } from "./lib/results";
import { benchEnv, emptyApp, projectSetup, stockSetup } from "./lib/setups";
import { buildStockCopy } from "./lib/stock-copy";

const PROJECT_ROOT = path.resolve(__dirname, "..");
const RESULTS_DIR = path.join(__dirname, "results");

const log = (line: string): void => console.log(line);

function prepare(tmp: string): PhaseContext {
  const env = benchEnv(path.join(tmp, "state"));
  log("Building the stock copy (root imports, ts-node with type-checking, ts-jest)");
  const copy = buildStockCopy(PROJECT_ROOT, path.join(tmp, "stock"));
  log(`  ${copy.dir}: ${copy.rewritten.length} files rewritten to root namespace imports`);
  return {
    project: projectSetup(PROJECT_ROOT, env),
    stock: stockSetup(copy.dir, env),
    emptyApp: emptyApp(path.join(tmp, "empty-app"), PROJECT_ROOT, env),
    tmp,
    env,
    log,
  };
}

async function measureAll(ctx: PhaseContext, options: Options): Promise<Comparison[]> {
  log(`\nApp synth, ${options.rounds} rounds`);
  const [appSynth, stacks] = await benchAppSynth(ctx, options.rounds);
  log(`  both setups synthesized the same stacks: ${[...stacks.keys()].join(", ")}`);
  log(`\ncdktf synth, ${options.slowRounds} rounds`);
  const cli = await benchCdktfSynth(ctx, options.slowRounds, stacks);
  log(`\nUnit tests: cold cache once, then ${options.slowRounds} rounds warm`);
  const tests = await benchUnitTests(ctx, options.slowRounds);
  return [appSynth, ...cli, ...tests];
}

async function optionalRuns(ctx: PhaseContext, options: Options): Promise<[FullTestResult, E2eResult]> {
  let fullTest: FullTestResult = { status: "skipped", reason: "run `npm run bench -- --full` to include it" };
  if (options.full) {
    log("\nnpm test, once");
    fullTest = await benchFullTest(ctx);
  }
  let e2e: E2eResult = { status: "skipped", reason: "`--no-e2e` was given" };
  if (options.e2e) {
    log("\nLocal end to end, once");
    e2e = await benchE2e(log);
  }
  return [fullTest, e2e];
}

function writeResults(results: Results): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const markdown = renderMarkdown(results);
  fs.writeFileSync(path.join(RESULTS_DIR, "latest.md"), markdown);
  fs.writeFileSync(path.join(RESULTS_DIR, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  return markdown;
}

async function bench(options: Options, tmp: string): Promise<Results> {
  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  const machine = describeMachine();
  const ctx = prepare(tmp);
  const comparisons = await measureAll(ctx, options);
  const [fullTest, e2e] = await optionalRuns(ctx, options);
  return {
    machine,
    load: { before: loadBefore, after: os.loadavg()[0] },
    rounds: options.rounds,
    slowRounds: options.slowRounds,
    durationMs: Date.now() - started,
    comparisons,
    e2e,
    fullTest,
    targets: checkTargets(comparisons, PROJECT_ROOT),
  };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!options) {
    console.log(USAGE);
    return;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-bench-"));
  const cleanUp = (): void => {
    if (!options.keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    cleanUp();
    process.exit(130);
  });
  try {
    const results = await bench(options, tmp);
    const markdown = writeResults(results);
    console.log(`\n${markdown}`);
    console.log(`Written to ${path.relative(process.cwd(), path.join(RESULTS_DIR, "latest.md"))}.`);
    for (const t of results.targets) console.log(`${t.pass ? "PASS" : "FAIL"} ${t.name}: ${t.detail}`);
  } finally {
    cleanUp();
    if (options.keep) console.log(`Kept ${tmp}.`);
  }
}

main().catch((err: Error) => {
  console.error(`\nbench FAILED: ${err.message}`);
  process.exit(1);
});
