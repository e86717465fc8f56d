import * as fs from "fs";
import * as path from "path";
import {
  markers,
  MUTATION_BLOCK,
  PERFORMANCE_BLOCK,
  README_BLOCKS,
  readBlock,
  SCALE_BLOCK,
} from "../bench/lib/readme-blocks";
import { README_SETTINGS_MARKERS } from "../scripts/lib/settings-docs";
import { coverageProblems, documentCommands, E2E_RUNS, NOT_RUNNABLE, shellCommands } from "./readme-commands";

const ROOT = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;

describe("README", () => {
  it("names only npm scripts that exist", () => {
    const named = [...readme.matchAll(/npm run ([a-z][\w:-]*)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const name of new Set(named)) expect(Object.keys(scripts)).toContain(name);
  });

  it("gives `npm test` as the test command, and it runs lint, format check, type-check and jest in CI mode", () => {
    expect(readme).toContain("npm test ");
    expect(scripts.test).toContain("npm run lint");
    expect(scripts.lint).toMatch(/^eslint /);
    expect(scripts.test).toContain("npm run format:check");
    expect(scripts["format:check"]).toMatch(/^prettier --check /);
    expect(scripts.test).toContain("npm run typecheck");
    expect(scripts.typecheck).toBe("tsc --noEmit");
    expect(scripts.test).toMatch(/jest --ci/);
  });

  it("links only documents that exist", () => {
    const links = [...readme.matchAll(/\]\(((?:docs|bench)\/[^)#]+)\)/g)].map((m) => m[1]);
    // The pattern must find README's links, or the check below passes on nothing.
    expect(links).toEqual(expect.arrayContaining(["docs/least-privilege.md", "bench/results/latest.md"]));
    for (const link of links) expect(fs.existsSync(path.join(ROOT, link))).toBe(true);
  });
});

describe("README's commands", () => {
  const commands = documentCommands(ROOT);

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
        "__tests__/readme-commands.ts), or add it to NOT_RUNNABLE there with the reason",
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
      const source = fs.readFileSync(path.join(ROOT, "__tests__", "e2e", file), "utf8");
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

describe("README's measured figures", () => {
  /** The date a block or a results file says it was measured. */
  const measuredAt = (text: string): string | undefined => /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)/.exec(text)?.[1];
  const results = (name: string): string => fs.readFileSync(path.join(ROOT, "bench", "results", name), "utf8");

  // A block is empty until its command first runs; once written, it says when it was measured.
  it.each(README_BLOCKS.map((b) => [b.name, b]))("%s: written by its command, dated", (_name, block) => {
    const content = readBlock(readme, block);
    if (content !== "") expect(measuredAt(content)).toBeDefined();
  });

  it("has figures only in the blocks a command writes, and every block once", () => {
    for (const block of README_BLOCKS) {
      const { begin, end } = markers(block);
      expect(readme.split(begin)).toHaveLength(2);
      expect(readme.split(end)).toHaveLength(2);
    }
    // Besides the measured blocks, README has the settings block (its spec: settings-docs.spec.ts).
    expect(readme.split(README_SETTINGS_MARKERS.begin)).toHaveLength(2);
    expect([...readme.matchAll(/<!-- ([\w ]+): begin, written by/g)].map((m) => m[1]).sort()).toEqual(
      [...README_BLOCKS.map((b) => b.name), "settings"].sort(),
    );
  });

  it.each([
    [PERFORMANCE_BLOCK.name, "latest.md", PERFORMANCE_BLOCK],
    [SCALE_BLOCK.name, "scale.md", SCALE_BLOCK],
    [MUTATION_BLOCK.name, "mutation.md", MUTATION_BLOCK],
  ] as const)("%s: the same run as bench/results/%s", (_name, file, block) => {
    const content = readBlock(readme, block);
    const written = fs.existsSync(path.join(ROOT, "bench", "results", file));
    // Both are written by one run, or neither yet.
    expect(content === "").toBe(!written);
    if (written) expect(measuredAt(content)).toBe(measuredAt(results(file)));
  });
});
