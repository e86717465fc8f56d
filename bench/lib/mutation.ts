/**
 * The report of `npm run mutate`: mutation scores per file and per part of the code, the goals
 * checked, and every surviving mutant, each either judged equivalent (no test can kill it: the
 * change does not change behaviour) with the reason, or flagged as a gap in the tests.
 */
import { Target } from "./results";

/** What Stryker's JSON report says of one mutant (mutation-testing-report-schema). */
export interface MutantResult {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: {
    readonly start: { readonly line: number; readonly column: number };
    readonly end: { readonly line: number; readonly column: number };
  };
}

/** Stryker's JSON report, the parts read here. */
export interface MutationReport {
  readonly files: Readonly<Record<string, { readonly source: string; readonly mutants: readonly MutantResult[] }>>;
}

/** A surviving mutant judged equivalent: how to recognise it, and why no test can kill it. */
export interface EquivalentMutant {
  readonly file: string;
  readonly mutator: string;
  /** The source text the mutant replaces, exactly. */
  readonly original: string;
  /** What Stryker puts in its place, exactly. */
  readonly replacement: string;
  /** Text of the line the mutant starts on, where `original` alone is not unique in the file. */
  readonly near?: string;
  readonly reason: string;
}

/** Counts of one file or part. */
export interface Score {
  readonly name: string;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly noCoverage: number;
  /** Mutants that do not compile (the type checker rejects them): not counted in the score. */
  readonly invalid: number;
  /** Survivors judged equivalent. */
  readonly equivalent: number;
}

/** A survivor, with the equivalence that accounts for it, if any. */
export interface Survivor {
  readonly file: string;
  readonly line: number;
  readonly mutator: string;
  readonly original: string;
  readonly replacement: string;
  readonly status: string;
  readonly reason?: string;
}

/** The goals: the least share of mutants killed in each part of the code. */
export const GOALS: readonly { readonly part: string; readonly min: number }[] = [
  { part: "config/", min: 0.85 },
  { part: "constructs/", min: 0.9 },
  { part: "stacks/", min: 0.9 },
];

const UNDETECTED = new Set(["Survived", "NoCoverage"]);
const INVALID = new Set(["CompileError", "RuntimeError"]);

/** The source text a mutant replaces. */
function originalText(source: string, m: MutantResult): string {
  const lines = source.split("\n");
  const { start, end } = m.location;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [
    lines[start.line - 1].slice(start.column - 1),
    ...lines.slice(start.line, end.line - 1),
    lines[end.line - 1].slice(0, end.column - 1),
  ].join("\n");
}

/** Every undetected mutant, matched against the equivalent ones. */
export function survivors(report: MutationReport, equivalents: readonly EquivalentMutant[]): Survivor[] {
  const out: Survivor[] = [];
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    for (const m of mutants) {
      if (!UNDETECTED.has(m.status)) continue;
      const original = originalText(source, m);
      const replacement = m.replacement ?? "";
      const line = source.split("\n")[m.location.start.line - 1];
      const equivalent = equivalents.find(
        (e) =>
          e.file === file &&
          e.mutator === m.mutatorName &&
          e.original === original &&
          e.replacement === replacement &&
          (e.near === undefined || line.includes(e.near)),
      );
      out.push({
        file,
        line: m.location.start.line,
        mutator: m.mutatorName,
        original,
        replacement,
        status: m.status,
        reason: equivalent?.reason,
      });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** Equivalences that matched no survivor: stale entries, to be removed. */
export function unusedEquivalents(
  equivalents: readonly EquivalentMutant[],
  found: readonly Survivor[],
): EquivalentMutant[] {
  return equivalents.filter(
    (e) =>
      !found.some(
        (s) =>
          s.file === e.file &&
          s.mutator === e.mutator &&
          s.original === e.original &&
          s.replacement === e.replacement &&
          s.reason === e.reason,
      ),
  );
}

function count(name: string, mutants: readonly MutantResult[], equivalent: number): Score {
  const n = (status: string): number => mutants.filter((m) => m.status === status).length;
  return {
    name,
    killed: n("Killed"),
    timeout: n("Timeout"),
    survived: n("Survived"),
    noCoverage: n("NoCoverage"),
    invalid: mutants.filter((m) => INVALID.has(m.status)).length,
    equivalent,
  };
}

/** The part of the code a file belongs to: "config/", "constructs/" or "stacks/" (or a top-level file). */
export function partOf(file: string): string {
  const slash = file.indexOf("/");
  return slash < 0 ? file : file.slice(0, slash + 1);
}

/** Scores per file and per part. */
export function scores(report: MutationReport, found: readonly Survivor[]): { files: Score[]; parts: Score[] } {
  const equivalentIn = (match: (file: string) => boolean): number =>
    found.filter((s) => s.reason !== undefined && match(s.file)).length;
  const files = Object.entries(report.files)
    .map(([file, { mutants }]) =>
      count(
        file,
        mutants,
        equivalentIn((f) => f === file),
      ),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const parts = [...new Set(Object.keys(report.files).map(partOf))].sort().map((part) => {
    const mutants = Object.entries(report.files)
      .filter(([file]) => partOf(file) === part)
      .flatMap(([, f]) => f.mutants);
    return count(
      part,
      mutants,
      equivalentIn((f) => partOf(f) === part),
    );
  });
  return { files, parts };
}

/** Mutants the tests detect: killed, or timed out (an endless loop is a failure too). */
const detected = (s: Score): number => s.killed + s.timeout;
/** Mutants the score counts: all that compile. */
const counted = (s: Score): number => detected(s) + s.survived + s.noCoverage;

/** Share of the valid mutants that tests detect (killed or timed out); what Stryker calls the mutation score. */
export function killedShare(s: Score): number {
  return counted(s) === 0 ? NaN : detected(s) / counted(s);
}

/** The same share with the equivalent mutants left out, since no test can detect them. */
export function killedShareOfKillable(s: Score): number {
  const killable = counted(s) - s.equivalent;
  return killable === 0 ? NaN : detected(s) / killable;
}

const pct = (x: number): string => (Number.isNaN(x) ? "–" : `${(x * 100).toFixed(1)} %`);

/** The goals, checked on the plain score (equivalent mutants counted as survivors). */
export function checkGoals(parts: readonly Score[], found: readonly Survivor[]): Target[] {
  const targets: Target[] = GOALS.map(({ part, min }) => {
    const score = parts.find((p) => p.name === part);
    const share = score ? killedShare(score) : NaN;
    return {
      name: `at least ${min * 100} % of the mutants of ${part} killed`,
      pass: share >= min,
      detail: score ? `${pct(share)} (${detected(score)} of ${counted(score)})` : "no mutants",
    };
  });
  const unaccounted = found.filter((s) => s.reason === undefined);
  targets.push({
    name: "every surviving mutant accounted for as equivalent",
    pass: unaccounted.length === 0,
    detail:
      unaccounted.length === 0
        ? `${found.length} survivors, each with the reason it is equivalent`
        : `${unaccounted.length} of ${found.length} survivors are not (bench/results/mutation.md lists them)`,
  });
  return targets;
}

function scoreRow(s: Score): string {
  return (
    `| ${s.name} | ${counted(s)} | ${s.killed} | ${s.timeout} | ${s.survived} | ` +
    `${s.noCoverage} | ${s.equivalent} | ${s.invalid} | ${pct(killedShare(s))} | ${pct(killedShareOfKillable(s))} |`
  );
}

const SCORE_HEAD = [
  "| code | mutants | killed | timed out | survived | no coverage | of those, equivalent | not compiling (not counted) | score | score without equivalents |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
];

const escapeCell = (text: string): string =>
  `\`${text
    .replace(/\s*\n\s*/g, " ")
    .replace(/\|/g, "\\|")
    .replace(/`/g, "'")}\``;

/** CONTRIBUTING.md's summary: the score per part and the goals. */
export function renderMutationSummary(parts: readonly Score[], targets: readonly Target[], measured: string): string {
  return [
    ...SCORE_HEAD,
    ...parts.map(scoreRow),
    "",
    ...targets.map((t) => `- ${t.pass ? "PASS" : "FAIL"} ${t.name}: ${t.detail}`),
    "",
    `${measured} Every file and every survivor: [bench/results/mutation.md](bench/results/mutation.md).`,
  ].join("\n");
}

/** The full report: per part, per file, and every survivor with its reason. */
export function renderMutationMarkdown(
  files: readonly Score[],
  parts: readonly Score[],
  found: readonly Survivor[],
  targets: readonly Target[],
  measured: string,
): string {
  const survivorRows = found.map(
    (s) =>
      `| ${s.file}:${s.line} | ${s.mutator} | ${escapeCell(s.original)} | ${escapeCell(s.replacement)} | ` +
      `${s.reason ? `equivalent: ${s.reason.replace(/\|/g, "\\|")}` : "**not accounted for**"} |`,
  );
  return [
    "# Mutation testing",
    "",
    "Written by `npm run mutate` (Stryker with the jest runner and the TypeScript checker, over `config/`, " +
      "`constructs/` and `stacks/`, against the unit project). A mutant is one small change to the code; the " +
      "score is the share of mutants that make a test fail (or time out), among those that compile.",
    "",
    "## By part",
    "",
    ...SCORE_HEAD,
    ...parts.map(scoreRow),
    "",
    "## Goals",
    "",
    ...targets.map((t) => `- ${t.pass ? "PASS" : "FAIL"} ${t.name}: ${t.detail}`),
    "",
    "## By file",
    "",
    ...SCORE_HEAD,
    ...files.map(scoreRow),
    "",
    "## Surviving mutants",
    "",
    ...(found.length === 0
      ? ["None."]
      : [
          "Each is either equivalent (the change cannot change behaviour, so no test can fail on it), with the " +
            "reason (bench/lib/mutation-equivalents.ts), or a gap in the tests.",
          "",
          "| where | mutator | original | mutant | verdict |",
          "| --- | --- | --- | --- | --- |",
          ...survivorRows,
        ]),
    "",
    measured,
    "",
  ].join("\n");
}
