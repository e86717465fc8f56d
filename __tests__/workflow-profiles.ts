/**
 * The deploy workflow's own step that writes the AWS profiles of the pipeline and of each target
 * (.github/workflows/deploy.yml, "Write the destination profiles"), run as GitHub runs it: read
 * from the workflow file, never copied, so that a test of the pipeline's sign-in uses exactly
 * the profiles the workflow writes.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { commandExists } from "../scripts/lib/process";
import { PROJECT_ROOT } from "../scripts/lib/project-root";

/** The deploy workflow, from the repository's root. */
export const DEPLOY_WORKFLOW = ".github/workflows/deploy.yml";

/** The parts of a workflow step that running it needs. */
interface RunStep {
  readonly name?: string;
  readonly run?: string;
}

/** The deploy workflow's step of `jobId` that writes AWS_CONFIG_FILE, from `source` (the workflow's YAML). */
export function profilesStepScript(jobId: string, source = readDeployWorkflow()): string {
  const workflow = parse(source) as { jobs: Record<string, { steps?: RunStep[] }> };
  const step = workflow.jobs[jobId]?.steps?.find((s) => (s.run ?? "").includes("AWS_CONFIG_FILE="));
  if (step?.run === undefined)
    throw new Error(`${DEPLOY_WORKFLOW}: jobs.${jobId} has no step that writes AWS_CONFIG_FILE`);
  return step.run;
}

/** The deploy workflow's YAML. */
export function readDeployWorkflow(): string {
  return fs.readFileSync(path.join(PROJECT_ROOT, DEPLOY_WORKFLOW), "utf8");
}

/** What a run of the profiles step did. */
export interface ProfilesStepRun {
  readonly code: number | null;
  readonly stderr: string;
  /** The variables the step added to the job's environment (its GITHUB_ENV file). */
  readonly githubEnv: Readonly<Record<string, string>>;
}

/** Options of {@link runProfilesStep}. */
export interface ProfilesStepOptions {
  /** The job whose step runs. */
  readonly jobId: string;
  /** The checkout: the step reads .github/deploy-targets.json there. */
  readonly cwd: string;
  /** The runner's temp directory, where the step writes the config file. */
  readonly runnerTemp: string;
  /** The job's variables the step reads (SOURCE_ROLE_ARN, DESTINATION_ADMIN_ROLE_NAME, WEB_IDENTITY_TOKEN_FILE). */
  readonly env: Readonly<Record<string, string>>;
  /** The workflow's YAML. @default the repository's deploy workflow */
  readonly workflowSource?: string;
}

/**
 * Runs a job's profiles step as GitHub would: bash -eo pipefail in the checkout, with
 * RUNNER_TEMP and GITHUB_ENV, and only PATH of this process's environment.
 */
export function runProfilesStep(options: ProfilesStepOptions): ProfilesStepRun {
  if (!commandExists("jq")) {
    throw new Error(
      "the workflow's profile step runs jq, as GitHub's runners have it: install jq (e.g. apt-get install jq, brew install jq)",
    );
  }
  const githubEnvFile = path.join(options.runnerTemp, "github-env");
  fs.writeFileSync(githubEnvFile, "");
  const script = profilesStepScript(options.jobId, options.workflowSource);
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    cwd: options.cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH, RUNNER_TEMP: options.runnerTemp, GITHUB_ENV: githubEnvFile, ...options.env },
  });
  const githubEnv: Record<string, string> = {};
  for (const line of fs.readFileSync(githubEnvFile, "utf8").split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) githubEnv[line.slice(0, at)] = line.slice(at + 1);
  }
  return { code: result.status, stderr: result.stderr, githubEnv };
}
