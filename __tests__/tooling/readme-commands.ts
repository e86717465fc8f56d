/**
 * The documents' commands as a test. Every command in a shell block of README.md, CONTRIBUTING.md
 * and docs/*.md is either
 * run by an end-to-end test, as written and in the order the documents give, or listed in
 * {@link NOT_RUNNABLE} with the reason. This file is the one place for both lists:
 *
 * - readme.spec.ts checks them against the documents: a command in no list fails it, and so does a
 *   list out of the documents' order or naming a command no document has;
 * - each end-to-end test named in {@link E2E_RUNS} runs its list through a README session
 *   (e2e/readme-session.ts), which takes each command's text from the document at run time, runs
 *   it in a shell, and fails the test unless the whole list ran, in order.
 */
import * as fs from "fs";
import * as path from "path";

/** A command of a shell block in a document. */
export interface DocumentCommand {
  /** The document, relative to the project root: `README.md`, `CONTRIBUTING.md`, `docs/state.md`. */
  readonly file: string;
  /** Line of the document where the command starts (1-based). */
  readonly line: number;
  /** The command as written: without a trailing comment, continued lines joined, split at `&&`. */
  readonly command: string;
}

/**
 * The documents' commands each end-to-end test runs, by test file, in the order it runs them, which
 * must be the documents' order (README.md, CONTRIBUTING.md, then docs/*.md by name: {@link documentFiles}).
 */
export const E2E_RUNS: Readonly<Record<string, readonly string[]>> = {
  "local-run.e2e.test.ts": ["npm run local"],
  "tutorial.e2e.test.ts": [
    "npm run synth",
    "npm run deploy:iam",
    "npm run deploy:ec2",
    "npm run destroy:ec2",
    "npm run destroy:iam",
    "npm run destroy",
  ],
  "drills-order-and-endpoint.e2e.test.ts": ["npx cdktf destroy '*'"],
  "drills-interruptions.e2e.test.ts": [
    "(cd cdktf.out/stacks/ec2-stack && terraform state show aws_instance.Instance_43E3DA95 | grep ' id ')",
  ],
  "multi-target.e2e.test.ts": [
    "npm run deploy:iam",
    "npm run deploy:ec2 -- --target team-a",
    "npm run deploy:ec2",
    "npm run destroy -- --target team-a",
    "npm run destroy",
  ],
  "cdk-terrain.e2e.test.ts": [
    "npm pkg delete devDependencies.cdktf-cli",
    "npm pkg set dependencies.cdktf=npm:cdktn@0.24.0 'overrides.cdktf=$cdktf' dependencies.constructs=10.6.0 devDependencies.cdktn-cli=0.24.0",
    "npm pkg set scripts.get='cdktn get' scripts.synth='cdktn synth' engines.node='>=22.19.0 <27'",
    "npm install",
    "npm run test:unit",
    "npm run synth",
  ],
  "s3-backend.e2e.test.ts": [
    "export STATE_BUCKET=acme-cdktf-assume-role-state",
    "npm run bootstrap-state",
    "export BACKEND=s3",
    "export STATE_BUCKET=acme-cdktf-assume-role-state",
    "export STATE_KEY_PREFIX=cdktf-assume-role",
    "export STATE_REGION=us-east-1",
    "export STATE_PROFILE=source",
    "export STATE_LOCK=lockfile",
    "npm run deploy:iam -- --migrate-state",
    "npm run deploy:ec2 -- --migrate-state",
  ],
};

/** Why the test commands are not run by a test. */
const RUNS_THE_TESTS =
  "runs test suites itself, which would run this test again; CI (.ci/run) runs `npm test`, `npm run test:e2e` " +
  "and `npm run test:node-versions`, which together run every project these commands select";

/** The commands of the documents that no test runs here, and why: the one place for them. */
export const NOT_RUNNABLE: readonly { readonly command: string; readonly reason: string }[] = [
  {
    command: "npm ci",
    reason:
      "installs the project: CI (.ci/run) runs it on a clean clone before the tests; inside the tests it " +
      "would replace the node_modules they run from (the CDK Terrain test runs `npm install` in a copy)",
  },
  { command: "npm test", reason: RUNS_THE_TESTS },
  { command: "npm run test:e2e", reason: RUNS_THE_TESTS },
  {
    command: "npm run test:node-versions",
    reason:
      "installs Node 22, 24 and 26 from the npm registry and runs the unit tests and `npm run local` on each, " +
      "minutes per version; CI (.ci/run) runs it after `npm test` and `npm run test:e2e`",
  },
  { command: "npm run test:unit -- -t CrossAccountRole", reason: RUNS_THE_TESTS },
  { command: "npm run test:terraform", reason: RUNS_THE_TESTS },
  { command: "npx jest --ci __tests__/e2e/landing-zone.e2e.test.ts --selectProjects e2e", reason: RUNS_THE_TESTS },
  {
    command: "npm run mutate",
    reason:
      "runs the unit suite once per mutant, over an hour on 2 cores from scratch (its summary gives the last run's time): on demand, not in the " +
      "test commands; its results are written to bench/results/mutation.md and CONTRIBUTING.md",
  },
  {
    command: "npm run bench",
    reason:
      "a benchmark, not a test: it runs the unit suite, `npm run local` and deploys of up to 5 targets, " +
      "repeatedly, for minutes, and needs a quiet machine; its results are written to bench/results/ and " +
      "the documents' measured blocks",
  },
  {
    command:
      "aws ec2 describe-instances --profile destination --filters Name=tag:ManagedBy,Values=cdktf-assume-role " +
      "Name=instance-state-name,Values=pending,running --query 'Reservations[].Instances[].InstanceId'",
    reason:
      "needs the AWS CLI, which is not a prerequisite of this project; the drills list the running " +
      "instances through the AWS SDK instead",
  },
  {
    command:
      "aws sts get-session-token --profile source-keys --serial-number arn:aws:iam::<source account>:mfa/<your user> " +
      "--token-code 123456 --duration-seconds 43200 --query Credentials --output json",
    reason:
      "needs a real MFA device's code, and the AWS CLI; the emulator neither checks the code nor marks the " +
      "session as MFA-authenticated, so what it proves is left to the IAM engine's trust-policy specs " +
      "(__tests__/iam/trust-policy.spec.ts: with and without MFA, and MFA too old)",
  },
];

/** Languages of the fenced blocks whose lines are commands. */
const SHELL_LANGUAGES = new Set(["sh", "bash", "shell", "zsh"]);

/** Removes a trailing `# comment` (a `#` after a blank, outside quotes). */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** Splits a command line at `&&` outside quotes and parentheses: each part is a command of its own. */
function splitAtAnd(line: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let depth = 0;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === "(") {
      depth++;
    } else if (c === ")") {
      depth--;
    } else if (depth === 0 && line.startsWith("&&", i)) {
      parts.push(line.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  parts.push(line.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/** The commands of a Markdown document's shell blocks (fenced with a shell language), in order. */
export function shellCommands(markdown: string, file: string): DocumentCommand[] {
  const commands: DocumentCommand[] = [];
  const lines = markdown.split("\n");
  let fence: string | undefined;
  let shell = false;
  let pending: { line: number; text: string } | undefined;
  lines.forEach((raw, index) => {
    const opening = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(raw);
    if (fence === undefined) {
      if (opening) {
        fence = opening[1];
        shell = SHELL_LANGUAGES.has(opening[2]);
      }
      return;
    }
    if (raw.trim().startsWith(fence) && raw.trim().replace(/[`~]/g, "") === "") {
      fence = undefined;
      return;
    }
    if (!shell) return;
    const text = withoutComment(raw).trim();
    if (text === "" && !pending) return;
    const joined = pending ? `${pending.text} ${text}` : text;
    const line = pending?.line ?? index + 1;
    if (joined.endsWith("\\")) {
      pending = { line, text: joined.slice(0, -1).trim() };
      return;
    }
    pending = undefined;
    for (const command of splitAtAnd(joined)) commands.push({ file, line, command });
  });
  return commands;
}

/** The documents whose shell blocks are checked, in this order: README.md, CONTRIBUTING.md, then docs/*.md by name. */
export function documentFiles(root: string): string[] {
  const docs = fs
    .readdirSync(path.join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`);
  return ["README.md", "CONTRIBUTING.md", ...docs];
}

/** Every command of the documents' shell blocks, in the documents' order. */
export function documentCommands(root: string): DocumentCommand[] {
  return documentFiles(root).flatMap((file) => shellCommands(fs.readFileSync(path.join(root, file), "utf8"), file));
}

const where = (c: DocumentCommand): string => `${c.file}:${c.line}`;

/**
 * What is wrong with the lists, for the documents' commands; empty when every command is run by
 * an end-to-end test in the documents' order or listed as not runnable, and the lists name only
 * commands the documents have.
 */
export function coverageProblems(
  commands: readonly DocumentCommand[],
  runs: Readonly<Record<string, readonly string[]>> = E2E_RUNS,
  notRunnable: readonly { readonly command: string; readonly reason: string }[] = NOT_RUNNABLE,
): string[] {
  const problems: string[] = [];
  const run = new Set(Object.values(runs).flat());
  const skipped = new Set(notRunnable.map((n) => n.command));
  const seen = new Set<string>();
  for (const c of commands) {
    if (seen.has(c.command)) continue;
    seen.add(c.command);
    if (!run.has(c.command) && !skipped.has(c.command)) {
      problems.push(
        `${where(c)}: \`${c.command}\` is neither run by an end-to-end test nor listed as not runnable: ` +
          "run it in an end-to-end test (through its README session, and in its list in E2E_RUNS of " +
          "__tests__/tooling/readme-commands.ts), or add it to NOT_RUNNABLE there with the reason",
      );
    }
  }
  for (const [file, list] of Object.entries(runs)) {
    let at = -1;
    list.forEach((command, i) => {
      const next = commands.findIndex((c, index) => index > at && c.command === command);
      if (next >= 0) {
        at = next;
        return;
      }
      const anywhere = commands.find((c) => c.command === command);
      problems.push(
        anywhere
          ? `E2E_RUNS["${file}"] runs \`${command}\` after \`${list[i - 1]}\`, but the documents give it before ` +
              `(${where(anywhere)}): run the commands in the documents' order`
          : `E2E_RUNS["${file}"] runs \`${command}\`, which no shell block of the documents has`,
      );
    });
  }
  for (const { command, reason } of notRunnable) {
    if (!seen.has(command))
      problems.push(`NOT_RUNNABLE lists \`${command}\`, which no shell block of the documents has`);
    if (run.has(command)) problems.push(`NOT_RUNNABLE lists \`${command}\`, which an end-to-end test runs`);
    if (reason.trim() === "") problems.push(`NOT_RUNNABLE lists \`${command}\` without a reason`);
  }
  return problems;
}
