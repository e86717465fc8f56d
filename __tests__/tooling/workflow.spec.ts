/**
 * The GitHub Actions workflows under .github/workflows, checked offline: GitHub's workflow
 * schema (through the action validator), and what a schema cannot see: that the commands are
 * this project's, that the variables set are the app's settings and make a valid configuration,
 * that applies run only from the default branch, one per target at a time, never cancelled, and
 * that every step that talks to AWS has a fresh OIDC token.
 *
 * Each check is a function that returns its problems; each is run on the real workflows, and on
 * a copy of the deploy workflow broken on purpose, to show that it can fail.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type ValidationError, validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { ConfigError, loadConfig, SETTINGS } from "../../config";
import { projectCli } from "../../scripts/lib/cdk-cli";
import { commandExists } from "../../scripts/lib/process";

const ROOT = path.join(__dirname, "..", "..");
const WORKFLOWS_DIR = ".github/workflows";
const DEPLOY = `${WORKFLOWS_DIR}/deploy.yml`;
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

/** Steps that change AWS resources. */
const APPLY_RE = /\bnpm\s+run\s+(?:deploy|destroy)\b|\bcdktf\s+(?:deploy|apply|destroy|watch)\b/;
/** Steps that talk to AWS (the state included). */
const AWS_RE =
  /\bnpm\s+run\s+(?:plan|deploy|destroy|bootstrap-state)\b|\bcdktf\s+(?:diff|plan|deploy|apply|destroy|output|outputs|watch)\b/;
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
type Env = Readonly<Record<string, string | number | boolean>>;

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly env?: Env;
}

interface Job {
  readonly needs?: string | readonly string[];
  readonly if?: string;
  readonly environment?: string | { readonly name: string };
  readonly permissions?: string | Readonly<Record<string, Permission>>;
  readonly strategy?: { readonly "fail-fast"?: boolean; readonly matrix?: Readonly<Record<string, unknown>> };
  readonly concurrency?: string | { readonly group: string; readonly "cancel-in-progress"?: boolean | string };
  readonly outputs?: Readonly<Record<string, string>>;
  readonly env?: Env;
  readonly steps?: readonly Step[];
}

interface Workflow {
  readonly permissions?: string | Readonly<Record<string, Permission>>;
  readonly env?: Env;
  readonly jobs: Readonly<Record<string, Job>>;
}

interface WorkflowFile {
  /** Path from the repository's root. */
  readonly file: string;
  readonly source: string;
  readonly workflow: Workflow;
}

function readWorkflow(file: string): WorkflowFile {
  const source = fs.readFileSync(path.join(ROOT, file), "utf8");
  return { file, source, workflow: parse(source) as Workflow };
}

/** Every file in .github/workflows. */
function workflowFiles(): string[] {
  return fs
    .readdirSync(path.join(ROOT, WORKFLOWS_DIR))
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

const scripts = Object.keys(
  (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts,
);

/** The targets file, compact, as the `targets` job outputs it. Read when needed, as are the workflows: a missing file fails these tests only, not the whole unit suite. */
function targetsJson(): string {
  return JSON.stringify(JSON.parse(fs.readFileSync(path.join(ROOT, TARGETS_FILE), "utf8")));
}

function targetNames(): string[] {
  return (JSON.parse(targetsJson()) as { name: string }[]).map((t) => t.name);
}
/** The app's context in cdktf.json, which the app reads before the environment. */
const cdktfContext =
  (JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8")) as { context?: Record<string, unknown> })
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

function talksToAws(job: Job): boolean {
  return (job.steps ?? []).some((step) => AWS_RE.test(commands(step)));
}

function applies(job: Job): boolean {
  return (job.steps ?? []).some((step) => APPLY_RE.test(commands(step)));
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

/** Commands other than `npm ci`, `npm run <a script of package.json>` and `npx cdktf <command>`. */
function commandProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    for (const at of stepsOf(jobId, job)) {
      const run = commands(at.step);
      for (const [, verb, script] of run.matchAll(/(?:^|[\s;&|(])npm\s+([^\s;&|)]+)(?:\s+([^\s;&|)]+))?/g)) {
        if (verb === "run" || verb === "run-script") {
          if (!scripts.includes(script))
            problems.push(`${at.where}: npm run ${script}: no such script in package.json`);
        } else if (verb !== "ci") {
          problems.push(`${at.where}: npm ${verb}: only npm ci and npm run <script> are allowed`);
        }
      }
      for (const [, pkg, command] of run.matchAll(/(?:^|[\s;&|(])npx\s+([^\s;&|)]+)(?:\s+([^\s;&|)]+))?/g)) {
        if (pkg !== "cdktf") {
          problems.push(`${at.where}: npx ${pkg}: npx may run only cdktf`);
        } else if (command !== undefined && !command.startsWith("-") && !CDKTF_COMMANDS.includes(command)) {
          problems.push(`${at.where}: npx cdktf ${command}: not a cdktf command`);
        }
      }
    }
  }
  return problems;
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
    if (talksToAws(job) && granted["id-token"] !== "write") {
      problems.push(`${where}: jobs.${jobId} talks to AWS and needs id-token: write`);
    }
  }
  return problems;
}

/** Every job that applies: on a push to the default branch only, one per target, never cancelled. */
function applyProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs).filter(([, j]) => applies(j))) {
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
    for (const step of stepsOf(jobId, job).filter((s) => APPLY_RE.test(commands(s.step)))) {
      const target = { ...job.env, ...step.step.env }.TARGET;
      if (target !== MATRIX_TARGET || !commands(step.step).includes('--target "$TARGET"')) {
        problems.push(
          `${step.where}: must apply the matrix target only: --target "$TARGET" with TARGET ${MATRIX_TARGET}`,
        );
      }
    }
  }
  return problems;
}

/** A step that writes a fresh OIDC token for AWS to the token file, and nowhere else. */
function fetchesToken(step: Step): boolean {
  const run = commands(step);
  return (
    run.includes('"Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN"') &&
    run.includes('"$ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.amazonaws.com"') &&
    /> "\$WEB_IDENTITY_TOKEN_FILE/.test(run) &&
    !/\b(?:echo|printf|tee|cat)\b|set -x|::add-mask::/.test(run)
  );
}

/** Every step that talks to AWS comes right after a step that fetches a fresh token. */
function tokenProblems(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs).flatMap(([jobId, job]) =>
    stepsOf(jobId, job)
      .filter((at) => AWS_RE.test(commands(at.step)))
      .filter((at) => at.index === 0 || !fetchesToken(job.steps![at.index - 1]))
      .map((at) => `${at.where}: talks to AWS; the step before it must fetch a fresh OIDC token into the token file`),
  );
}

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
  for (const [jobId, job] of Object.entries(workflow.jobs).filter(([, j]) => talksToAws(j))) {
    for (const target of targetNames()) {
      const known = { "matrix.target": target, "needs.targets.outputs.json": targetsJson() };
      let fromSteps: Record<string, string> = {};
      for (const at of stepsOf(jobId, job)) {
        fromSteps = { ...fromSteps, ...githubEnvWrites(at).env };
        if (!AWS_RE.test(commands(at.step))) continue;
        const env = Object.fromEntries(
          Object.entries({ ...workflow.env, ...job.env, ...fromSteps, ...at.step.env }).map(([k, v]) => [
            k,
            resolveValue(String(v), known),
          ]),
        );
        try {
          const config = loadConfig({ context: (key) => cdktfContext[key], env, cwd: ROOT });
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

/** The step of a job that writes the destination profiles into the AWS config file. */
function profilesStep(workflow: Workflow, jobId: string): Step {
  const step = workflow.jobs[jobId].steps!.find((s) => commands(s).includes("AWS_CONFIG_FILE="));
  if (step === undefined) throw new Error(`jobs.${jobId} has no step that writes AWS_CONFIG_FILE`);
  return step;
}

/** What the step wrote, or printed when it failed. */
interface ProfilesRun {
  readonly code: number | null;
  readonly config: string;
  readonly stderr: string;
}

/**
 * Runs a job's profiles step as GitHub would (bash -eo pipefail, in the checkout, with
 * RUNNER_TEMP and GITHUB_ENV), with `targets` as .github/deploy-targets.json.
 */
function runProfilesStep(
  jobId: string,
  targets: unknown,
  variables: Readonly<Record<string, string>> = {},
): ProfilesRun {
  if (!commandExists("jq")) {
    throw new Error(
      "the workflow's profile step runs jq, as GitHub's runners have it: install jq (e.g. apt-get install jq, brew install jq)",
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-profiles-"));
  try {
    fs.mkdirSync(path.join(dir, ".github"));
    fs.writeFileSync(path.join(dir, TARGETS_FILE), JSON.stringify(targets));
    const temp = path.join(dir, "temp");
    fs.mkdirSync(temp);
    const result = spawnSync(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", "-c", profilesStep(deployWorkflow(), jobId).run!],
      {
        cwd: dir,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          RUNNER_TEMP: temp,
          GITHUB_ENV: path.join(dir, "github-env"),
          WEB_IDENTITY_TOKEN_FILE: `${RUNNER_TEMP}/web-identity-token`,
          SOURCE_ROLE_ARN: EXAMPLE_VARIABLES.SOURCE_ROLE_ARN,
          DESTINATION_ADMIN_ROLE_NAME: EXAMPLE_VARIABLES.DESTINATION_ADMIN_ROLE_NAME,
          ...variables,
        },
      },
    );
    const configFile = path.join(temp, "aws-config");
    return {
      code: result.status,
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

  it("run only npm ci, npm scripts of package.json and real cdktf commands", () => {
    for (const { file, workflow } of workflows())
      expect({ file, problems: commandProblems(workflow) }).toEqual({ file, problems: [] });
  });

  it("fail the commands check with a missing npm script, another npm or npx command, or no such cdktf command", () => {
    // GIVEN
    const deploy = deployWorkflow();
    let broken = withRun(deploy, "apply", "npm run deploy:ec2", "npm run deploy:ec3");
    broken = withRun(broken, "apply", "npm run deploy:iam", "npx cdktf aply iam-stack; npx ts-node x.ts");
    broken = withRun(broken, "plan", "npm ci", "npm install");

    // THEN
    expect(newProblems(commandProblems, broken)).toEqual([
      `${whereOf(deploy, "plan", "npm ci")}: npm install: only npm ci and npm run <script> are allowed`,
      `${whereOf(deploy, "apply", "npm run deploy:iam")}: npx cdktf aply: not a cdktf command`,
      `${whereOf(deploy, "apply", "npm run deploy:iam")}: npx ts-node: npx may run only cdktf`,
      `${whereOf(deploy, "apply", "npm run deploy:ec2")}: npm run deploy:ec3: no such script in package.json`,
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
        .filter(([, job]) => applies(job))
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
      `${whereOf(deploy, "apply", "npm run deploy:iam")}: must apply the matrix target only: --target "$TARGET" with TARGET ${MATRIX_TARGET}`,
      `${whereOf(deploy, "apply", "npm run deploy:ec2")}: must apply the matrix target only: --target "$TARGET" with TARGET ${MATRIX_TARGET}`,
    ]);
  });

  it("fetch a fresh OIDC token, without printing it, right before every step that talks to AWS", () => {
    for (const { file, workflow } of workflows())
      expect({ file, problems: tokenProblems(workflow) }).toEqual({ file, problems: [] });
  });

  it("fail the token check when a step that talks to AWS has no fresh token, or the token is printed", () => {
    // GIVEN the token step before the ec2 apply gone, and the plan's token steps printing it
    const deploy = deployWorkflow();
    const ec2Apply = deploy.jobs.apply.steps!.findIndex((step) => commands(step).includes("npm run deploy:ec2"));
    const broken = withRun(
      withJob(deploy, "apply", (job) => ({ ...job, steps: job.steps!.filter((_, i) => i !== ec2Apply - 1) })),
      "plan",
      '> "$WEB_IDENTITY_TOKEN_FILE.new"',
      '| tee "$WEB_IDENTITY_TOKEN_FILE.new"',
    );
    const noFreshToken = "talks to AWS; the step before it must fetch a fresh OIDC token into the token file";

    // THEN
    expect(newProblems(tokenProblems, broken)).toEqual([
      `${whereOf(deploy, "plan", "npm run plan:iam")}: ${noFreshToken}`,
      `${whereOf(deploy, "plan", "npm run plan:ec2")}: ${noFreshToken}`,
      `${whereOf(broken, "apply", "npm run deploy:ec2")}: ${noFreshToken}`,
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
});
