/** The targets, checked, and the Markdown report of a run. */
import * as fs from "fs";
import * as path from "path";
import { Machine } from "../../scripts/lib/machine";
import { Comparison, E2eResult, medianMs, peakMB, Results, Target } from "./results";

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
      detail: `${secs(testsMs)} (warm jest cache, median); peak ${mb(testsMB)} over the cold and warm runs`,
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
  const head = "## `npm run local` (this project, once)";
  if (e2e.status === "skipped") return [head, "", `Skipped: ${e2e.reason}.`];
  const lines = [head, "", "| phase | step | time |", "| --- | --- | ---: |"];
  for (const s of e2e.steps) lines.push(`| ${s.phase} | ${s.step} | ${secs(s.ms)} |`);
  lines.push(
    `| | **total**, npm included (peak memory ${mb(e2e.peakMB)}: emulator, CLI, Terraform) | **${secs(e2e.totalMs)}** |`,
  );
  if (e2e.error) lines.push("", `FAILED: ${e2e.error.split("\n")[0]}`);
  return lines;
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

/** "AMD EPYC, 2 CPUs, 23.5 GiB, node v20.20.2, terraform 1.11.4". */
export function machineSummary(m: Machine): string {
  return `${m.cpuModel}, ${m.cpuCount} CPUs, ${m.memoryGiB} GiB, node ${m.node}, terraform ${m.terraform}`;
}

function measuredOn(r: Results): string {
  return (
    `Measured ${r.machine.date} on ${machineSummary(r.machine)}; load average ${r.load.before.toFixed(1)} before, ` +
    `${r.load.after.toFixed(1)} after (with its own).`
  );
}

/** CONTRIBUTING.md's performance table, from a run's results. */
export function renderReadmePerformance(r: Results): string {
  const row = (id: string): [number, number, number] => {
    const c = find(r.comparisons, id);
    return [medianMs(c.project), medianMs(c.stock), peakMB(c.project)];
  };
  const [synth, synthStock] = row("app-synth");
  const [cli, cliStock] = row("cdktf-synth");
  const [cold, coldStock] = row("tests-cold");
  const [warm, , warmMB] = row("tests-warm");
  const [emptyCli] = row("cli-empty");
  const [emptyDirect] = row("empty-direct");
  const local = r.e2e.status === "skipped" ? "–" : `${secs(r.e2e.totalMs)} (${r.e2e.status})`;
  return [
    "| (median) | this project | stock | ratio |",
    "| --- | ---: | ---: | ---: |",
    `| app synth of both stacks | ${secs(synth)} | ${secs(synthStock)} | ${ratio(synth, synthStock)} |`,
    `| \`npx cdktf synth\` | ${secs(cli)} | ${secs(cliStock)} | ${ratio(cli, cliStock)} |`,
    `| ↳ \`npx cdktf synth\` of an empty app; the same app run directly | ${secs(emptyCli)}; ${secs(emptyDirect)} | | |`,
    `| unit test suite (cold cache) | ${secs(cold)} | ${secs(coldStock)} | ${ratio(cold, coldStock)} |`,
    `| unit test suite (warm cache), its peak memory | ${secs(warm)}, ${mb(warmMB)} | | |`,
    `| \`npm run local\`, once | ${local} | | |`,
    "",
    measuredOn(r),
  ].join("\n");
}

/** README's sample output of `npm run local`: the run's own summary; undefined when it did not pass. */
export function renderReadmeLocalRun(r: Results): string | undefined {
  if (r.e2e.status !== "passed") return undefined;
  const provider =
    r.e2e.providerMode === "mirror"
      ? "The AWS provider came from a filesystem mirror."
      : "The AWS provider came from the registry, through the plugin cache.";
  return ["```text", r.e2e.summary, "```", "", `${measuredOn(r)} ${provider}`].join("\n");
}
