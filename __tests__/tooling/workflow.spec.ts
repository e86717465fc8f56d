/**
 * The GitHub Actions workflows under .github/workflows, checked offline: GitHub's workflow
 * schema (through the action validator), and what a schema cannot see: that every command of a
 * `run:` is on an allow-list (read as bash, npm scripts read through package.json to what they
 * run) and every action too, that the variables set are the app's settings and make a valid
 * configuration, that applies run only from the default branch, one per target at a time, never
 * cancelled, and that every command that talks to AWS (cdktf, cdktn, terraform, aws, a script of
 * scripts/, and the npm scripts that run one) has a fresh OIDC token, in a step of its own.
 *
 * Each check is a function that returns its problems; each is run on the real workflows, and on
 * a copy of the deploy workflow broken on purpose, to show that it can fail.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type ValidationError, validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { DEPLOY_WORKFLOW as DEPLOY, runProfilesStep as runWorkflowProfilesStep } from "../workflow-profiles";
import { ConfigError, loadConfig, SETTINGS } from "../../config";
import { projectCli } from "../../scripts/lib/cdk-cli";
import { readScript, type SimpleCommand, unquoted } from "./shell-commands";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";

const WORKFLOWS_DIR = ".github/workflows";
/** The targets of the deploy workflow's matrix and of the app's `targets` setting. */
const TARGETS_FILE = ".github/deploy-targets.json";

/** Environment variables the workflows set that are not settings of config.ts, and why. */
const NOT_SETTINGS: Readonly<Record<string, string>> = {
  TF_IN_AUTOMATION: "Terraform: output for automation, without hints to run terraform commands next",
  CHECKPOINT_DISABLE: "Terraform and cdktf: no version checks and no telemetry to HashiCorp",
  TARGET: "the matrix job's target name, which its steps pass to the npm scripts' --target",
  DESTINATION_ADMIN_ROLE_NAME:
    "the role in each target's account that iam-stack's destination profile assumes; the job writes the profiles",
  AWS_CONFIG_FILE: "the AWS config file with the profiles the job writes (the pipeline's and each target's)",
};

/**
 * The actions a workflow may use, and what for. An action runs code the commands check does not
 * see, and may talk to AWS (aws-actions/configure-aws-credentials would, with credentials that
 * escape the token check): a new one is added here with what it does.
 */
const ALLOWED_ACTIONS: Readonly<Record<string, string>> = {
  "actions/checkout": "checks the repository out, without keeping its token (persist-credentials: false)",
  "actions/setup-node": "installs Node.js, with npm's cache",
  "hashicorp/setup-terraform": "installs the Terraform that cdktf runs",
};

/** The permissions a workflow may grant, at most. */
const ALLOWED_PERMISSIONS: Readonly<Record<string, Permission>> = { "id-token": "write", contents: "read" };

/** The cdktf-cli version that {@link CDKTF_COMMANDS} was read from. */
const CDKTF_VERSION = "0.21.0";
/** `cdktf --help` of cdktf-cli 0.21.0: the commands and their aliases. */
const CDKTF_COMMANDS = [
  ...["init", "get", "convert", "deploy", "apply", "destroy", "diff", "plan", "list", "login"],
  ...["synth", "synthesize", "watch", "output", "outputs", "debug", "provider", "completion"],
];

/**
 * Values of the repository variables (`vars.NAME`) for the settings check: the required ones.
 * GitHub gives an unset variable as an empty string, which the app takes as not set.
 */
const EXAMPLE_VARIABLES: Readonly<Record<string, string>> = {
  SOURCE_ROLE_ARN: "arn:aws:iam::111111111111:role/github-deployer",
  STATE_BUCKET: "example-cdktf-state",
  DESTINATION_ADMIN_ROLE_NAME: "OrganizationAccountAccessRole",
};
/** The value of `$RUNNER_TEMP` for the settings check. */
const RUNNER_TEMP = "/runner/temp";

/** An s command of sed without the flags that run commands or write files. */
const SED_SUBSTITUTION = /^s(.)(?:\\.|(?!\1).)*\1(?:\\.|(?!\1).)*\1[gI\d]*$/;
const TOKEN_URL = "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.amazonaws.com";
/** curl's arguments in the token request, each an option with its value or the URL, in any order. */
const CURL_ARGUMENTS = [
  ...[["--fail"], ["--silent"], ["--show-error"], ["--retry", "3"]],
  ...[["--header", "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN"], [TOKEN_URL]],
];

/**
 * The tools a `run:` may use that never talk to AWS, each with what the workflow uses it for, and
 * for some the only arguments it may take. Every command of a `run:` is one of these, or one of
 * the commands {@link awsCommand} reads: npm ci, npm run <script>, npx cdktf, a script of
 * scripts/ through node or npx ts-node, terraform, aws. Anything else fails the commands check:
 * a new tool is added here, with why it cannot reach AWS.
 */
const SHELL_TOOLS: Readonly<Record<string, ShellTool>> = {
  echo: { why: "prints, and writes GITHUB_ENV, GITHUB_OUTPUT and the job summary" },
  "[": { why: "tests a file or a variable" },
  "[[": { why: "tests a variable against a pattern" },
  exit: { why: "fails the step" },
  continue: { why: "skips a loop's turn" },
  umask: { why: "keeps the token and the profiles to the runner's user" },
  mv: { why: "puts the fresh token in place at once" },
  jq: { why: "reads the targets file and the token's JSON (jq runs no commands)" },
  tee: { why: "keeps a plan's output for the job summary" },
  tail: { why: "keeps the end of a plan for the job summary" },
  sed: {
    why: "strips colour codes from a plan",
    // GNU sed's e command and e flag run their text as a command, w and W write files.
    refuse: (args) =>
      args.every((arg, i) => (args[i - 1] === "-e" ? SED_SUBSTITUTION.test(arg) : arg === "-e" || !arg.startsWith("-")))
        ? undefined
        : "sed may take only -e with s commands (flags g, I, a number): its e command runs commands",
  },
  curl: {
    why: "requests GitHub's OIDC token for AWS, and nothing else",
    refuse: (args) => {
      for (let i = 0; i < args.length; ) {
        const group = CURL_ARGUMENTS.find((g) => g.every((word, j) => args[i + j] === word));
        if (group === undefined) break;
        i += group.length;
        if (i === args.length && args.includes(TOKEN_URL)) return undefined;
      }
      return `curl may only request the OIDC token, with ${CURL_ARGUMENTS.map((g) => g.join(" ")).join(", ")}`;
    },
  },
};

/** cdktf commands that change resources; the others read (diff, output) or work locally. */
const CDKTF_APPLIES = ["deploy", "apply", "destroy", "watch"];
/** terraform commands that change neither resources nor the state; every other one may. */
const TERRAFORM_READS = ["init", "validate", "fmt", "version", "plan", "show", "output", "providers", "graph", "get"];
/** AWS CLI operations that only read, by AWS's naming; every other call may change something. */
const AWS_READS = /^(?:get|list|describe|head)-/;
/** How a script of scripts/ may be started: `node --require ts-node/register scripts/x.ts`. */
const NODE_OPTIONS_WITH_VALUE = ["--require", "-r", "--import", "--loader", "--experimental-loader"];
/** What `--target "$TARGET"` of the apply check is: the option, then the variable, quoted. */
const TARGET_OPTION = ["--target", '"$TARGET"'];
/** The job condition of an apply: a push, to the default branch. */
const APPLY_CONDITIONS = [
  "github.event_name == 'push'",
  "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)",
];
/** The matrix every matrix job takes from the `targets` job, which reads {@link TARGETS_FILE}. */
const TARGET_MATRIX = "${{ fromJSON(needs.targets.outputs.names) }}";
const TARGETS_JSON = "${{ needs.targets.outputs.json }}";
const MATRIX_TARGET = "${{ matrix.target }}";

type Permission = "none" | "read" | "write";

interface ShellTool {
  /** What the workflow uses it for. */
  readonly why: string;
  /** Why these arguments (quotes removed) are not allowed, or undefined when they are. */
  readonly refuse?: (args: readonly string[]) => string | undefined;
}

type Env = Readonly<Record<string, string | number | boolean>>;

interface Step {
  readonly name?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly shell?: string;
  readonly env?: Env;
}

type Defaults = { readonly run?: { readonly shell?: string } };

interface Job {
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly environment?: string | { readonly name: string };
  readonly permissions?: string | Readonly<Record<string, Permission>>;
  readonly strategy?: { readonly "fail-fast"?: boolean; readonly matrix?: Readonly<Record<string, unknown>> };
  readonly concurrency?: string | { readonly group: string; readonly "cancel-in-progress"?: boolean | string };
  readonly outputs?: Readonly<Record<string, string>>;
  readonly env?: Env;
  readonly defaults?: Defaults;
  readonly steps?: readonly Step[];
}

interface Workflow {
  readonly permissions?: string | Readonly<Record<string, Permission>>;
  readonly env?: Env;
  readonly defaults?: Defaults;
  readonly jobs: Readonly<Record<string, Job>>;
}

interface WorkflowFile {
  /** Path from the repository's root. */
  readonly file: string;
  readonly source: string;
  readonly workflow: Workflow;
}

function readWorkflow(file: string): WorkflowFile {
  const source = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");
  return { file, source, workflow: parse(source) as Workflow };
}

/** Every file in .github/workflows. */
function workflowFiles(): string[] {
  return fs
    .readdirSync(path.join(PROJECT_ROOT, WORKFLOWS_DIR))
    .sort()
    .map((name) => `${WORKFLOWS_DIR}/${name}`);
}

/** The deploy workflow, parsed anew: a copy that a test may break. */
function deployWorkflow(): Workflow {
  return readWorkflow(DEPLOY).workflow;
}

/** The deploy workflow with one of its jobs changed. */
function withJob(workflow: Workflow, id: string, change: (job: Job) => Job): Workflow {
  return { ...workflow, jobs: { ...workflow.jobs, [id]: change(workflow.jobs[id]) } };
}

/** The deploy workflow with the run command of one step of a job changed. */
function withRun(workflow: Workflow, id: string, from: string, to: string): Workflow {
  return withJob(workflow, id, (job) => ({
    ...job,
    steps: job.steps!.map((step) => (step.run?.includes(from) ? { ...step, run: step.run.replace(from, to) } : step)),
  }));
}

/** The index of the first step of a job that runs `text`. */
function stepIndex(workflow: Workflow, jobId: string, text: string): number {
  const index = workflow.jobs[jobId].steps!.findIndex((step) => commands(step).includes(text));
  if (index < 0) throw new Error(`jobs.${jobId} has no step that runs ${text}`);
  return index;
}

/** Where the first step of a job that runs `text` is, as the checks' messages name it. */
function whereOf(workflow: Workflow, jobId: string, text: string): string {
  const at = stepsOf(jobId, workflow.jobs[jobId]).find((s) => commands(s.step).includes(text));
  if (at === undefined) throw new Error(`jobs.${jobId} has no step that runs ${text}`);
  return at.where;
}

/** The problems a check finds in a broken copy of the deploy workflow and not in the workflow itself. */
function newProblems(check: (workflow: Workflow) => string[], broken: Workflow): string[] {
  const before = check(deployWorkflow());
  return check(broken).filter((problem) => !before.includes(problem));
}

/** The npm scripts of package.json, by name: what `npm run <script>` runs. */
const packageScripts = (
  JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

/** The targets file, compact, as the `targets` job outputs it. Read when needed, as are the workflows: a missing file fails these tests only, not the whole unit suite. */
function targetsJson(): string {
  return JSON.stringify(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, TARGETS_FILE), "utf8")));
}

function targetNames(): string[] {
  return (JSON.parse(targetsJson()) as { name: string }[]).map((t) => t.name);
}
/** The app's context in cdktf.json, which the app reads before the environment. */
const cdktfContext =
  (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "cdktf.json"), "utf8")) as { context?: Record<string, unknown> })
    .context ?? {};

// ---- what the checks read in a workflow -------------------------------------------------------

/** A step of a job, with where it is, for the messages. */
interface StepAt {
  readonly jobId: string;
  readonly index: number;
  readonly step: Step;
  readonly where: string;
}

function stepsOf(jobId: string, job: Job): StepAt[] {
  return (job.steps ?? []).map((step, index) => ({
    jobId,
    index,
    step,
    where: `jobs.${jobId}.steps[${index}]${step.name ? ` (${step.name})` : ""}`,
  }));
}

/** A step's shell commands, without comment lines. */
function commands(step: Step): string {
  return (step.run ?? "")
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n");
}

/** A command of a step's `run:`, as the checks take it. */
interface RunCommand {
  readonly at: StepAt;
  /** The command as the step writes it. */
  readonly text: string;
  /** What it runs, as written: for `npm run`, the command of package.json with the step's arguments. */
  readonly words: readonly string[];
  /** Talks to AWS or the state: needs a fresh token before it, valid settings, and id-token: write. */
  readonly talksToAws: boolean;
  /** May change AWS resources or the state: on the default branch only, the matrix target only. */
  readonly applies: boolean;
  /** Why it is not on the allow-list; undefined when it is. */
  readonly refused?: string;
}

const NPX_ONLY = "npx may run only cdktf, and ts-node with a script of scripts/";

/**
 * What a command that talks to AWS is, from its words without quotes: whether it may change
 * resources, and why it is refused if it is; undefined for a command that does not talk to AWS.
 * cdktf (or cdktn) runs as itself in package.json's scripts only, where npm puts it on PATH; in a
 * step, through npx cdktf.
 */
function awsCommand(
  words: readonly string[],
  inPackageScript: boolean,
): { applies: boolean; refused?: string } | undefined {
  const [name, ...args] = words;
  const cli = name === "npx" ? args[0] : path.basename(name);
  if (cli === "cdktf" || cli === "cdktn") {
    const [command, ...rest] = name === "npx" ? args.slice(1) : args;
    const how =
      name === "npx"
        ? cli === "cdktf"
          ? undefined
          : NPX_ONLY
        : inPackageScript && name === cli
          ? undefined
          : `run ${cli} through npx cdktf or an npm script`;
    if (command === undefined || [command, ...rest].every((arg) => arg.startsWith("-")))
      return { applies: false, refused: how };
    if (command.startsWith("-"))
      return { applies: true, refused: how ?? `${cli}: give the command before its options` };
    if (!CDKTF_COMMANDS.includes(command))
      return { applies: true, refused: how ?? `${command} is not a cdktf command` };
    return { applies: CDKTF_APPLIES.includes(command), refused: how };
  }
  const script = scriptOf(words);
  if (script !== undefined) {
    // scripts/stack.ts diff plans; its deploy and destroy apply, and any other script may.
    const applies = !(script.path === "scripts/stack.ts" && script.args[0] === "diff");
    return { applies, refused: script.refused };
  }
  if (path.basename(name) === "terraform") {
    const command = args.find((arg) => !arg.startsWith("-"));
    return { applies: command !== undefined && !TERRAFORM_READS.includes(command) };
  }
  if (path.basename(name) === "aws") {
    // `aws <service> <operation>`: with an option before the service, the checks take it for a change.
    const reads = args.length >= 2 && !args[0].startsWith("-") && AWS_READS.test(args[1]);
    return { applies: !reads && !(args[0] === "s3" && args[1] === "ls") };
  }
  return undefined;
}

/**
 * The script of scripts/ that a command names, and the arguments after it: refused unless the
 * command is node (with --require or --import options only) or npx ts-node. A command that names
 * one in any other way (bash scripts/x.sh) may run it, so it counts as talking to AWS too.
 */
function scriptOf(words: readonly string[]): { path: string; args: readonly string[]; refused?: string } | undefined {
  const index = words.findIndex((word) => /^(?:\.\/)?scripts\//.test(word));
  if (index < 0) return undefined;
  const [name, ...options] = words.slice(0, index);
  const throughNode =
    name === "node" &&
    options.length % 2 === 0 &&
    options.every((option, i) => i % 2 === 1 || NODE_OPTIONS_WITH_VALUE.includes(option));
  const throughTsNode = name === "npx" && options.length === 1 && options[0] === "ts-node";
  return {
    path: words[index].replace(/^\.\//, ""),
    args: words.slice(index + 1),
    refused:
      throughNode || throughTsNode
        ? undefined
        : "a script of scripts/ runs only through node --require ts-node/register, npx ts-node or an npm script",
  };
}

/** The commands of a step's `run:`, each read as the checks take it. */
function runCommands(at: StepAt): RunCommand[] {
  if (at.step.run === undefined) return [];
  const read = readScript(at.step.run);
  const text = (command: SimpleCommand): string => [...command.assignments, ...command.words].join(" ");
  const unread = read.unread.map((sentence) => ({
    at,
    text: "run",
    words: [],
    talksToAws: false,
    applies: false,
    refused: `the checks cannot read ${sentence}`,
  }));
  return [...unread, ...read.commands.flatMap((command) => readCommand(at, text(command), command, 0))];
}

/**
 * One simple command, as the checks take it: `npm run <script>` as the commands of package.json
 * it runs, with the step's arguments after the last of them, as npm passes them.
 */
function readCommand(at: StepAt, text: string, command: SimpleCommand, depth: number): RunCommand[] {
  const words = command.words.map(unquoted);
  const use = (fields: Partial<RunCommand>): RunCommand[] => [
    { at, text, words: command.words, talksToAws: false, applies: false, ...fields },
  ];
  if (command.assignments.length > 0 && command.words.length > 0)
    return use({
      refused: `sets ${command.assignments.join(" ")} for one command: set variables in env, where the checks read them`,
    });
  const upper = command.assignments.filter((a) => /^[A-Z]/.test(a));
  if (upper.length > 0)
    return use({
      refused: `sets ${upper.join(" ")} in the shell, for the commands after it: set variables in env, where the checks read them`,
    });
  if (command.words.length === 0) return [];
  if (words[0] === "npm" && (words[1] === "run" || words[1] === "run-script")) {
    const script = words[2];
    if (script === undefined || !Object.hasOwn(packageScripts, script))
      return use({ refused: `no script ${script ?? ""} in package.json` });
    if (depth > 3) return use({ refused: `npm run ${script}: npm scripts nest too deep for the checks` });
    // After the script's name: npm's options up to `--`, then what it passes on.
    const rest = command.words.slice(3);
    const dashes = rest.indexOf("--");
    const passed =
      dashes < 0
        ? rest.filter((w) => !w.startsWith("-"))
        : [...rest.slice(0, dashes).filter((w) => !w.startsWith("-")), ...rest.slice(dashes + 1)];
    const read = readScript(packageScripts[script]);
    if (read.unread.length > 0)
      return use({ refused: `the checks cannot read npm run ${script}: ${read.unread.join("; ")}` });
    return read.commands.flatMap((inner, i) =>
      readCommand(
        at,
        text,
        { ...inner, words: i === read.commands.length - 1 ? [...inner.words, ...passed] : inner.words },
        depth + 1,
      ).map((c) => ({ ...c, refused: c.refused && `${c.refused} (npm run ${script}: ${packageScripts[script]})` })),
    );
  }
  if (words[0] === "npm")
    return use(words[1] === "ci" ? {} : { refused: "only npm ci and npm run <script> are allowed" });
  const aws = awsCommand(words, depth > 0);
  if (aws !== undefined) return use({ talksToAws: true, applies: aws.applies, refused: aws.refused });
  if (words[0] === "npx") return use({ refused: NPX_ONLY });
  if (words[0] === "node") return use({ refused: "node may run only a script of scripts/" });
  const tool = Object.hasOwn(SHELL_TOOLS, words[0]) ? SHELL_TOOLS[words[0]] : undefined;
  if (tool === undefined) return use({ refused: `${words[0]} is not on the allow-list of commands (SHELL_TOOLS)` });
  return use({ refused: tool.refuse?.(words.slice(1)) });
}

/** The commands of a step that talk to AWS. */
function awsCommands(at: StepAt): RunCommand[] {
  return runCommands(at).filter((c) => c.talksToAws);
}

function talksToAws(jobId: string, job: Job): boolean {
  return stepsOf(jobId, job).some((at) => awsCommands(at).length > 0);
}

function applies(jobId: string, job: Job): boolean {
  return stepsOf(jobId, job).some((at) => awsCommands(at).some((c) => c.applies));
}

/** `echo "NAME=value" >> "$GITHUB_ENV"`: the one form of writing GITHUB_ENV the checks read. */
const GITHUB_ENV_WRITE = /^\s*echo\s+"([A-Za-z_]\w*)=([^"]*)"\s*>>\s*"\$GITHUB_ENV"\s*$/;

/** The variables a step writes to GITHUB_ENV, for the steps after it; a form not read is a problem. */
function githubEnvWrites(at: StepAt): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const line of commands(at.step)
    .split("\n")
    .filter((l) => l.includes("GITHUB_ENV"))) {
    const m = GITHUB_ENV_WRITE.exec(line);
    if (m) env[m[1]] = m[2];
    else
      problems.push(`${at.where}: writes GITHUB_ENV other than as echo "NAME=value" >> "$GITHUB_ENV": ${line.trim()}`);
  }
  return { env, problems };
}

/** Every environment variable a workflow sets: in `env` blocks and through GITHUB_ENV. */
function variablesSet(workflow: Workflow): { name: string; where: string }[] {
  const set = Object.keys(workflow.env ?? {}).map((name) => ({ name, where: "env" }));
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    set.push(...Object.keys(job.env ?? {}).map((name) => ({ name, where: `jobs.${jobId}.env` })));
    for (const at of stepsOf(jobId, job)) {
      set.push(...Object.keys(at.step.env ?? {}).map((name) => ({ name, where: `${at.where}.env` })));
      set.push(...Object.keys(githubEnvWrites(at).env).map((name) => ({ name, where: `${at.where} (GITHUB_ENV)` })));
    }
  }
  return set;
}

/** A job condition without `${{ }}`, in clauses joined by `&&`. */
function conditionClauses(condition: string | undefined): string[] {
  const bare = (condition ?? "").replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, "$1").replace(/\s+/g, " ");
  return bare.split("&&").map((clause) => clause.trim());
}

function permissionRank(permission: Permission | undefined): number {
  return permission === undefined ? -1 : ["none", "read", "write"].indexOf(permission);
}

function describeError(error: ValidationError): string {
  const where = "path" in error ? error.path || "/" : `line ${error.location?.line ?? "?"}`;
  const nested = "states" in error ? (error.states ?? []).flatMap((s) => s.errors.map(describeError)) : [];
  return [`${where}: ${error.title}${error.detail ? `: ${error.detail}` : ""}`, ...nested].join("; ");
}

// ---- the checks: each returns its problems ----------------------------------------------------

/** GitHub's workflow schema, through the action validator. */
function validatorProblems(source: string): string[] {
  return validateWorkflow(source).errors.map(describeError);
}

/**
 * Actions not pinned to a full commit SHA with the version as a comment: a tag can be moved to
 * other code; a SHA cannot. Local actions (`./`) are part of the repository.
 */
function pinProblems(source: string): string[] {
  return source
    .split("\n")
    .map((line, i) => ({ line: line.trim(), number: i + 1 }))
    .filter(({ line }) => /^(?:-\s+)?uses:/.test(line) && !/uses:\s+\.\//.test(line))
    .filter(({ line }) => !/^(?:-\s+)?uses:\s+[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s+v\d+(?:\.\d+)*$/.test(line))
    .map(({ line, number }) => `line ${number}: ${line}: pin to a full commit SHA, with # vX.Y.Z after it`);
}

/**
 * Commands that are not on the allow-list, as the step writes them: the tools of
 * {@link SHELL_TOOLS}, npm ci, npm run <a script of package.json> read as what it runs, npx cdktf
 * <a cdktf command>, a script of scripts/ through node or npx ts-node, terraform and aws. Also
 * what would hide a command from the checks: a shell other than bash, an expression that GitHub
 * pastes into the script, a form the reader does not read.
 */
function commandProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    for (const at of stepsOf(jobId, job)) {
      if (at.step.run === undefined) continue;
      const shell = at.step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell ?? "bash";
      if (shell !== "bash")
        problems.push(`${at.where}: shell ${shell}: the checks read run: as bash; run it with bash`);
      if (at.step.run.includes("${{"))
        problems.push(`${at.where}: \${{ }} in run: GitHub pastes its value into the script: pass it through env`);
      for (const command of runCommands(at).filter((c) => c.refused !== undefined))
        problems.push(`${at.where}: ${command.text}: ${command.refused}`);
    }
  }
  return problems;
}

/** Actions that are not in {@link ALLOWED_ACTIONS}. */
function actionProblems(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs).flatMap(([jobId, job]) =>
    stepsOf(jobId, job)
      .filter((at) => at.step.uses !== undefined && !Object.hasOwn(ALLOWED_ACTIONS, at.step.uses.split("@")[0]))
      .map((at) => `${at.where}: uses ${at.step.uses}: not in ALLOWED_ACTIONS, with what it does`),
  );
}

/** Upper-case variables set that are neither a setting's variable nor in {@link NOT_SETTINGS}. */
function variableProblems(workflow: Workflow): string[] {
  const settings: readonly string[] = SETTINGS.map((s) => s.env);
  const problems = Object.entries(workflow.jobs).flatMap(([jobId, job]) =>
    stepsOf(jobId, job).flatMap((at) => githubEnvWrites(at).problems),
  );
  for (const { name, where } of variablesSet(workflow)) {
    if (/^[A-Z][A-Z0-9_]*$/.test(name) && !settings.includes(name) && !(name in NOT_SETTINGS)) {
      problems.push(`${where}: ${name} is neither a setting of config.ts nor listed in NOT_SETTINGS with a reason`);
    }
  }
  return problems;
}

/** id-token: write for the jobs that talk to AWS, and nothing beyond {@link ALLOWED_PERMISSIONS}. */
function permissionProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  if (typeof workflow.permissions !== "object") {
    problems.push("permissions: must name each permission, or every job without its own gets GitHub's defaults");
  }
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    const where = job.permissions === undefined ? "permissions" : `jobs.${jobId}.permissions`;
    const granted = job.permissions ?? workflow.permissions;
    if (typeof granted !== "object") continue;
    for (const [scope, permission] of Object.entries(granted)) {
      if (permissionRank(permission) > permissionRank(ALLOWED_PERMISSIONS[scope] ?? "none")) {
        problems.push(`${where}: ${scope}: ${permission} is more than jobs.${jobId} may have`);
      }
    }
    if (talksToAws(jobId, job) && granted["id-token"] !== "write") {
      problems.push(`${where}: jobs.${jobId} talks to AWS and needs id-token: write`);
    }
  }
  return problems;
}

/** Every job that applies: on a push to the default branch only, one per target, never cancelled. */
function applyProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs).filter(([id, j]) => applies(id, j))) {
    const at = `jobs.${jobId}`;
    const clauses = conditionClauses(job.if);
    const missing = APPLY_CONDITIONS.filter((c) => !clauses.includes(c));
    if (missing.length > 0 || clauses.some((c) => c.includes("||"))) {
      problems.push(`${at}.if: must be ${APPLY_CONDITIONS.join(" && ")} (and more conditions only with &&)`);
    }
    const concurrency = job.concurrency;
    if (typeof concurrency !== "object" || concurrency["cancel-in-progress"] !== false) {
      problems.push(
        `${at}.concurrency: must set cancel-in-progress: false: a cancelled apply can leave the state behind`,
      );
    }
    const group = typeof concurrency === "object" ? concurrency.group : (concurrency ?? "");
    const environment = typeof job.environment === "object" ? job.environment.name : job.environment;
    if (!group.includes(MATRIX_TARGET) || (environment !== undefined && !group.includes(environment))) {
      problems.push(`${at}.concurrency.group: must include the target${environment ? " and the environment" : ""}`);
    }
    if (job.strategy?.matrix?.target === undefined || job.strategy["fail-fast"] !== false) {
      problems.push(
        `${at}.strategy: must have a target matrix with fail-fast: false: a failure must not cancel an apply`,
      );
    }
    let fromSteps: Record<string, string> = {};
    for (const at of stepsOf(jobId, job)) {
      const target = { ...job.env, ...fromSteps, ...at.step.env }.TARGET;
      fromSteps = { ...fromSteps, ...githubEnvWrites(at).env };
      for (const command of awsCommands(at).filter((c) => c.applies)) {
        if (target !== MATRIX_TARGET || !appliesTarget(command.words))
          problems.push(`${at.where}: ${command.text}: ${TARGET_ONLY}`);
      }
    }
  }
  return problems;
}

const TARGET_ONLY = `must apply the matrix target only: --target "$TARGET" (before any --) with TARGET ${MATRIX_TARGET}`;

/**
 * `--target "$TARGET"` in a command's own options, before any `--` (after it, scripts/stack.ts
 * passes the options on to cdktf), and no other --target.
 */
function appliesTarget(words: readonly string[]): boolean {
  const own = words.includes("--") ? words.slice(0, words.indexOf("--")) : words;
  const targets = own.flatMap((word, i) => (word === "--target" || word.startsWith("--target=") ? [i] : []));
  return targets.length > 0 && targets.every((i) => own[i] === TARGET_OPTION[0] && own[i + 1] === TARGET_OPTION[1]);
}

/** A step that always runs and writes a fresh OIDC token for AWS to the token file, and nowhere else. */
function fetchesToken(at: StepAt): boolean {
  const run = commands(at.step);
  return (
    at.step.if === undefined &&
    run.includes('"Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN"') &&
    run.includes(`"${TOKEN_URL}"`) &&
    /> "\$WEB_IDENTITY_TOKEN_FILE/.test(run) &&
    !/\b(?:echo|printf|tee|cat)\b|set -x|::add-mask::/.test(run) &&
    awsCommands(at).length === 0
  );
}

/**
 * Every command that talks to AWS is in a step right after a step that fetches a fresh token, and
 * is the only one of its step: the token is valid for minutes only.
 */
function tokenProblems(workflow: Workflow): string[] {
  const problems = Object.entries(workflow.jobs).flatMap(([jobId, job]) => {
    const steps = stepsOf(jobId, job);
    return steps.flatMap((at) => {
      const aws = awsCommands(at);
      const fresh = at.index > 0 && fetchesToken(steps[at.index - 1]);
      return [
        ...(fresh ? [] : aws.map((c) => `${at.where}: ${c.text}: ${NO_FRESH_TOKEN}`)),
        ...(aws.length > 1
          ? [
              `${at.where}: ${aws.map((c) => c.text).join("; ")}: ${aws.length} commands that talk to AWS in one step: ${ONE_A_STEP}`,
            ]
          : []),
      ];
    });
  });
  return [...new Set(problems)];
}

const NO_FRESH_TOKEN = "talks to AWS; the step before it must fetch a fresh OIDC token into the token file";
const ONE_A_STEP = "one a step, each right after a fresh token";

/** Every matrix job takes its targets from the `targets` job, which reads {@link TARGETS_FILE}. */
function matrixProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  const matrixJobs = Object.entries(workflow.jobs).filter(([, j]) => j.strategy?.matrix !== undefined);
  const reader = workflow.jobs.targets;
  const reads = (reader?.steps ?? []).some((s) => commands(s).includes(TARGETS_FILE));
  if (matrixJobs.length > 0 && (!reads || !reader.outputs?.names || !reader.outputs?.json)) {
    problems.push(`jobs.targets: must read ${TARGETS_FILE} and output its names and its JSON`);
  }
  for (const [jobId, job] of matrixJobs) {
    const needs = typeof job.needs === "string" ? [job.needs] : (job.needs ?? []);
    if (job.strategy!.matrix!.target !== TARGET_MATRIX || !needs.includes("targets")) {
      problems.push(`jobs.${jobId}.strategy.matrix.target: must be ${TARGET_MATRIX}, from ${TARGETS_FILE}`);
    }
    if (job.env?.TARGETS !== TARGETS_JSON) {
      problems.push(`jobs.${jobId}.env.TARGETS: must be ${TARGETS_JSON}, the targets of the matrix`);
    }
  }
  return problems;
}

/** `${{ ... }}` and `$RUNNER_TEMP` in a value, as GitHub would give them; unknown ones throw. */
function resolveValue(value: string, known: Readonly<Record<string, string>>): string {
  return value
    .replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
      const variable = /^vars\.([A-Za-z_]\w*)$/.exec(expression);
      if (variable) return EXAMPLE_VARIABLES[variable[1]] ?? "";
      if (expression in known) return known[expression];
      throw new Error(`the check has no value for \${{ ${expression} }}`);
    })
    .replace(/\$RUNNER_TEMP\b/g, RUNNER_TEMP);
}

/** The settings each step that talks to AWS gets make a valid configuration, for every target. */
function settingsProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs).filter(([id, j]) => talksToAws(id, j))) {
    for (const target of targetNames()) {
      const known = { "matrix.target": target, "needs.targets.outputs.json": targetsJson() };
      let fromSteps: Record<string, string> = {};
      for (const at of stepsOf(jobId, job)) {
        // What a step writes to GITHUB_ENV reaches the steps after it, not the step itself.
        const before = fromSteps;
        fromSteps = { ...fromSteps, ...githubEnvWrites(at).env };
        if (awsCommands(at).length === 0) continue;
        const env = Object.fromEntries(
          Object.entries({ ...workflow.env, ...job.env, ...before, ...at.step.env }).map(([k, v]) => [
            k,
            resolveValue(String(v), known),
          ]),
        );
        try {
          const config = loadConfig({ context: (key) => cdktfContext[key], env, cwd: PROJECT_ROOT });
          if (!config.targets.some((t) => t.name === target)) problems.push(`${at.where}: no target ${target}`);
          if (config.sourceAuth !== "web-identity") problems.push(`${at.where}: must sign in with web-identity`);
          if (config.state.backend !== "s3") problems.push(`${at.where}: must keep the state in S3`);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          problems.push(`${at.where}, target ${target}: ${err.message}`);
        }
      }
    }
  }
  return problems;
}

// ---- the destination profiles' step, run ------------------------------------------------------

/** What the step wrote, or printed when it failed. */
interface ProfilesRun {
  readonly code: number | null;
  readonly config: string;
  readonly stderr: string;
}

/**
 * Runs a job's profiles step as GitHub would (__tests__/workflow-profiles.ts), with `targets` as
 * .github/deploy-targets.json of a checkout of its own.
 */
function runProfilesStep(
  jobId: string,
  targets: unknown,
  variables: Readonly<Record<string, string>> = {},
): ProfilesRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-profiles-"));
  try {
    fs.mkdirSync(path.join(dir, ".github"));
    fs.writeFileSync(path.join(dir, TARGETS_FILE), JSON.stringify(targets));
    const temp = path.join(dir, "temp");
    fs.mkdirSync(temp);
    const result = runWorkflowProfilesStep({
      jobId,
      cwd: dir,
      runnerTemp: temp,
      env: {
        WEB_IDENTITY_TOKEN_FILE: `${RUNNER_TEMP}/web-identity-token`,
        SOURCE_ROLE_ARN: EXAMPLE_VARIABLES.SOURCE_ROLE_ARN,
        DESTINATION_ADMIN_ROLE_NAME: EXAMPLE_VARIABLES.DESTINATION_ADMIN_ROLE_NAME,
        ...variables,
      },
    });
    const configFile = path.join(temp, "aws-config");
    return {
      code: result.code,
      config: fs.existsSync(configFile) ? fs.readFileSync(configFile, "utf8") : "",
      stderr: result.stderr,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the tests --------------------------------------------------------------------------------

describe("the GitHub Actions workflows", () => {
  /** Every workflow; GitHub reads only the .yml and .yaml files there. */
  const workflows = (): WorkflowFile[] =>
    workflowFiles()
      .filter((f) => /\.ya?ml$/.test(f))
      .map(readWorkflow);

  it("are YAML files that the action validator finds no error in", () => {
    // Anything else there would be silently ignored by GitHub.
    expect(workflowFiles()).toContain(DEPLOY);
    expect(workflows().map((w) => w.file)).toEqual(workflowFiles());
    for (const { file, source } of workflows())
      expect({ file, problems: validatorProblems(source) }).toEqual({ file, problems: [] });
  });

  it("fail the validator's check with a misspelt key", () => {
    const broken = readWorkflow(DEPLOY).source.replace("runs-on:", "runs_on:");
    expect(validatorProblems(broken).join("\n")).toContain("Additional property 'runs_on' is not allowed");
  });

  it("use actions pinned to a full commit SHA, with the version in a comment", () => {
    for (const { file, source } of workflows())
      expect({ file, problems: pinProblems(source) }).toEqual({ file, problems: [] });
  });

  it("fail the pin check with an action pinned to a tag, or to a SHA without its version", () => {
    // GIVEN
    const source = readWorkflow(DEPLOY)
      .source.replace(/actions\/checkout@[0-9a-f]{40} # v[\d.]+/, "actions/checkout@v7")
      .replace(/(hashicorp\/setup-terraform@[0-9a-f]{40}) # v[\d.]+/, "$1");
    const lineOf = (text: string): number => source.split("\n").findIndex((line) => line.includes(text)) + 1;

    // THEN
    expect(pinProblems(source)).toEqual([
      `line ${lineOf("actions/checkout@v7")}: - uses: actions/checkout@v7: pin to a full commit SHA, with # vX.Y.Z after it`,
      expect.stringMatching(
        new RegExp(`^line ${lineOf("setup-terraform@")}: - uses: hashicorp/setup-terraform@[0-9a-f]{40}: pin to`),
      ),
    ]);
  });

  it("run only commands of the allow-list: its shell tools, npm ci, npm scripts, cdktf, scripts of scripts/, terraform, aws", () => {
    for (const { file, workflow } of workflows())
      expect({ file, problems: commandProblems(workflow) }).toEqual({ file, problems: [] });
  });

  it("fail the commands check with a missing npm script, another npm or npx command, or no such cdktf command", () => {
    // GIVEN
    const deploy = deployWorkflow();
    let broken = withRun(deploy, "apply", "npm run deploy:ec2", "npm run deploy:ec3");
    broken = withRun(broken, "apply", "npm run deploy:iam", "npx cdktf aply iam-stack; npx ts-node x.ts");
    broken = withRun(broken, "plan", "npm ci", "npm install");
    const args = '-- --target "$TARGET" --auto-approve';

    // THEN
    expect(newProblems(commandProblems, broken)).toEqual([
      `${whereOf(deploy, "plan", "npm ci")}: npm install: only npm ci and npm run <script> are allowed`,
      `${whereOf(deploy, "apply", "npm run deploy:iam")}: npx cdktf aply iam-stack: aply is not a cdktf command`,
      `${whereOf(deploy, "apply", "npm run deploy:iam")}: npx ts-node x.ts ${args}: ${NPX_ONLY}`,
      `${whereOf(deploy, "apply", "npm run deploy:ec2")}: npm run deploy:ec3 ${args}: no script deploy:ec3 in package.json`,
    ]);
  });

  it("fail the commands check with a command of no allow-list, naming the step and the command, npm scripts read through", () => {
    // GIVEN a step that also runs python, one that runs a command in bash -c, and an npm script that runs eslint
    const deploy = deployWorkflow();
    let broken = withRun(deploy, "targets", "{", "python3 deploy.py\n{");
    broken = withRun(broken, "plan", "npm ci", "npm ci && bash -c 'npm run deploy:ec2'");
    broken = withRun(broken, "apply", "npm ci", "npm ci; npm run lint; node bench/run.ts; sed -e '1e id' f");

    // THEN
    const where = (jobId: string, text: string): string => whereOf(deploy, jobId, text);
    expect(newProblems(commandProblems, broken)).toEqual([
      `${where("targets", TARGETS_FILE)}: python3 deploy.py: python3 is not on the allow-list of commands (SHELL_TOOLS)`,
      `${where("plan", "npm ci")}: bash -c 'npm run deploy:ec2': bash is not on the allow-list of commands (SHELL_TOOLS)`,
      `${where("apply", "npm ci")}: npm run lint: eslint is not on the allow-list of commands (SHELL_TOOLS) (npm run lint: eslint .)`,
      `${where("apply", "npm ci")}: node bench/run.ts: node may run only a script of scripts/`,
      `${where("apply", "npm ci")}: sed -e '1e id' f: sed may take only -e with s commands (flags g, I, a number): its e command runs commands`,
    ]);
  });

  it("fail the commands check with what would hide a command from it, or change a setting where it cannot see", () => {
    // GIVEN
    const deploy = deployWorkflow();
    const summary = whereOf(deploy, "plan", "GITHUB_STEP_SUMMARY");
    let broken = withJob(deploy, "targets", (job) => ({
      ...job,
      steps: job.steps!.map((step) => (step.run === undefined ? step : { ...step, shell: "python" })),
    }));
    broken = withRun(
      broken,
      "plan",
      'file="$RUNNER_TEMP',
      'echo `id` ${{ github.head_ref }}; cat <<EOF\nEOF\nfile="$RUNNER_TEMP',
    );
    broken = withRun(broken, "apply", "npm run deploy:iam", "STATE_BUCKET=other npm run deploy:iam");
    broken = withRun(broken, "apply", "npm run deploy:ec2", "BACKEND=local; npm run deploy:ec2");
    broken = withRun(broken, "apply", "npm ci", "npm ci\ncurl https://example.com\n./scripts/stack.ts diff iam-stack");

    // THEN
    const where = (jobId: string, text: string): string => whereOf(deploy, jobId, text);
    const env = "set variables in env, where the checks read them";
    expect(newProblems(commandProblems, broken)).toEqual([
      `${where("targets", TARGETS_FILE)}: shell python: the checks read run: as bash; run it with bash`,
      `${summary}: \${{ }} in run: GitHub pastes its value into the script: pass it through env`,
      `${summary}: run: the checks cannot read a \`command\` in backquotes: write $(command)`,
      `${summary}: run: the checks cannot read a heredoc (<<): write the text with echo or a file`,
      `${summary}: cat: cat is not on the allow-list of commands (SHELL_TOOLS)`,
      `${summary}: EOF: EOF is not on the allow-list of commands (SHELL_TOOLS)`,
      `${where("apply", "npm ci")}: curl https://example.com: curl may only request the OIDC token, with ${CURL_ARGUMENTS.map((g) => g.join(" ")).join(", ")}`,
      `${where("apply", "npm ci")}: ./scripts/stack.ts diff iam-stack: a script of scripts/ runs only through node --require ts-node/register, npx ts-node or an npm script`,
      `${where("apply", "npm run deploy:iam")}: STATE_BUCKET=other npm run deploy:iam -- --target "$TARGET" --auto-approve: sets STATE_BUCKET=other for one command: ${env}`,
      `${where("apply", "npm run deploy:ec2")}: BACKEND=local: sets BACKEND=local in the shell, for the commands after it: ${env}`,
    ]);
  });

  it("use only the actions of ALLOWED_ACTIONS", () => {
    for (const { file, workflow } of workflows())
      expect({ file, problems: actionProblems(workflow) }).toEqual({ file, problems: [] });
  });

  it("fail the actions check with an action not in ALLOWED_ACTIONS, such as one that signs in to AWS", () => {
    // GIVEN
    const uses = "aws-actions/configure-aws-credentials@ececac1a45f3b08a01d2dd070d28d111c5fe6722 # v4.1.0";
    const broken = withJob(deployWorkflow(), "apply", (job) => ({ ...job, steps: [...job.steps!, { uses }] }));

    // THEN
    expect(newProblems(actionProblems, broken)).toEqual([
      `jobs.apply.steps[${broken.jobs.apply.steps!.length - 1}]: uses ${uses}: not in ALLOWED_ACTIONS, with what it does`,
    ]);
  });

  it("know the commands of the project's CLI, or call no CLI directly once the project runs cdktn", () => {
    const cli = projectCli();
    if (cli.name === "cdktf") {
      const installed = JSON.parse(fs.readFileSync(require.resolve("cdktf-cli/package.json"), "utf8")) as {
        version: string;
      };
      // A new cdktf-cli may add or drop commands: read them from its `cdktf --help` into CDKTF_COMMANDS.
      expect(installed.version).toBe(CDKTF_VERSION);
    } else {
      // After the move to CDK Terrain (docs/cdk-terrain.md) the npm scripts run cdktn; `npx cdktf` would not.
      const direct = workflows().flatMap(({ file, workflow }) =>
        JSON.stringify(workflow).includes("npx cdktf") ? [file] : [],
      );
      expect(direct).toEqual([]);
    }
  });

  it("set only environment variables that are settings of config.ts, or listed with the reason", () => {
    for (const { file, workflow } of workflows())
      expect({ file, problems: variableProblems(workflow) }).toEqual({ file, problems: [] });
    // The list names only variables that some workflow sets, so that it stays short and true.
    const set = workflows().flatMap(({ workflow }) => variablesSet(workflow).map((v) => v.name));
    expect(Object.keys(NOT_SETTINGS).filter((name) => !set.includes(name))).toEqual([]);
  });

  it("fail the variables check with a variable that is no setting, or a GITHUB_ENV write it cannot read", () => {
    // GIVEN
    const deploy = deployWorkflow();
    let broken = withJob(deploy, "apply", (job) => ({ ...job, env: { ...job.env, STATE_BUCKETS: "x" } }));
    broken = withRun(broken, "plan", 'echo "WEB_IDENTITY_TOKEN_FILE=', 'printf "WEB_IDENTITY_TOKEN_FILE=');

    // THEN
    expect(newProblems(variableProblems, broken)).toEqual([
      `${whereOf(deploy, "plan", "GITHUB_ENV")}: writes GITHUB_ENV other than as echo "NAME=value" >> "$GITHUB_ENV": ` +
        'printf "WEB_IDENTITY_TOKEN_FILE=$RUNNER_TEMP/web-identity-token" >> "$GITHUB_ENV"',
      "jobs.apply.env: STATE_BUCKETS is neither a setting of config.ts nor listed in NOT_SETTINGS with a reason",
    ]);
  });

  it("give the jobs that talk to AWS id-token: write, and no job more than id-token: write and contents: read", () => {
    expect(deployWorkflow().permissions).toEqual({ "id-token": "write", contents: "read" });
    for (const { file, workflow } of workflows())
      expect({ file, problems: permissionProblems(workflow) }).toEqual({ file, problems: [] });
  });

  it("fail the permissions check without id-token: write, or with more than they need", () => {
    // GIVEN
    let broken: Workflow = { ...deployWorkflow(), permissions: { contents: "read" } };
    broken = withJob(broken, "targets", (job) => ({ ...job, permissions: { contents: "write" } }));

    // THEN
    expect(newProblems(permissionProblems, broken)).toEqual([
      "jobs.targets.permissions: contents: write is more than jobs.targets may have",
      "permissions: jobs.plan talks to AWS and needs id-token: write",
      "permissions: jobs.apply talks to AWS and needs id-token: write",
    ]);
    expect(newProblems(permissionProblems, { ...deployWorkflow(), permissions: "write-all" })).toEqual([
      "permissions: must name each permission, or every job without its own gets GitHub's defaults",
    ]);
  });

  it("apply only on a push to the default branch, one apply per target at a time, never cancelled", () => {
    expect(
      Object.entries(deployWorkflow().jobs)
        .filter(([id, job]) => applies(id, job))
        .map(([id]) => id),
    ).toEqual(["apply"]);
    for (const { file, workflow } of workflows())
      expect({ file, problems: applyProblems(workflow) }).toEqual({ file, problems: [] });
  });

  it("fail the apply check when an apply can run elsewhere than on a push to the default branch", () => {
    // GIVEN a job that plans but also deploys, and an apply on any push
    let broken = withRun(deployWorkflow(), "plan", "npm run plan:ec2", "npm run deploy:ec2");
    broken = withJob(broken, "apply", (job) => ({ ...job, if: "github.event_name == 'push'" }));

    // THEN
    expect(newProblems(applyProblems, broken)).toEqual([
      `jobs.plan.if: must be ${APPLY_CONDITIONS.join(" && ")} (and more conditions only with &&)`,
      `jobs.apply.if: must be ${APPLY_CONDITIONS.join(" && ")} (and more conditions only with &&)`,
    ]);
  });

  it("fail the apply check when applies of a target can race or be cancelled", () => {
    // GIVEN
    const deploy = deployWorkflow();
    const broken = withJob(deploy, "apply", (job) => ({
      ...job,
      concurrency: { group: "cdktf-apply", "cancel-in-progress": true },
      strategy: { matrix: job.strategy!.matrix },
      env: { ...job.env, TARGET: "prod" },
    }));

    // THEN
    expect(newProblems(applyProblems, broken)).toEqual([
      "jobs.apply.concurrency: must set cancel-in-progress: false: a cancelled apply can leave the state behind",
      "jobs.apply.concurrency.group: must include the target and the environment",
      "jobs.apply.strategy: must have a target matrix with fail-fast: false: a failure must not cancel an apply",
      `${whereOf(deploy, "apply", "npm run deploy:iam")}: npm run deploy:iam -- --target "$TARGET" --auto-approve: ${TARGET_ONLY}`,
      `${whereOf(deploy, "apply", "npm run deploy:ec2")}: npm run deploy:ec2 -- --target "$TARGET" --auto-approve: ${TARGET_ONLY}`,
    ]);
  });

  it("fail the apply check when an apply can reach another target: --target passed on to cdktf, twice, or TARGET changed", () => {
    // GIVEN --target after the wrapper's `--` (it goes to cdktf, and the wrapper deploys every target),
    // a second --target, and TARGET changed through GITHUB_ENV before a plan that applies
    const deploy = deployWorkflow();
    let broken = withRun(deploy, "apply", "npm run deploy:iam --", "npm run deploy:iam -- --");
    broken = withRun(
      broken,
      "apply",
      'deploy:ec2 -- --target "$TARGET"',
      'deploy:ec2 -- --target "$TARGET" --target=prod',
    );
    broken = withRun(broken, "plan", "npm run plan:ec2", "npm run deploy:ec2");
    broken = withRun(
      broken,
      "plan",
      'echo "WEB_IDENTITY_TOKEN_FILE=',
      'echo "TARGET=prod" >> "$GITHUB_ENV"\necho "WEB_IDENTITY_TOKEN_FILE=',
    );

    // THEN
    expect(newProblems(applyProblems, broken)).toEqual([
      `jobs.plan.if: must be ${APPLY_CONDITIONS.join(" && ")} (and more conditions only with &&)`,
      `${whereOf(deploy, "plan", "npm run plan:ec2")}: npm run deploy:ec2 -- --target "$TARGET": ${TARGET_ONLY}`,
      `${whereOf(deploy, "apply", "npm run deploy:iam")}: npm run deploy:iam -- -- --target "$TARGET" --auto-approve: ${TARGET_ONLY}`,
      `${whereOf(deploy, "apply", "npm run deploy:ec2")}: npm run deploy:ec2 -- --target "$TARGET" --target=prod --auto-approve: ${TARGET_ONLY}`,
    ]);
  });

  it("fetch a fresh OIDC token, without printing it, right before every step that talks to AWS", () => {
    for (const { file, workflow } of workflows())
      expect({ file, problems: tokenProblems(workflow) }).toEqual({ file, problems: [] });
  });

  it("fail the token check when a step that talks to AWS has no fresh token, or the token is printed or may be skipped", () => {
    // GIVEN the token step before the ec2 apply gone, the plan's token steps printing it, and the
    // apply's other token step run on a condition
    const deploy = deployWorkflow();
    const ec2Apply = stepIndex(deploy, "apply", "npm run deploy:ec2");
    let broken = withJob(deploy, "apply", (job) => ({
      ...job,
      steps: job.steps!.flatMap((step, i) =>
        i === ec2Apply - 1 ? [] : fetchesToken(stepsOf("apply", job)[i]) ? [{ ...step, if: "success()" }] : [step],
      ),
    }));
    broken = withRun(broken, "plan", '> "$WEB_IDENTITY_TOKEN_FILE.new"', '| tee "$WEB_IDENTITY_TOKEN_FILE.new"');

    // THEN
    expect(newProblems(tokenProblems, broken)).toEqual([
      `${whereOf(deploy, "plan", "npm run plan:iam")}: npm run plan:iam -- --target "$TARGET": ${NO_FRESH_TOKEN}`,
      `${whereOf(deploy, "plan", "npm run plan:ec2")}: npm run plan:ec2 -- --target "$TARGET": ${NO_FRESH_TOKEN}`,
      `${whereOf(deploy, "apply", "npm run deploy:iam")}: npm run deploy:iam -- --target "$TARGET" --auto-approve: ${NO_FRESH_TOKEN}`,
      `${whereOf(broken, "apply", "npm run deploy:ec2")}: npm run deploy:ec2 -- --target "$TARGET" --auto-approve: ${NO_FRESH_TOKEN}`,
    ]);
  });

  it("fail the token and apply checks when the ec2 apply runs scripts/stack.ts through node, without --target or a fresh token", () => {
    // GIVEN the audit's change: the ec2 apply step runs the wrapper itself, and the token step before it is gone
    const deploy = deployWorkflow();
    const direct = "node --require ts-node/register scripts/stack.ts deploy ec2-stack --auto-approve";
    const ec2Apply = stepIndex(deploy, "apply", "npm run deploy:ec2");
    const broken = withJob(deploy, "apply", (job) => ({
      ...job,
      steps: job.steps!.flatMap((step, i) =>
        i === ec2Apply - 1 ? [] : i === ec2Apply ? [{ ...step, run: direct }] : [step],
      ),
    }));
    const where = whereOf(broken, "apply", direct);

    // THEN the command is on the allow-list, as talking to AWS and applying, and fails those checks
    expect(newProblems(commandProblems, broken)).toEqual([]);
    expect(newProblems(tokenProblems, broken)).toEqual([`${where}: ${direct}: ${NO_FRESH_TOKEN}`]);
    expect(newProblems(applyProblems, broken)).toEqual([`${where}: ${direct}: ${TARGET_ONLY}`]);
  });

  it("fail the token and apply checks for a line of aws, terraform or cdktf added to a step without a fresh token", () => {
    // GIVEN the plan's summary step calling STS, its npm ci step synthesizing through an npm script
    // (cdktf synth), the apply's profiles step running terraform apply, and its npm ci step reading
    // a cdktf output in a command substitution
    const deploy = deployWorkflow();
    let broken = withRun(deploy, "plan", "for stack in", "aws sts get-caller-identity\nfor stack in");
    broken = withRun(broken, "apply", "umask 077\nif", "umask 077\nterraform apply -auto-approve\nif");
    broken = withRun(broken, "apply", "npm ci", 'npm ci\necho "id=$(npx cdktf output ec2-stack)"');
    broken = withRun(broken, "plan", "npm ci", "npm ci\nnpm run synth");
    const profiles = whereOf(deploy, "apply", "AWS_CONFIG_FILE=");
    const npmCi = whereOf(deploy, "apply", "npm ci");

    // THEN
    expect(newProblems(commandProblems, broken)).toEqual([]);
    expect(newProblems(tokenProblems, broken)).toEqual([
      `${whereOf(deploy, "plan", "npm ci")}: npm run synth: ${NO_FRESH_TOKEN}`,
      `${whereOf(deploy, "plan", "GITHUB_STEP_SUMMARY")}: aws sts get-caller-identity: ${NO_FRESH_TOKEN}`,
      `${npmCi}: npx cdktf output ec2-stack: ${NO_FRESH_TOKEN}`,
      `${profiles}: terraform apply -auto-approve: ${NO_FRESH_TOKEN}`,
    ]);
    expect(newProblems(applyProblems, broken)).toEqual([`${profiles}: terraform apply -auto-approve: ${TARGET_ONLY}`]);
  });

  it("fail the token check when one step runs two commands that talk to AWS after one token", () => {
    // GIVEN the iam apply step also applying ec2-stack
    const deploy = deployWorkflow();
    const iam = 'npm run deploy:iam -- --target "$TARGET" --auto-approve';
    const ec2 = 'npm run deploy:ec2 -- --target "$TARGET" --auto-approve';
    const broken = withRun(deploy, "apply", iam, `${iam} && ${ec2}`);

    // THEN
    expect(newProblems(tokenProblems, broken)).toEqual([
      `${whereOf(deploy, "apply", iam)}: ${iam}; ${ec2}: 2 commands that talk to AWS in one step: ${ONE_A_STEP}`,
    ]);
  });

  it(`take their targets from ${TARGETS_FILE} only`, () => {
    expect(targetNames().length).toBeGreaterThan(0);
    for (const { file, workflow } of workflows())
      expect({ file, problems: matrixProblems(workflow) }).toEqual({ file, problems: [] });
  });

  it("fail the targets check with a matrix of its own", () => {
    // GIVEN
    const broken = withJob(deployWorkflow(), "apply", (job) => ({
      ...job,
      strategy: { ...job.strategy, matrix: { target: ["staging", "prod"] } },
    }));

    // THEN
    expect(newProblems(matrixProblems, broken)).toEqual([
      `jobs.apply.strategy.matrix.target: must be ${TARGET_MATRIX}, from ${TARGETS_FILE}`,
    ]);
  });

  describe.each(["plan", "apply"])("the %s job's destination profiles", (jobId) => {
    const staging = { name: "staging", destinationProfile: "staging", destinationAccountId: "222222222222" };

    it("assume DESTINATION_ADMIN_ROLE_NAME in each target's account, from the pipeline's session", () => {
      const run = runProfilesStep(jobId, [staging]);
      expect(run).toEqual({
        code: 0,
        stderr: "",
        config: [
          "[profile pipeline]",
          `role_arn = ${EXAMPLE_VARIABLES.SOURCE_ROLE_ARN}`,
          `web_identity_token_file = ${RUNNER_TEMP}/web-identity-token`,
          "[profile staging]",
          `role_arn = arn:aws:iam::222222222222:role/${EXAMPLE_VARIABLES.DESTINATION_ADMIN_ROLE_NAME}`,
          "source_profile = pipeline",
          "",
        ].join("\n"),
      });
    });

    it("build the ARNs in the partition of SOURCE_ROLE_ARN: a role chain never leaves its partition", () => {
      const run = runProfilesStep(jobId, [staging], {
        SOURCE_ROLE_ARN: "arn:aws-us-gov:iam::111111111111:role/github-deployer",
      });
      expect(run.stderr).toBe("");
      expect(run.config).toContain(
        `role_arn = arn:aws-us-gov:iam::222222222222:role/${EXAMPLE_VARIABLES.DESTINATION_ADMIN_ROLE_NAME}\n`,
      );
      expect(run.config).not.toContain("arn:aws:");
    });

    it.each([
      [
        "without destinationProfile",
        { name: "dev", destinationAccountId: "444444444444" },
        "target dev: destinationProfile is not set in .github/deploy-targets.json",
      ],
      [
        "without destinationAccountId",
        { name: "dev", destinationProfile: "dev" },
        "target dev: destinationAccountId null in .github/deploy-targets.json must be a 12-digit account id",
      ],
      [
        "with a destinationAccountId that is no account id",
        { name: "dev", destinationProfile: "dev", destinationAccountId: "4444" },
        'target dev: destinationAccountId "4444" in .github/deploy-targets.json must be a 12-digit account id',
      ],
    ])("fail, naming the setting, for a target %s, and write no profile for it", (_, target, message) => {
      const run = runProfilesStep(jobId, [staging, target]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(message);
      expect(run.config).not.toMatch(/\bnull\b/);
    });

    it("fail, naming the variable, without DESTINATION_ADMIN_ROLE_NAME or with a SOURCE_ROLE_ARN that is no role ARN", () => {
      const noRole = runProfilesStep(jobId, [staging], { DESTINATION_ADMIN_ROLE_NAME: "" });
      expect(noRole.code).not.toBe(0);
      expect(noRole.stderr).toContain("DESTINATION_ADMIN_ROLE_NAME");
      const badSource = runProfilesStep(jobId, [staging], { SOURCE_ROLE_ARN: "github-deployer" });
      expect(badSource.code).not.toBe(0);
      expect(badSource.stderr).toContain('SOURCE_ROLE_ARN "github-deployer" must be an IAM role ARN');
    });
  });

  it("give every step that talks to AWS valid settings, signed in with web-identity and the state in S3, for every target", () => {
    for (const { file, workflow } of workflows())
      expect({ file, problems: settingsProblems(workflow) }).toEqual({ file, problems: [] });
  });

  it("fail the settings check when a setting the app needs is not passed", () => {
    // GIVEN the apply job without the state bucket
    const broken = withJob(deployWorkflow(), "apply", (job) => ({
      ...job,
      env: Object.fromEntries(Object.entries(job.env!).filter(([name]) => name !== "STATE_BUCKET")),
    }));

    // THEN one problem for each of its two AWS steps and each target
    const problems = newProblems(settingsProblems, broken);
    expect(problems).toHaveLength(2 * targetNames().length);
    for (const problem of problems)
      expect(problem).toMatch(/^jobs\.apply\.steps\[\d+\] .*: Invalid setting: stateBucket /);
  });
  describe("run: read as bash", () => {
    const texts = (script: string): string[] =>
      readScript(script).commands.map((c) => [...c.assignments, ...c.words].join(" "));

    it("finds every simple command: in lists, pipelines, compound commands and command substitutions", () => {
      const script = [
        'if ! [[ "$A" =~ ^arn:(aws[a-z-]*):x ]]; then exit 1; fi # exit 2',
        "for s in iam-stack ec2-stack; do",
        '  x="$(jq -r \'.a | .b\' f.json)" && echo "n=$(terraform output -raw id)" >> "$GITHUB_ENV" || true',
        "done",
        "{",
        "  curl --fail \\",
        '    "$URL" | jq .value > "$F.new" 2>&1',
        '} >> "$OUT"',
      ].join("\n");
      expect(readScript(script).unread).toEqual([]);
      expect(texts(script)).toEqual([
        '[[ "$A" =~ ^arn:(aws[a-z-]*):x ]]',
        "exit 1",
        "jq -r '.a | .b' f.json",
        "x=\"$(jq -r '.a | .b' f.json)\"",
        "terraform output -raw id",
        'echo "n=$(terraform output -raw id)"',
        "true",
        'curl --fail "$URL"',
        "jq .value",
      ]);
    });

    it("reports what it does not read: a heredoc, backquotes, a quote or a $( left open", () => {
      expect(readScript("cat <<EOF\nx\nEOF").unread).toEqual(["a heredoc (<<): write the text with echo or a file"]);
      expect(readScript("echo `aws sts get-caller-identity`").unread).toEqual([
        "a `command` in backquotes: write $(command)",
      ]);
      expect(readScript("echo 'x").unread).toEqual(["a ' without its closing quote"]);
      expect(readScript('echo "$(aws s3 ls"').unread).toContain("a $( without its )");
      expect(readScript('jq . <<< "$X"').unread).toEqual([]);
    });

    it("takes a word's quotes and backslashes away, without expanding it", () => {
      expect(['"$TARGET"', "'a b'\\ c", '"a\\"b\\n"', "x'\"'"].map(unquoted)).toEqual([
        "$TARGET",
        "a b c",
        'a"b\\n',
        'x"',
      ]);
    });
  });
});
