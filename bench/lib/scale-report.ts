/** The scale benchmark's targets, checked, and its Markdown report (bench/results/scale.md and CONTRIBUTING.md's summary). */
import { ExecutableCpu } from "./measure";
import { machineAndLoad, mb, secs } from "./report";
import {
  CommandPhases,
  CommandRun,
  DeployRound,
  medianMs,
  peakMB,
  ScaleResults,
  ScaleSynthRow,
  Target,
} from "./results";
import { DEPLOY_TARGETS } from "./scale-targets";

/** Synth of the most targets at most this many times the synth of one target, plus {@link SYNTH_SLACK_MS}. */
const SYNTH_MAX_FACTOR = 3;
const SYNTH_SLACK_MS = 2000;
/** Peak memory of any app synth under this many MB (10^6 bytes): 1 GB. */
const SYNTH_MAX_MB = 1000;
/** Deploy of the most targets under this many times the deploy of one. */
const DEPLOY_MAX_FACTOR = 2;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

function median(values: readonly number[]): number {
  return medianMs(values.map((ms) => ({ ms, peakMB: 0 })));
}

function times(value: number): string {
  return Number.isNaN(value) ? "–" : `${value.toFixed(2)}×`;
}

/** The row of the fewest and of the most targets. */
function ends(rows: readonly ScaleSynthRow[]): [ScaleSynthRow, ScaleSynthRow] {
  return [rows[0], rows[rows.length - 1]];
}

/** Total time of a round's deploy commands, or of its destroy commands. */
function total(runs: readonly CommandRun[]): number {
  return runs.reduce((sum, r) => sum + r.ms, 0);
}

function roundsOf(rounds: readonly DeployRound[], targets: number): DeployRound[] {
  return rounds.filter((r) => r.targets === targets);
}

/** Median deploy and destroy time of a number of targets, over the rounds. */
function deployMedians(rounds: readonly DeployRound[], targets: number) {
  const mine = roundsOf(rounds, targets);
  return {
    deployMs: median(mine.map((r) => total(r.deploy))),
    destroyMs: median(mine.map((r) => total(r.destroy))),
    peakMB: Math.max(...mine.flatMap((r) => [...r.deploy, ...r.destroy].map((c) => c.peakMB))),
    rounds: mine.length,
  };
}

/** The scale targets, checked against the measurements. */
export function checkScaleTargets(r: Pick<ScaleResults, "appSynth" | "deploy">): Target[] {
  const [one, most] = ends(r.appSynth);
  const oneMs = medianMs(one.samples);
  const mostMs = medianMs(most.samples);
  const limitMs = SYNTH_MAX_FACTOR * oneMs + SYNTH_SLACK_MS;
  const peak = peakMB(r.appSynth.flatMap((row) => row.samples));
  const peakRow = r.appSynth.find((row) => peakMB(row.samples) === peak);
  const targets: Target[] = [
    {
      name: `app synth of ${plural(most.targets, "target")} within ${SYNTH_MAX_FACTOR} × the app synth of ${plural(one.targets, "target")} + ${secs(SYNTH_SLACK_MS)}`,
      pass: mostMs <= limitMs,
      detail: `${secs(mostMs)}, limit ${secs(limitMs)} (${SYNTH_MAX_FACTOR} × ${secs(oneMs)} + ${secs(SYNTH_SLACK_MS)}; medians)`,
    },
    {
      name: `app synth under ${mb(SYNTH_MAX_MB)} (1 GB) peak memory`,
      pass: peak < SYNTH_MAX_MB,
      detail: `${mb(peak)} at most (${plural(peakRow?.targets ?? 0, "target")})`,
    },
  ];
  const [few, many] = [DEPLOY_TARGETS[0], DEPLOY_TARGETS[DEPLOY_TARGETS.length - 1]];
  const name = `deploy of ${plural(many, "target")} in under ${DEPLOY_MAX_FACTOR} × the deploy of ${plural(few, "target")}`;
  if (r.deploy.status === "skipped")
    return [...targets, { name, pass: false, detail: `not measured: ${r.deploy.reason}` }];
  const a = deployMedians(r.deploy.rounds, few);
  const b = deployMedians(r.deploy.rounds, many);
  const measured = a.rounds > 0 && b.rounds > 0;
  return [
    ...targets,
    {
      name,
      pass: measured && r.deploy.status === "passed" && b.deployMs < DEPLOY_MAX_FACTOR * a.deployMs,
      detail: measured
        ? `${secs(b.deployMs)} against ${secs(a.deployMs)}: ${times(b.deployMs / a.deployMs)} (medians)`
        : `not measured: ${r.deploy.status === "failed" ? r.deploy.error?.split("\n")[0] : "no rounds"}`,
    },
  ];
}

function synthTable(rows: readonly ScaleSynthRow[], what: string): string[] {
  const oneMs = medianMs(rows[0].samples);
  return [
    `| targets | stacks | ${what} (median) | ÷ ${plural(rows[0].targets, "target")} | peak memory | runs |`,
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((row) => {
      const ms = medianMs(row.samples);
      return `| ${row.targets} | ${row.stacks} | ${secs(ms)} | ${times(ms / oneMs)} | ${mb(peakMB(row.samples))} | ${row.samples.length} |`;
    }),
  ];
}

/** What a process is, for the CPU columns. */
const KINDS: readonly { readonly title: string; readonly matches: (executable: string) => boolean }[] = [
  { title: "AWS provider", matches: (e) => e.startsWith("terraform-provider-aws") },
  { title: "terraform", matches: (e) => e === "terraform" },
  { title: "node (CLI, app)", matches: (e) => e === "node" },
  { title: "emulator", matches: (e) => e.startsWith("python") },
];

function kindCpu(cpu: readonly ExecutableCpu[], kind: (typeof KINDS)[number]): { seconds: number; processes: number } {
  const mine = cpu.filter((c) => kind.matches(c.executable));
  return {
    seconds: mine.reduce((sum, c) => sum + c.seconds, 0),
    processes: mine.reduce((sum, c) => sum + c.processes, 0),
  };
}

/** Medians over the rounds of one command of one size: time, phases, CPU by kind. */
function commandMedians(runs: readonly CommandRun[]) {
  const phase = (key: keyof CommandPhases): number => {
    const values = runs.flatMap((r) => (r.phases ? [r.phases[key]] : []));
    return values.length > 0 ? median(values) : NaN;
  };
  return {
    ms: median(runs.map((r) => r.ms)),
    synthMs: phase("synthMs"),
    initMs: phase("initMs"),
    runMs: phase("runMs"),
    cpu: KINDS.map((kind) => {
      const each = runs.map((r) => kindCpu(r.cpu, kind));
      return { seconds: median(each.map((e) => e.seconds)), processes: median(each.map((e) => e.processes)) };
    }),
  };
}

/** Each command of each size, as run in every round. */
function commandsBySize(rounds: readonly DeployRound[]): { targets: number; command: string; runs: CommandRun[] }[] {
  return DEPLOY_TARGETS.flatMap((targets) => {
    const mine = roundsOf(rounds, targets);
    const commands = mine[0] ? [...mine[0].deploy, ...mine[0].destroy].map((c) => c.command) : [];
    return commands.map((command) => ({
      targets,
      command,
      runs: mine.flatMap((r) => [...r.deploy, ...r.destroy].filter((c) => c.command === command)),
    }));
  });
}

function whereTheTimeGoes(rounds: readonly DeployRound[]): string[] {
  const cpuTitles = KINDS.map((k) => `CPU: ${k.title}${k.title === "AWS provider" ? " (processes)" : ""}`);
  const lines = [
    `| command | targets | wall | CLI start-up and synth | \`terraform init\`, one stack after another | plan and apply, stacks at once | ${cpuTitles.join(" | ")} |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ${KINDS.map(() => "---:").join(" | ")} |`,
  ];
  for (const { targets, command, runs } of commandsBySize(rounds)) {
    const m = commandMedians(runs);
    const cpu = m.cpu.map((c, i) =>
      KINDS[i].title === "AWS provider" ? `${c.seconds.toFixed(1)} s (${c.processes})` : `${c.seconds.toFixed(1)} s`,
    );
    lines.push(
      `| \`${command}\` | ${targets} | ${secs(m.ms)} | ${secs(m.synthMs)} | ${secs(m.initMs)} | ${secs(m.runMs)} | ${cpu.join(" | ")} |`,
    );
  }
  return lines;
}

/** What the table says about serial init and the providers' CPU, in numbers from this run. */
function findings(rounds: readonly DeployRound[], cpuCount: number): string[] {
  const rows = commandsBySize(rounds).map((c) => ({ ...c, m: commandMedians(c.runs) }));
  const many = DEPLOY_TARGETS[DEPLOY_TARGETS.length - 1];
  const deploys = rows.filter((r) => r.targets === many && r.command.startsWith("cdktf deploy"));
  if (deploys.length === 0) return [];
  const sum = (f: (r: (typeof deploys)[number]) => number): number => deploys.reduce((s, r) => s + f(r), 0);
  const wall = sum((r) => r.m.ms);
  const init = sum((r) => r.m.initMs);
  const synth = sum((r) => r.m.synthMs);
  const provider = deploys.map((r) => r.m.cpu[0]);
  const providerSeconds = provider.reduce((s, c) => s + c.seconds, 0);
  const providerProcesses = provider.reduce((s, c) => s + c.processes, 0);
  const stacks = many * 2;
  const pct = (part: number): string => `${((part / wall) * 100).toFixed(0)} %`;
  return [
    `- Deploy of ${plural(many, "target")} (${stacks} stacks, two commands, ${secs(wall)}): the CLI's start-up and the app synth took ${secs(synth)} (${pct(synth)}); ` +
      `\`terraform init\`, which cdktf runs for every selected stack, one after another, before it runs any, ${secs(init)} (${pct(init)}, ${secs(init / stacks)} a stack); ` +
      `the rest is plan and apply, where the stacks run at once.`,
    `- In those two commands Terraform started the AWS provider ${providerProcesses} times (a process per provider configuration, for each step of each of its commands; an iam stack has two, the source and the destination account) ` +
      `and the provider used ${providerSeconds.toFixed(1)} s of CPU, ${(providerSeconds / Math.max(providerProcesses, 1)).toFixed(1)} s a process: on ${cpuCount} cores that alone is at least ${secs((providerSeconds / cpuCount) * 1000)} of the wall time.`,
    ...cpuFinding(rounds, cpuCount),
    ...memoryFinding(rounds),
  ];
}

/** The CPU time of the deploy, all processes, per size: with it, the least time the larger deploy can take on this machine. */
function cpuFinding(rounds: readonly DeployRound[], cpuCount: number): string[] {
  const [few, many] = [DEPLOY_TARGETS[0], DEPLOY_TARGETS[DEPLOY_TARGETS.length - 1]];
  const cpuOf = (targets: number): number =>
    median(
      roundsOf(rounds, targets).map((r) =>
        r.deploy.reduce((sum, c) => sum + c.cpu.reduce((s, e) => s + e.seconds, 0), 0),
      ),
    );
  const a = deployMedians(rounds, few);
  if (a.rounds === 0 || roundsOf(rounds, many).length === 0) return [];
  const [cpuFew, cpuMany] = [cpuOf(few), cpuOf(many)];
  const floorMs = (cpuMany / cpuCount) * 1000;
  return [
    `- The deploy's processes together (provider, terraform, CLI and app, emulator) used ${cpuFew.toFixed(1)} s of CPU for ${plural(few, "target")} ` +
      `(in ${secs(a.deployMs)}: the ${cpuCount} cores were ${((cpuFew / cpuCount / (a.deployMs / 1000)) * 100).toFixed(0)} % busy) and ${cpuMany.toFixed(1)} s for ${many} (${times(cpuMany / cpuFew)}). ` +
      `On ${cpuCount} cores the deploy of ${many} cannot take less than ${secs(floorMs)}, ${times(floorMs / a.deployMs)} the deploy of ${plural(few, "target")}, however many stacks run at once.`,
  ];
}

/** How peak memory grows per target, and what that means for many targets at cdktf's default parallelism. */
function memoryFinding(rounds: readonly DeployRound[]): string[] {
  const [few, many] = [DEPLOY_TARGETS[0], DEPLOY_TARGETS[DEPLOY_TARGETS.length - 1]];
  const a = deployMedians(rounds, few);
  const b = deployMedians(rounds, many);
  if (a.rounds === 0 || b.rounds === 0) return [];
  const perTarget = (b.peakMB - a.peakMB) / (many - few);
  const fifty = a.peakMB + perTarget * (50 - few);
  return [
    `- Peak memory grew by ${mb(perTarget)} a target (${mb(a.peakMB)} for ${plural(few, "target")}, ${mb(b.peakMB)} for ${many}): the stacks run at once, each with its terraform and provider processes. ` +
      `At that rate, deploying 50 targets at once would need about ${mb(fifty)} (an estimate, not measured); cdktf's \`--parallelism\` bounds how many stacks run at once.`,
  ];
}

function deploySection(r: ScaleResults): string[] {
  const head = "## Deploy and destroy against the emulator";
  const d = r.deploy;
  if (d.status === "skipped") return [head, "", `Skipped: ${d.reason}.`];
  const [few, many] = [DEPLOY_TARGETS[0], DEPLOY_TARGETS[DEPLOY_TARGETS.length - 1]];
  const a = deployMedians(d.rounds, few);
  const b = deployMedians(d.rounds, many);
  const lines = [
    head,
    "",
    `Each target in a destination account of its own, a fresh emulator per run, the sizes alternating (1, 5, 1, ...); \`cdktf deploy\`'s \`--parallelism\` default, from its \`--help\`: ${d.parallelismDefault}.`,
    "",
    `| median | ${plural(few, "target")} (${plural(a.rounds, "run")}) | ${plural(many, "target")} (${plural(b.rounds, "run")}) | ${many} ÷ ${few} |`,
    "| --- | ---: | ---: | ---: |",
    `| deploy: \`cdktf deploy 'iam-stack-*'\`, then \`'ec2-stack-*'\` | ${secs(a.deployMs)} | ${secs(b.deployMs)} | ${times(b.deployMs / a.deployMs)} |`,
    `| destroy: \`cdktf destroy '*'\` | ${secs(a.destroyMs)} | ${secs(b.destroyMs)} | ${times(b.destroyMs / a.destroyMs)} |`,
    `| peak memory: emulator, CLI, app, terraform, providers | ${mb(a.peakMB)} | ${mb(b.peakMB)} | ${times(b.peakMB / a.peakMB)} |`,
    "",
    "### Where the time goes (medians)",
    "",
    ...whereTheTimeGoes(d.rounds),
    "",
    ...findings(d.rounds, r.machine.cpuCount),
  ];
  if (d.error) lines.push("", `FAILED: ${d.error.split("\n")[0]}`);
  return lines;
}

/** The report of a scale run, in Markdown: bench/results/scale.md. */
export function renderScaleMarkdown(r: ScaleResults): string {
  return [
    "# Scale: synth and deploy with many targets",
    "",
    "Written by `npm run bench` (`npm run bench -- --scale` runs this part alone); bench/README.md says what each " +
      "line measures. A target is one `iam-stack-<name>`/`ec2-stack-<name>` pair with a destination account and " +
      "profile of its own (the `targets` setting).",
    "",
    "## Synth",
    "",
    ...synthTable(r.appSynth, "app synth, no CLI"),
    "",
    ...synthTable(r.cliSynth, "`npx cdktf synth`"),
    "",
    ...deploySection(r),
    "",
    "## Targets",
    "",
    ...r.targets.map((t) => `- ${t.pass ? "PASS" : "FAIL"} ${t.name}: ${t.detail}`),
    "",
    ...machineAndLoad(r.machine, r.load),
    `The whole run took ${secs(r.durationMs)}.`,
    "",
  ].join("\n");
}

/** The summary CONTRIBUTING.md's Performance section shows: the main figures and the targets, from this run. */
export function renderReadmeSummary(r: ScaleResults): string {
  const synth = r.appSynth;
  const lines = [
    `| targets (two stacks each) | ${synth.map((row) => row.targets).join(" | ")} |`,
    `| --- | ${synth.map(() => "---:").join(" | ")} |`,
    `| app synth (median) | ${synth.map((row) => secs(medianMs(row.samples))).join(" | ")} |`,
    `| app synth, peak memory | ${synth.map((row) => mb(peakMB(row.samples))).join(" | ")} |`,
  ];
  if (r.deploy.status !== "skipped" && r.deploy.rounds.length > 0) {
    const [few, many] = [DEPLOY_TARGETS[0], DEPLOY_TARGETS[DEPLOY_TARGETS.length - 1]];
    const a = deployMedians(r.deploy.rounds, few);
    const b = deployMedians(r.deploy.rounds, many);
    lines.push(
      "",
      `| against the emulator (median) | ${plural(few, "target")} (${plural(a.rounds, "run")}) | ${plural(many, "target")} (${plural(b.rounds, "run")}) | ${many} ÷ ${few} |`,
      "| --- | ---: | ---: | ---: |",
      `| deploy (\`cdktf deploy 'iam-stack-*'\`, then \`'ec2-stack-*'\`) | ${secs(a.deployMs)} | ${secs(b.deployMs)} | ${times(b.deployMs / a.deployMs)} |`,
      `| destroy (\`cdktf destroy '*'\`) | ${secs(a.destroyMs)} | ${secs(b.destroyMs)} | ${times(b.destroyMs / a.destroyMs)} |`,
    );
  }
  const busy = r.load.before > r.machine.cpuCount;
  return [
    ...lines,
    "",
    ...r.targets.map((t) => `- ${t.pass ? "PASS" : "FAIL"} ${t.name}: ${t.detail}`),
    "",
    `Measured ${r.machine.date} on ${r.machine.cpuCount} CPUs, load average ${r.load.before.toFixed(1)} before and ${r.load.after.toFixed(1)} after (with its own)` +
      (busy ? ": the machine was busy with other work, so timings are inflated." : "."),
  ].join("\n");
}
