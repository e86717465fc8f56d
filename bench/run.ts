/**
 * `npm run bench`, in one run:
 *
 * - this project's setup against the stock CDKTF setup (`cdktf init --template typescript`): app
 *   synth, `cdktf synth`, the unit tests, and the local end-to-end flow; writes
 *   bench/results/latest.md (and the raw data to latest.json);
 * - the scale benchmark: synth of 1 to 50 targets, deploy and destroy of 1 and 5 targets against
 *   the emulator; writes bench/results/scale.md (and scale.json) and CONTRIBUTING.md's summary of it.
 *
 * Prints the tables and the targets. bench/README.md says what is measured and how.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchE2e } from "./lib/e2e";
import { describeMachine } from "../scripts/lib/machine";
import { Options, parseOptions, USAGE } from "./lib/options";
import { benchTiers, renderTiers, TIER_STEPS } from "./lib/tiers";
import { copyEnv } from "../scripts/lib/project-copy";
import { benchAppSynth, benchCdktfSynth, benchUnitTests, PhaseContext } from "./lib/phases";
import { writeDocumentBlock } from "../scripts/lib/doc-blocks";
import { LOCAL_RUN_BLOCK, PERFORMANCE_BLOCK, SCALE_BLOCK, TEST_RUN_BLOCK } from "../scripts/lib/doc-blocks";
import { checkTargets, renderMarkdown, renderReadmeLocalRun, renderReadmePerformance, secs } from "./lib/report";
import { Comparison, DeployScale, E2eResult, Results, ScaleResults, Target } from "./lib/results";
import { benchScaleDeploy } from "./lib/scale-deploy";
import { checkScaleTargets, renderReadmeSummary, renderScaleMarkdown } from "./lib/scale-report";
import { benchScaleAppSynth, benchScaleCliSynth } from "./lib/scale-synth";
import { benchEnv, emptyApp, projectSetup, stockSetup } from "./lib/setups";
import { buildStockCopy } from "./lib/stock-copy";
import { PROJECT_ROOT } from "../scripts/lib/project-root";

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

async function localRun(ctx: PhaseContext, options: Options): Promise<E2eResult> {
  if (!options.e2e) return { status: "skipped", reason: "`--no-e2e` was given" };
  log("\nnpm run local, once");
  const e2e = await benchE2e(ctx.project.dir, ctx.env);
  log(e2e.status === "skipped" ? `  skipped: ${e2e.reason}` : `  ${e2e.status} in ${secs(e2e.totalMs)}`);
  return e2e;
}

/** Writes `<name>.md` and the raw data `<name>.json` to bench/results; returns the Markdown. */
function writeResults(name: string, markdown: string, data: unknown): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `${name}.md`), markdown);
  fs.writeFileSync(path.join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(data, null, 2)}\n`);
  return markdown;
}

async function bench(options: Options, tmp: string): Promise<Results> {
  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  const machine = describeMachine();
  const ctx = prepare(tmp);
  const comparisons = await measureAll(ctx, options);
  const e2e = await localRun(ctx, options);
  return {
    machine,
    load: { before: loadBefore, after: os.loadavg()[0] },
    rounds: options.rounds,
    slowRounds: options.slowRounds,
    durationMs: Date.now() - started,
    comparisons,
    e2e,
    targets: checkTargets(comparisons, PROJECT_ROOT),
  };
}

/** The scale benchmark: synth of 1 to 50 targets, deploy and destroy of 1 and 5. */
async function benchScale(options: Options, tmp: string): Promise<ScaleResults> {
  const started = Date.now();
  const loadBefore = os.loadavg()[0];
  const machine = describeMachine();
  const ctx = { projectRoot: PROJECT_ROOT, tmp, env: benchEnv(path.join(tmp, "scale-state")), log };
  log(`\nScale: app synth of 1 to 50 targets, ${options.rounds} rounds`);
  const appSynth = await benchScaleAppSynth(ctx, options.rounds);
  log(`\nScale: cdktf synth of 1 and 50 targets, ${options.slowRounds} rounds`);
  const cliSynth = await benchScaleCliSynth(ctx, options.slowRounds);
  let deploy: DeployScale = { status: "skipped", reason: "`--no-e2e` was given" };
  if (options.e2e) {
    log(`\nScale: deploy and destroy of 1 and 5 targets against the emulator, ${options.deployRounds} rounds`);
    deploy = await benchScaleDeploy(options.deployRounds, log);
  }
  return {
    machine,
    load: { before: loadBefore, after: os.loadavg()[0] },
    durationMs: Date.now() - started,
    appSynth,
    cliSynth,
    deploy,
    targets: checkScaleTargets({ appSynth, deploy }),
  };
}

/** Writes the document blocks of a comparison run: the table, and what the run included. */
async function writeComparisonBlocks(results: Results): Promise<void> {
  await writeDocumentBlock(PROJECT_ROOT, PERFORMANCE_BLOCK, renderReadmePerformance(results));
  const written = [`the performance table (${PERFORMANCE_BLOCK.file})`];
  const localRun = renderReadmeLocalRun(results);
  if (localRun) {
    await writeDocumentBlock(PROJECT_ROOT, LOCAL_RUN_BLOCK, localRun);
    written.push(`the sample output of npm run local (${LOCAL_RUN_BLOCK.file})`);
  }
  console.log(`Written: ${written.join(", ")}.`);
}

/** Runs the parts the options ask for, writes their results; returns the targets checked. */
async function runParts(options: Options, tmp: string): Promise<Target[]> {
  const targets: Target[] = [];
  if (options.parts === "tiers") {
    log("\nThe test tiers from a clean copy, once each");
    const tiers = await benchTiers(PROJECT_ROOT, tmp, copyEnv(benchEnv(path.join(tmp, "tiers-state"))), log);
    await writeDocumentBlock(PROJECT_ROOT, TEST_RUN_BLOCK, renderTiers(tiers));
    console.log(`\n${renderTiers(tiers)}\n\nWritten to ${TEST_RUN_BLOCK.file}.`);
    if (!tiers.runs.every((run) => run.passed) || tiers.runs.length !== TIER_STEPS.length) process.exitCode = 1;
    return targets;
  }
  if (options.parts !== "scale") {
    const results = await bench(options, tmp);
    console.log(`\n${writeResults("latest", renderMarkdown(results), results)}`);
    await writeComparisonBlocks(results);
    targets.push(...results.targets);
  }
  if (options.parts !== "comparison") {
    const scale = await benchScale(options, tmp);
    console.log(`\n${writeResults("scale", renderScaleMarkdown(scale), scale)}`);
    await writeDocumentBlock(PROJECT_ROOT, SCALE_BLOCK, renderReadmeSummary(scale));
    console.log(`Written ${SCALE_BLOCK.file}'s summary of the scale benchmark.`);
    targets.push(...scale.targets);
  }
  return targets;
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
    const targets = await runParts(options, tmp);
    if (options.parts !== "tiers") console.log(`Written to ${path.relative(process.cwd(), RESULTS_DIR)}/.`);
    for (const t of targets) console.log(`${t.pass ? "PASS" : "FAIL"} ${t.name}: ${t.detail}`);
  } finally {
    cleanUp();
    if (options.keep) console.log(`Kept ${tmp}.`);
  }
}

main().catch((err: Error) => {
  console.error(`\nbench FAILED: ${err.message}`);
  process.exit(1);
});
