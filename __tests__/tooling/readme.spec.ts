import * as fs from "fs";
import * as path from "path";
import {
  markers,
  MUTATION_BLOCK,
  PERFORMANCE_BLOCK,
  DOC_BLOCKS,
  readBlock,
  SCALE_BLOCK,
} from "../../scripts/lib/doc-blocks";
import {
  coverageProblems,
  documentCommands,
  documentFiles,
  E2E_RUNS,
  NOT_RUNNABLE,
  shellCommands,
} from "./readme-commands";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";

const read = (file: string): string => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
const readme = read("README.md");
/** The documents whose commands are checked (README.md, CONTRIBUTING.md, docs/*.md), and bench/README.md. */
const documents = [...documentFiles(PROJECT_ROOT), "bench/README.md"];
const scripts = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")).scripts as Record<
  string,
  string
>;

describe("README", () => {
  it("names only npm scripts that exist, in every document", () => {
    const named = documents.flatMap((file) =>
      [...read(file).matchAll(/npm run ([a-z][\w:-]*)/g)].map((m) => ({ file, name: m[1] })),
    );
    // The pattern must find the documents' scripts, or the check passes on nothing.
    expect(named.filter((n) => n.file === "README.md").length).toBeGreaterThan(0);
    const missing = new Set(named.filter((n) => !(n.name in scripts)).map((n) => `${n.file}: npm run ${n.name}`));
    expect([...missing]).toEqual([]);
  });

  it("gives `npm test`, `npm run test:e2e` and `npm run test:node-versions` as the test commands", () => {
    expect(readme).toContain("npm test ");
    expect(readme).toContain("npm run test:e2e ");
    expect(readme).toContain("npm run test:node-versions ");
    expect(scripts.test).toContain("npm run lint");
    expect(scripts.lint).toMatch(/^eslint /);
    expect(scripts.test).toContain("npm run format:check");
    expect(scripts["format:check"]).toMatch(/^prettier --check /);
    expect(scripts.test).toContain("npm run typecheck");
    expect(scripts.typecheck).toBe("tsc --noEmit");
    expect(scripts.test).toMatch(/jest --ci/);
  });

  it("links only documents and headings that exist, in every document", () => {
    const broken: string[] = [];
    let checked = 0;
    for (const file of documents) {
      for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [linked, anchor] = target.split("#");
        const resolved = linked === "" ? file : path.join(path.dirname(file), linked);
        checked++;
        if (!fs.existsSync(path.join(PROJECT_ROOT, resolved))) broken.push(`${file}: ${target}`);
        else if (anchor !== undefined && resolved.endsWith(".md") && !headingAnchors(read(resolved)).has(anchor))
          broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    // The pattern must find the documents' links, or the check passes on nothing.
    expect(checked).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });

  it("finds headings by the anchors GitHub gives them, outside code blocks, numbering repeats", () => {
    const markdown = [
      "# Landing zones: no default VPC, SCPs, EBS keys",
      "## The least-privilege policy (`PERMISSIONS=least-privilege`)",
      "```sh",
      "# a comment, not a heading",
      "```",
      "## Settings",
      "## Settings",
    ].join("\n");

    expect([...headingAnchors(markdown)]).toEqual([
      "landing-zones-no-default-vpc-scps-ebs-keys",
      "the-least-privilege-policy-permissionsleast-privilege",
      "settings",
      "settings-1",
    ]);
  });
});

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, blanks as dashes. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

describe("README's commands", () => {
  const commands = documentCommands(PROJECT_ROOT);

  it("are each run by an end-to-end test, in the documents' order, or listed as not runnable with the reason", () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(coverageProblems(commands)).toEqual([]);
  });

  it("fail the check when a document gains a command that no test runs and no list excuses", () => {
    // GIVEN README with one more command
    const extra = shellCommands("```sh\nnpm run deploy:everything   # new\n```\n", "README.md").map((c) => ({
      ...c,
      line: 999,
    }));

    // WHEN
    const problems = coverageProblems([...commands, ...extra]);

    // THEN
    expect(problems).toEqual([
      "README.md:999: `npm run deploy:everything` is neither run by an end-to-end test nor listed as not runnable: " +
        "run it in an end-to-end test (through its README session, and in its list in E2E_RUNS of " +
        "__tests__/tooling/readme-commands.ts), or add it to NOT_RUNNABLE there with the reason",
    ]);
  });

  it("fail the check when a test runs them out of the documents' order, or runs one no document has", () => {
    const runs = {
      ...E2E_RUNS,
      "tutorial.e2e.test.ts": ["npm run destroy:iam", "npm run destroy:ec2", "npm run gone"],
    };

    expect(coverageProblems(commands, runs).filter((p) => p.startsWith('E2E_RUNS["tutorial'))).toEqual([
      expect.stringMatching(
        /^E2E_RUNS\["tutorial\.e2e\.test\.ts"\] runs `npm run destroy:ec2` after `npm run destroy:iam`, but the documents give it before \(README\.md:\d+\): run the commands in the documents' order$/,
      ),
      'E2E_RUNS["tutorial.e2e.test.ts"] runs `npm run gone`, which no shell block of the documents has',
    ]);
  });

  it("fail the check when the not-runnable list names a command no document has, or one a test runs", () => {
    const notRunnable = [
      ...NOT_RUNNABLE,
      { command: "npm run gone", reason: "x" },
      { command: "npm run synth", reason: "y" },
    ];

    expect(coverageProblems(commands, E2E_RUNS, notRunnable)).toEqual([
      "NOT_RUNNABLE lists `npm run gone`, which no shell block of the documents has",
      "NOT_RUNNABLE lists `npm run synth`, which an end-to-end test runs",
    ]);
  });

  it("name only end-to-end test files that exist and run their list through a README session", () => {
    for (const file of Object.keys(E2E_RUNS)) {
      const source = fs.readFileSync(path.join(PROJECT_ROOT, "__tests__", "e2e", file), "utf8");
      expect(source).toMatch(/Session\(/);
      expect(source).toContain(".expectAllRun()");
    }
  });

  it("are read from shell blocks only: comments dropped, continued lines joined, `&&` split outside parentheses", () => {
    const markdown = [
      "```json",
      '{ "not": "a command" }',
      "```",
      "1. A step:",
      "",
      "   ```sh",
      "   # a comment line",
      "   npm ci && npm run local   # two commands",
      "   aws ec2 describe-instances \\",
      "     --query 'a # b'",
      "   (cd out && terraform plan)",
      "   ```",
      "```text",
      "npm run not-a-command",
      "```",
    ].join("\n");

    expect(shellCommands(markdown, "doc.md")).toEqual([
      { file: "doc.md", line: 8, command: "npm ci" },
      { file: "doc.md", line: 8, command: "npm run local" },
      { file: "doc.md", line: 9, command: "aws ec2 describe-instances --query 'a # b'" },
      { file: "doc.md", line: 11, command: "(cd out && terraform plan)" },
    ]);
  });
});

describe("the documents' measured figures", () => {
  /** The date a block or a results file says it was measured. */
  const measuredAt = (text: string): string | undefined => /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)/.exec(text)?.[1];
  const results = (name: string): string => fs.readFileSync(path.join(PROJECT_ROOT, "bench", "results", name), "utf8");
  /** Blocks of generated text, not measured figures: written from config.ts by their own command. */
  const GENERATED = new Set(["settings"]);

  // A block is empty until its command first runs; once written, it says when it was measured.
  it.each(DOC_BLOCKS.map((b) => [`${b.file}: ${b.name}`, b]))("%s: written by its command, dated", (_name, block) => {
    const content = readBlock(read(block.file), block);
    if (content !== "") expect(measuredAt(content)).toBeDefined();
  });

  it.each(["README.md", "CONTRIBUTING.md"])(
    "%s has figures only in the blocks a command writes, and each of its blocks once",
    (file) => {
      const text = read(file);
      const blocks = DOC_BLOCKS.filter((b) => b.file === file);
      for (const block of blocks) {
        const { begin, end } = markers(block);
        expect(text.split(begin)).toHaveLength(2);
        expect(text.split(end)).toHaveLength(2);
      }
      const found = [...text.matchAll(/^<!-- ([\w ]+): begin, written by/gm)]
        .map((m) => m[1])
        .filter((n) => !GENERATED.has(n));
      expect(found.sort()).toEqual(blocks.map((b) => b.name).sort());
    },
  );

  it.each([
    [PERFORMANCE_BLOCK.name, "latest.md", PERFORMANCE_BLOCK],
    [SCALE_BLOCK.name, "scale.md", SCALE_BLOCK],
    [MUTATION_BLOCK.name, "mutation.md", MUTATION_BLOCK],
  ] as const)("%s: the same run as bench/results/%s", (_name, file, block) => {
    const content = readBlock(read(block.file), block);
    const written = fs.existsSync(path.join(PROJECT_ROOT, "bench", "results", file));
    // Both are written by one run, or neither yet.
    expect(content === "").toBe(!written);
    if (written) expect(measuredAt(content)).toBe(measuredAt(results(file)));
  });
});
