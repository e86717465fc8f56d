/**
 * `npm run deploy:iam | deploy:ec2 | destroy:ec2 | destroy:iam | destroy | plan:iam | plan:ec2`: one half of the
 * iam-stack/ec2-stack pair, or both halves in dependency order, through the real cdktf CLI (or
 * CDK Terrain's cdktn, whichever package.json lists), with the checks that plain `cdktf` leaves
 * to the user.
 *
 *   npm run deploy:iam                       cdktf deploy iam-stack (every target's, with targets)
 *   npm run deploy:ec2 -- --auto-approve     options other than the wrapper's own go to cdktf
 *   npm run deploy:ec2 -- --target prod      ec2-stack-prod only
 *   npm run destroy:iam -- --force           even though ec2-stack still has resources
 *   npm run destroy                          every ec2 stack, then every iam stack (`destroy all`)
 *   npm run plan:ec2 -- --target prod        cdktf diff ec2-stack-prod: what a deploy would change
 *
 * - Deploys or destroys one stack of a dependent pair (cdktf's --ignore-missing-stack-dependencies).
 * - Refuses to destroy iam-stack while ec2-stack's state still has resources, unless --force.
 * - Translates the raw errors users hit most (iam-stack not deployed, state locked, AWS endpoint
 *   unreachable, interrupted run) into what to do, after cdktf's own output.
 *
 * Interrupting: Ctrl-C reaches cdktf through the terminal's process group; cdktf passes it to
 * Terraform, which finishes the operations in flight and saves the state. This process ignores
 * SIGINT so that it reports how the run ended; signal the whole process group to interrupt it.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { fromTokenFile } from "@aws-sdk/credential-provider-web-identity";
import { AppConfig, ConfigError, cloudStateWorkspace, localStateFile, s3StateKey } from "../config";
import { projectCli } from "./lib/cdk-cli";
import { cliPrerequisite, sdkNodeNotice } from "./lib/node-support";
import { stripTerminalCodes } from "./lib/process";
import { loadProjectConfig } from "./lib/project-config";
import {
  cdktfRuns,
  cloudStateRead,
  cloudStateUnreadable,
  commandSelections,
  DependentResources,
  explainFailure,
  managedResources,
  outputDir,
  parseStackCommand,
  pulledState,
  refuseDestroyMessage,
  stackPairs,
  StackPairNames,
  UsageError,
} from "./lib/stack-command";
import { PROJECT_ROOT } from "./lib/project-root";

/** Makes Ctrl-C reach Terraform without cdktf abandoning it (see the module). */
const SAFE_INTERRUPT = path.join(__dirname, "lib", "cdktf-safe-interrupt.ts");
/** How much of the run's output is kept to explain a failure. */
const KEPT_OUTPUT_CHARS = 1024 * 1024;

/** A refusal whose message says what to do; the exit code is 1. */
class Refusal extends Error {}

/** Runs terraform in `cwd` with its output captured; resolves with its exit code and output. */
function runTerraform(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // cdktf runs the binary this variable names, else terraform; the guard runs the same.
  const bin = process.env.TERRAFORM_BINARY_NAME ?? "terraform";
  const child = spawn(bin, args, { cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/**
 * A stack's state in its HCP Terraform workspace, read by Terraform in the synthesized stack
 * (synthesized first if it is not there), so that its `cloud` block and sign-in apply.
 */
async function readCloudState(
  config: AppConfig,
  stack: string,
  outDir: string | undefined,
): Promise<string | undefined> {
  const read = cloudStateRead(stack, outDir);
  const workspace = cloudStateWorkspace(config.state.cloudWorkspacePrefix, stack);
  const cwd = path.resolve(PROJECT_ROOT, read.cwd);
  if (!fs.existsSync(path.join(cwd, "cdk.tf.json"))) {
    const synth = await runCdktf(["synth", ...(outDir ? ["--output", outDir] : [])]);
    if (synth.code !== 0) throw new Error(cloudStateUnreadable(stack, workspace, read, "cdktf synth failed"));
  }
  let last = "";
  for (const args of read.commands) {
    const result = await runTerraform(cwd, args);
    if (result.code !== 0) {
      const reason = stripTerminalCodes(result.stderr || result.stdout)
        .trim()
        .split("\n")
        .slice(-3)
        .join(" ");
      throw new Error(cloudStateUnreadable(stack, workspace, read, reason || `exit code ${result.code}`));
    }
    last = result.stdout;
  }
  return pulledState(last);
}

/** The JSON of a stack's state, or undefined when the stack has never been deployed. */
async function readState(config: AppConfig, stack: string, outDir?: string): Promise<string | undefined> {
  const { state } = config;
  if (state.backend === "local") {
    const file = localStateFile(state.dir, stack);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  }
  if (state.backend === "cloud") return readCloudState(config, stack, outDir);
  // Signed in as the S3 backend is: with the pipeline's OIDC token, or the state profile.
  const web = state.webIdentity;
  const s3 = new S3Client(
    web
      ? {
          region: state.region,
          credentials: fromTokenFile({
            roleArn: web.roleArn,
            webIdentityTokenFile: web.tokenFile,
            roleSessionName: "cdktf-state-check",
          }),
        }
      : { region: state.region, profile: state.profile },
  );
  try {
    const key = s3StateKey(state.keyPrefix, stack);
    const res = await s3.send(new GetObjectCommand({ Bucket: state.bucket!, Key: key }));
    return await res.Body!.transformToString();
  } catch (err) {
    if ((err as { name?: string }).name === "NoSuchKey") return undefined;
    throw err;
  } finally {
    s3.destroy();
  }
}

/** The ec2 stacks of the selected pairs that still have resources. */
async function dependentsWithResources(
  config: AppConfig,
  pairs: readonly StackPairNames[],
  outDir: string | undefined,
): Promise<DependentResources[]> {
  const dependents: DependentResources[] = [];
  for (const pair of pairs) {
    let json: string | undefined;
    try {
      json = await readState(config, pair.ec2, outDir);
    } catch (err) {
      throw new Refusal(
        `Refusing to destroy ${pair.iam}: could not read ${pair.ec2}'s state to check that it has no resources left ` +
          `(${(err as Error).message}). Fix access to the state, or run with --force to skip the check.`,
      );
    }
    const addresses = json === undefined ? [] : managedResources(json);
    if (addresses.length > 0) dependents.push({ pair, addresses });
  }
  return dependents;
}

/** Runs cdktf with the terminal's input; echoes and keeps its output. Resolves with its exit code. */
function runCdktf(args: readonly string[]): Promise<{ code: number; output: string }> {
  const env = { ...process.env };
  // Piped output turns cdktf's colours off; keep them when the user is at a terminal.
  if (process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined) env.FORCE_COLOR = "1";
  const node = ["--require", "ts-node/register", "--require", SAFE_INTERRUPT];
  const child = spawn(process.execPath, [...node, projectCli(PROJECT_ROOT).bin, ...args], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ["inherit", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer): void => {
    output += stripTerminalCodes(chunk.toString("utf8"));
    if (output.length > 2 * KEPT_OUTPUT_CHARS) output = output.slice(-KEPT_OUTPUT_CHARS);
  };
  child.stdout!.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    keep(chunk);
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    process.stderr.write(chunk);
    keep(chunk);
  });
  // Ctrl-C reaches cdktf through the process group; a second copy from here would make
  // Terraform stop at once instead of finishing what it started. Other signals are passed on.
  const ignore = (): void => undefined;
  const forward = (signal: NodeJS.Signals) => (): void => {
    child.kill(signal);
  };
  const onTerm = forward("SIGTERM");
  const onHup = forward("SIGHUP");
  process.on("SIGINT", ignore);
  process.on("SIGTERM", onTerm);
  process.on("SIGHUP", onHup);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      process.removeListener("SIGINT", ignore);
      process.removeListener("SIGTERM", onTerm);
      process.removeListener("SIGHUP", onHup);
      resolve({ code: code ?? (signal === "SIGINT" ? 130 : 1), output });
    });
  });
}

async function main(): Promise<number> {
  const command = parseStackCommand(process.argv.slice(2));
  const notice = sdkNodeNotice();
  if (notice) process.stderr.write(`${notice}\n`);
  const cliMissing = cliPrerequisite(projectCli(PROJECT_ROOT));
  if (cliMissing) throw new Refusal(`Missing prerequisite: ${cliMissing.what}\n  fix: ${cliMissing.fix}`);
  const config = loadProjectConfig();
  // `destroy all` is two runs, ec2 stacks first; a failed run stops it before the roles go.
  for (const selection of commandSelections(stackPairs(config), command)) {
    if (command.action === "destroy" && selection.kind === "iam" && !command.force) {
      const outDir = outputDir(command.passThrough) ?? process.env.CDKTF_OUTPUT;
      const dependents = await dependentsWithResources(config, selection.pairs, outDir);
      if (dependents.length > 0) throw new Refusal(refuseDestroyMessage(dependents));
    }

    for (const args of cdktfRuns(command.action, selection, command.passThrough)) {
      const { code, output } = await runCdktf(args);
      if (code !== 0) {
        // cdktf also takes its options from CDKTF_* variables, e.g. CDKTF_OUTPUT.
        const outDir = outputDir(command.passThrough) ?? process.env.CDKTF_OUTPUT;
        const explanation = explainFailure(output, { action: command.action, selection, outDir });
        if (explanation) process.stderr.write(`\n✖ ${explanation}\n`);
        return code;
      }
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || err instanceof UsageError || err instanceof Refusal) {
      process.stderr.write(`${err.message}\n`);
      process.exit(err instanceof UsageError ? 2 : 1);
    }
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
