/**
 * The settings reference, written from the settings' declarations: docs/settings.md, and the
 * table of the settings most users change in README.md (between markers). `npm run
 * docs:settings` writes both; a unit test checks that both are what this module writes.
 */
import { SETTING_GROUPS } from "../../config";
import { DefaultDoc } from "../../config/setting";

/** The markers of README's block of common settings. */
export const README_SETTINGS_MARKERS = {
  begin: "<!-- settings: begin, written by `npm run docs:settings` -->",
  end: "<!-- settings: end -->",
} as const;

/** A declared setting as the docs show it. */
interface SettingRow {
  readonly key: string;
  readonly env: string;
  readonly defaultDoc: DefaultDoc;
  readonly allowed: string;
  readonly description: string;
  readonly perTarget: boolean;
  readonly common: boolean;
}

function rowsOf(settings: Readonly<Record<string, SettingRowSource>>): SettingRow[] {
  return Object.entries(settings).map(([key, s]) => ({
    key,
    env: s.env,
    defaultDoc: s.defaultDoc,
    allowed: s.allowed,
    description: s.description,
    perTarget: s.isPerTarget,
    common: s.isCommon,
  }));
}

/** What the docs read of a declaration. */
interface SettingRowSource {
  readonly env: string;
  readonly defaultDoc: DefaultDoc;
  readonly allowed: string;
  readonly description: string;
  readonly isPerTarget: boolean;
  readonly isCommon: boolean;
}

const GROUPS = SETTING_GROUPS.map((g) => ({ title: g.title, intro: g.intro, rows: rowsOf(g.settings) }));

/** A value as code: `"a"` as `a`, lists as `a`, `b`. */
function code(value: unknown): string {
  if (Array.isArray(value)) return value.map(code).join(", ");
  return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}

/** How a default reads in a table: the value as code and its note, or the note, or "none". */
function defaultCell({ value, note }: DefaultDoc): string {
  const empty =
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && value !== null && Object.keys(value).length === 0);
  if (empty) return note ?? "none";
  return note === undefined ? code(value) : `${code(value)} ${note}`;
}

/** A table cell: pipes escaped, so that a sentence cannot split the row. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** A Markdown table laid out as Prettier lays it out, so that `prettier --check` agrees. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const all = [header, ...rows].map((r) => r.map(cell));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r: readonly string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(all[0]), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...all.slice(1).map(line)];
}

/** An example of the message of an invalid value, from the declaration of `instanceType`. */
function exampleMessage(): string {
  const instanceType = GROUPS.flatMap((g) => g.rows).find((r) => r.key === "instanceType")!;
  return `Invalid setting: instanceType (env ${instanceType.env}) is "t2micro"; ${instanceType.allowed}`;
}

/** docs/settings.md: every setting, by group. */
export function settingsReference(): string {
  const lines = [
    "# Settings",
    "",
    "<!-- Written by `npm run docs:settings` from the declarations in config/settings/: change those, then run it. -->",
    "",
    "The app has one typed, validated settings object (`config/`). Sources, later wins: each setting's",
    "default, the `context` block of `cdktf.json`, environment variables. Lists are JSON arrays in",
    "`cdktf.json` and comma-separated in the environment; tags are a JSON object or",
    "`key=value,key=value`. Every invalid value stops synth before anything is deployed, with a message",
    "that names the setting, where the value came from, the value and what is allowed; all problems are",
    "reported at once, e.g.",
    "",
    "```text",
    exampleMessage(),
    "```",
    "",
    'A setting marked "per target" can also be set in an entry of `targets`, for that target only.',
    "",
    "The local run and the tests use only these settings, `TF_PROVIDER_MIRROR` and `TF_PLUGIN_CACHE_DIR`",
    "([where the provider comes from](installing.md#where-the-aws-provider-comes-from)) and `MOTO_PYTHON`",
    "(the Python with moto, default `python3`).",
  ];
  for (const group of GROUPS) {
    lines.push("", `## ${group.title}`, "", group.intro, "");
    lines.push(
      ...table(
        ["setting (`cdktf.json` context)", "environment variable", "default", "per target", "what it does", "allowed"],
        group.rows.map((r) => [
          code(r.key),
          code(r.env),
          defaultCell(r.defaultDoc),
          r.perTarget ? "yes" : "no",
          r.description,
          // As code: the sentence is the one the messages end with, word for word.
          code(r.allowed),
        ]),
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Links of a docs/ page as README, one folder up, needs them. */
function linksFromReadme(markdown: string): string {
  return markdown.replace(/\]\(\.\.\/README\.md#/g, "](#").replace(/\]\((?!https?:|#|\.\.\/)([^)]+)\)/g, "](docs/$1)");
}

/** README's block: the settings most users change (declared `.common()`), with their defaults. */
export function commonSettingsBlock(): string {
  const rows = GROUPS.flatMap((g) => g.rows).filter((r) => r.common);
  return table(
    ["setting (`cdktf.json` context)", "environment variable", "default", "what it does"],
    rows.map((r) => [code(r.key), code(r.env), defaultCell(r.defaultDoc), linksFromReadme(r.description)]),
  ).join("\n");
}

/** `readme` with its settings block replaced by `block`; throws when the markers are missing. */
export function withSettingsBlock(readme: string, block: string): string {
  const { begin, end } = README_SETTINGS_MARKERS;
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no "${begin}" ... "${end}" block`);
  return `${readme.slice(0, from + begin.length)}\n\n${block}\n\n${readme.slice(to)}`;
}
