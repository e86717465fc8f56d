/**
 * The measurements that compare the two setups: app synth, `cdktf synth`, and the unit tests.
 * Each alternates the setups round by round (project, stock, project, stock, ...), so that a
 * change in the machine's load hits both alike.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, measure, Measurement, measureOk } from "./measure";
import { Comparison, Sample } from "./results";
import { OneStackTests, Setup, SynthCommands } from "./setups";
import { assertSameStacks, readStacks, Stacks } from "./synth-output";

/** The tests both setups run for the warm-cache comparison: a stack's, with a snapshot. */
export const ONE_STACK_TESTS: OneStackTests = { file: "__tests__/iam-stack.spec.ts", describe: "IamStack" };

/** What the phases run and where they may write. */
export interface PhaseContext {
  readonly project: Setup;
  readonly stock: Setup;
  /** An app that only does `new App().synth()`. */
  readonly emptyApp: SynthCommands;
  /** Scratch directory for output directories and jest caches. */
  readonly tmp: string;
  /** Environment of every command. */
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

function toSample(m: Measurement): Sample {
  return { ms: m.ms, peakMB: m.peakMB };
}

/** The progress line of one measured run. */
export function runLine(what: string, round: string, m: Sample): string {
  return `  ${what.padEnd(34)} ${round.padEnd(10)} ${seconds(m.ms).padStart(9)} ${m.peakMB.toFixed(0).padStart(6)} MB`;
}

function logRun(ctx: PhaseContext, what: string, round: string, m: Measurement): void {
  ctx.log(runLine(what, round, m));
}

/** Runs a synth into a fresh output directory under `tmp`; returns its time and the stacks it wrote. */
export async function synthOnce(label: string, command: (outdir: string) => Command, tmp: string) {
  const outdir = fs.mkdtempSync(path.join(tmp, "out-"));
  try {
    const m = await measureOk(label, command(outdir));
    return { m, stacks: readStacks(outdir) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes both setups `rounds` times, alternating, and checks that every run wrote the
 * same stacks as `reference` (or as the project's first run).
 */
async function compareSynth(
  ctx: PhaseContext,
  rounds: number,
  kind: "appSynth" | "cdktfSynth",
  reference: Stacks | undefined,
): Promise<{ project: Sample[]; stock: Sample[]; reference: Stacks }> {
  const samples = { project: [] as Sample[], stock: [] as Sample[] };
  let expected = reference;
  for (let round = 1; round <= rounds; round++) {
    for (const setup of [ctx.project, ctx.stock]) {
      const label = `${kind} ${setup.name}`;
      const { m, stacks } = await synthOnce(label, (outdir) => setup[kind](outdir), ctx.tmp);
      expected ??= stacks;
      assertSameStacks(expected, stacks, `${label}, round ${round}: the stock copy is not the same app`);
      samples[setup.name].push(toSample(m));
      logRun(ctx, label, `${round}/${rounds}`, m);
    }
  }
  return { ...samples, reference: expected! };
}

/** App synth of both stacks, without the CLI; returns the stacks both setups synthesized. */
export async function benchAppSynth(ctx: PhaseContext, rounds: number): Promise<[Comparison, Stacks]> {
  const { project, stock, reference } = await compareSynth(ctx, rounds, "appSynth", undefined);
  const comparison: Comparison = {
    id: "app-synth",
    title: "app synth of both stacks, no CLI (`node --require ts-node/register main.ts` / `npx ts-node main.ts`)",
    project,
    stock,
  };
  return [comparison, reference];
}

/** The empty app through the CLI and directly: the CLI's fixed cost. */
async function benchEmptyApp(ctx: PhaseContext, rounds: number): Promise<{ cli: Sample[]; direct: Sample[] }> {
  const cli: Sample[] = [];
  const direct: Sample[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const [kind, samples] of [
      ["cdktfSynth", cli],
      ["appSynth", direct],
    ] as const) {
      const outdir = fs.mkdtempSync(path.join(ctx.tmp, "out-"));
      const m = await measureOk(`empty app ${kind}`, ctx.emptyApp[kind](outdir));
      fs.rmSync(outdir, { recursive: true, force: true });
      samples.push(toSample(m));
      logRun(ctx, `${kind} empty app`, `${round}/${rounds}`, m);
    }
  }
  return { cli, direct };
}

/** `cdktf synth` of both setups, and of an empty app (run directly, too) to tell the CLI's own cost. */
export async function benchCdktfSynth(ctx: PhaseContext, rounds: number, reference: Stacks): Promise<Comparison[]> {
  const { project, stock } = await compareSynth(ctx, rounds, "cdktfSynth", reference);
  const empty = await benchEmptyApp(ctx, rounds);
  const setupIndependent = "The same in both setups: shown under this project.";
  return [
    { id: "cdktf-synth", title: "`npx cdktf synth`, both stacks", project, stock },
    {
      id: "cli-empty",
      title: "`npx cdktf synth` of an empty app (`new App().synth()`)",
      project: empty.cli,
      stock: [],
      notes: [setupIndependent],
    },
    { id: "empty-direct", title: "the same empty app run directly (`node main.js`)", project: empty.direct, stock: [] },
  ];
}

/** The `Tests:` line of jest's summary, e.g. "3 failed, 252 passed, 255 total". */
function jestSummary(label: string, m: Measurement): string {
  const summary = /^Tests:\s+(.+?)\s*$/m.exec(m.output)?.[1];
  if (summary === undefined) {
    throw new Error(`${label}: jest ran no tests (exit ${m.code}):\n${m.output.split("\n").slice(-30).join("\n")}`);
  }
  return summary;
}

/** One jest run of a setup; a failing test does not stop the benchmark, it is reported. */
interface TestRun {
  readonly sample: Sample;
  /** The `Tests:` line of jest's summary. */
  readonly summary: string;
}

/** The number of tests jest ran (passed or failed), from its summary. */
function ranTests(summary: string): number {
  return [...summary.matchAll(/(\d+) (?:passed|failed)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

async function runTests(ctx: PhaseContext, setup: Setup, cacheDir: string, round: string, only?: OneStackTests) {
  const what = `jest ${setup.name} ${only ? only.describe : "unit suite"}`;
  const m = await measure(setup.unitTests(cacheDir, only));
  const summary = jestSummary(what, m);
  if (only && !/^Test Suites:.*\b1 total/m.test(m.output)) throw new Error(`${what}: jest ran more than one file`);
  logRun(ctx, what, round, m);
  if (m.code !== 0) ctx.log(`    (exit ${m.code}: ${summary})`);
  return { sample: toSample(m), summary } satisfies TestRun;
}

type JestCaches = Readonly<Record<Setup["name"], string>>;

/** The whole suite once per setup, each with an empty jest cache, as on CI. */
async function coldSuites(ctx: PhaseContext, cache: JestCaches): Promise<Comparison> {
  const cold = { project: [] as Sample[], stock: [] as Sample[] };
  const notes: string[] = [];
  for (const setup of [ctx.project, ctx.stock]) {
    const run = await runTests(ctx, setup, cache[setup.name], "cold");
    cold[setup.name].push(run.sample);
    notes.push(`${setup.name}: ${run.summary}`);
  }
  return { id: "tests-cold", title: "unit test suite, empty jest cache (1 run each)", ...cold, notes };
}

/** With warm caches: one stack's tests in both setups and this project's suite, `rounds` times. */
async function warmRounds(ctx: PhaseContext, cache: JestCaches, rounds: number): Promise<Comparison[]> {
  const suite: Sample[] = [];
  const one = { project: [] as Sample[], stock: [] as Sample[] };
  const counts = { project: new Set<number>(), stock: new Set<number>() };
  for (let round = 1; round <= rounds; round++) {
    const r = `${round}/${rounds}`;
    for (const setup of [ctx.project, ctx.stock]) {
      const run = await runTests(ctx, setup, cache[setup.name], r, ONE_STACK_TESTS);
      one[setup.name].push(run.sample);
      counts[setup.name].add(ranTests(run.summary));
    }
    suite.push((await runTests(ctx, ctx.project, cache.project, r)).sample);
  }
  const ran = (name: Setup["name"]) => [...counts[name]].join(" / ");
  if (ran("project") !== ran("stock")) {
    throw new Error(`${ONE_STACK_TESTS.describe}'s tests: project ran ${ran("project")}, stock ${ran("stock")}`);
  }
  return [
    {
      id: "tests-warm",
      title: "unit test suite, warm jest cache",
      project: suite,
      stock: [],
      notes: ["Stock: not repeated, a run takes minutes; one stack's tests below compare the setups warm."],
    },
    {
      id: "test-file-warm",
      title: `one stack's tests (\`${ONE_STACK_TESTS.file}\`, ${ran("project")} tests), warm jest cache`,
      ...one,
      notes: [
        `Project: \`npx jest --ci --selectProjects unit -t "^${ONE_STACK_TESTS.describe} "\` (the unit suite is one test file); stock: the spec file as its own test file.`,
      ],
    },
  ];
}

/**
 * The unit tests: the whole suite of both setups with an empty jest cache, then with the warm
 * caches this project's suite and one test file of both; the stock suite takes minutes a run,
 * so it is not repeated.
 */
export async function benchUnitTests(ctx: PhaseContext, rounds: number): Promise<Comparison[]> {
  const cache = { project: path.join(ctx.tmp, "jest-project"), stock: path.join(ctx.tmp, "jest-stock") };
  return [await coldSuites(ctx, cache), ...(await warmRounds(ctx, cache, rounds))];
}
