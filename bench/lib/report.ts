/** The targets, checked, and the Markdown report of a run. */
import * as fs from "fs";
import * as path from "path";
import { Machine } from "./machine";
import { Comparison, E2eResult, FullTestResult, medianMs, peakMB, Results, Target } from "./results";

const APP_SYNTH_MAX_RATIO = 0.25;
const APP_SYNTH_MAX_MS = 1000;
const UNIT_TESTS_MAX_MS = 3000;
const UNIT_TESTS_MAX_MB = 400;

function find(comparisons: readonly Comparison[], id: string): Comparison {
  const c = comparisons.find((x) => x.id === id);
  if (!c) throw new Error(`no measurement ${id}`);
  return c;
}

/** A duration for the tables: "0.47 s", "18.1 s", "–" for none. */
export function secs(ms: number): string {
  if (Number.isNaN(ms)) return "–";
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Memory for the tables: "184 MB", "–" for none. */
export function mb(value: number): string {
  return Number.isNaN(value) ? "–" : `${value.toFixed(0)} MB`;
}

function ratio(project: number, stock: number): string {
  return Number.isNaN(project) || Number.isNaN(stock) ? "–" : `${((project / stock) * 100).toFixed(0)} %`;
}

/** The scripts `npm test` runs, following `npm run <name>` into the named scripts. */
function expandScript(scripts: Readonly<Record<string, string>>, name: string, seen = new Set<string>()): string {
  if (seen.has(name)) return "";
  seen.add(name);
  const script = scripts[name] ?? "";
  return script.replace(/npm run ([\w:-]+)/g, (_, inner: string) => expandScript(scripts, inner, seen));
}

/** Whether `npm test` type-checks (`tsc --noEmit`), directly or through `npm run typecheck`. */
export function typecheckTarget(projectRoot: string): Target {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
  const expanded = expandScript(pkg.scripts ?? {}, "test");
  const pass = /\btsc\b[^&|;]*--noEmit/.test(expanded);
  return {
    name: "type-checking stays in the test command",
    pass,
    detail: pass ? "`npm test` runs `tsc --noEmit`" : `\`npm test\` runs no \`tsc --noEmit\`: ${expanded}`,
  };
}

/** The targets of the issue, checked against the measurements. */
export function checkTargets(comparisons: readonly Comparison[], projectRoot: string): Target[] {
  const synth = find(comparisons, "app-synth");
  const synthMs = medianMs(synth.project);
  const stockMs = medianMs(synth.stock);
  const warm = find(comparisons, "tests-warm");
  const cold = find(comparisons, "tests-cold");
  const testsMs = medianMs(warm.project);
  const testsMB = peakMB([...warm.project, ...cold.project]);
  return [
    {
      name: `app synth of both stacks at most ${APP_SYNTH_MAX_RATIO * 100} % of stock and under ${secs(APP_SYNTH_MAX_MS)}`,
      pass: synthMs <= APP_SYNTH_MAX_RATIO * stockMs && synthMs < APP_SYNTH_MAX_MS,
      detail: `${secs(synthMs)}, ${ratio(synthMs, stockMs)} of stock's ${secs(stockMs)}`,
    },
    {
      name: `unit test suite under ${secs(UNIT_TESTS_MAX_MS)} and under ${UNIT_TESTS_MAX_MB} MB peak`,
      pass: testsMs < UNIT_TESTS_MAX_MS && testsMB < UNIT_TESTS_MAX_MB,
      detail: `${secs(testsMs)} (warm jest cache, median), peak ${mb(testsMB)}`,
    },
    typecheckTarget(projectRoot),
  ];
}

function comparisonRow(c: Comparison): string {
  const p = medianMs(c.project);
  const s = medianMs(c.stock);
  const runs = c.stock.length > 0 ? `${c.project.length} / ${c.stock.length}` : `${c.project.length}`;
  return `| ${c.title} | ${secs(p)} | ${secs(s)} | ${ratio(p, s)} | ${mb(peakMB(c.project))} | ${mb(peakMB(c.stock))} | ${runs} |`;
}

/** What `cdktf synth` adds to the app synth, per setup. */
function cliOverheadRow(comparisons: readonly Comparison[]): string {
  const cli = find(comparisons, "cdktf-synth");
  const app = find(comparisons, "app-synth");
  const project = medianMs(cli.project) - medianMs(app.project);
  const stock = medianMs(cli.stock) - medianMs(app.stock);
  return `| ↳ of which the CLI: \`cdktf synth\` − app synth | ${secs(project)} | ${secs(stock)} | | | | |`;
}

function comparisonTable(comparisons: readonly Comparison[]): string[] {
  const lines = [
    "| measurement (median) | this project | stock | ratio | peak, project | peak, stock | runs |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const c of comparisons) {
    lines.push(comparisonRow(c));
    if (c.id === "cdktf-synth" && comparisons.some((x) => x.id === "app-synth"))
      lines.push(cliOverheadRow(comparisons));
  }
  const notes = comparisons.flatMap((c) => (c.notes ?? []).map((n) => `- ${c.title}: ${n}`));
  return notes.length > 0 ? [...lines, "", ...notes] : lines;
}

function e2eSection(e2e: E2eResult): string[] {
  const head = "## Local end to end (this project, once)";
  if (e2e.status === "skipped") return [head, "", `Skipped: ${e2e.reason}.`];
  const lines = [head, "", "| phase | step | time |", "| --- | --- | ---: |"];
  for (const s of e2e.steps) lines.push(`| ${s.phase} | ${s.step} | ${secs(s.ms)} |`);
  lines.push(
    `| | **total** (peak memory ${mb(e2e.peakMB)}, emulator and benchmark included) | **${secs(e2e.totalMs)}** |`,
  );
  if (e2e.error) lines.push("", `FAILED: ${e2e.error.split("\n")[0]}`);
  return lines;
}

function fullTestSection(full: FullTestResult): string[] {
  if (full.status === "skipped")
    return [`\`npm test\` (lint, format, tsc, all jest projects): skipped, ${full.reason}.`];
  return [
    `\`npm test\` (lint, format, tsc, all jest projects), once: ${secs(full.sample.ms)}, ` +
      `peak ${mb(full.sample.peakMB)}, ${full.status} (${full.summary}).`,
  ];
}

/**
 * The machine and the load on it, for the end of a report. The load before the run is other
 * work, and flagged when it exceeds the CPUs; the load after includes the benchmark's own.
 */
export function machineAndLoad(m: Machine, load: Results["load"]): string[] {
  const busy = load.before > m.cpuCount;
  return [
    `Machine: ${m.cpuModel}, ${m.cpuCount} CPUs, ${m.memoryGiB} GiB; node ${m.node}, terraform ${m.terraform}; ${m.date}.`,
    `Load average (1 min) before/after (after includes the benchmark's own): ${load.before.toFixed(2)} / ${load.after.toFixed(2)}` +
      (busy ? " — **the machine was busy with other work: timings are inflated and noisy.**" : "."),
  ];
}

function machineLines(r: Results): string[] {
  return [
    ...machineAndLoad(r.machine, r.load),
    `Rounds: ${r.rounds} (app synth), ${r.slowRounds} (cdktf synth, warm tests), alternating this project and stock; ` +
      `the whole run took ${secs(r.durationMs)}.`,
  ];
}

/** The report of a run, in Markdown. */
export function renderMarkdown(r: Results): string {
  return [
    "# Benchmark: this project against the stock CDKTF setup",
    "",
    "Written by `npm run bench`; bench/README.md says what each line measures. This project: " +
      "`node --require ts-node/register main.ts` (swc, no type-check), deep provider imports, @swc/jest. " +
      "Stock, as `cdktf init --template typescript`: `npx ts-node main.ts` (type-checks), root namespace " +
      "imports, ts-jest; a temp copy of the app, checked to synthesize the same stacks. " +
      "Ratio: this project's time / stock's.",
    "",
    ...comparisonTable(r.comparisons),
    "",
    ...fullTestSection(r.fullTest),
    "",
    "## Targets",
    "",
    ...r.targets.map((t) => `- ${t.pass ? "PASS" : "FAIL"} ${t.name}: ${t.detail}`),
    "",
    ...e2eSection(r.e2e),
    "",
    ...machineLines(r),
    "",
  ].join("\n");
}
