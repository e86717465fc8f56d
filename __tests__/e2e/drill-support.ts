/**
 * Helpers of the failure drills and the S3 backend test: running the project's own scripts
 * (`scripts/stack.ts`, `scripts/bootstrap-state.ts`) as users do, against a {@link LocalCloud}.
 */
import * as fs from "fs";
import * as path from "path";
import { localStateFile as stateFileIn } from "../../config";
import { LocalCloud, SandboxRunOptions } from "../../scripts/lib/local-cloud";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";
import { CommandResult, expectCommandOk, runCommand } from "../../scripts/lib/process";

const STACK_SCRIPT = path.join(PROJECT_ROOT, "scripts", "stack.ts");
const BOOTSTRAP_SCRIPT = path.join(PROJECT_ROOT, "scripts", "bootstrap-state.ts");

/** Options of {@link runStackScript}; `timeoutMs` defaults to 5 minutes. */
export interface RunScriptOptions extends SandboxRunOptions {
  /** In a process group of its own, so that a test can interrupt it as Ctrl-C does. */
  readonly detached?: boolean;
}

function log(cloud: LocalCloud, name: string, command: string, result: CommandResult): void {
  fs.appendFileSync(
    path.join(cloud.logDir, `${name}.log`),
    `$ ${command}\n${result.output}\n(exit ${result.code ?? result.signal}, ${result.elapsedMs} ms)\n`,
  );
}

/**
 * `npm run deploy:ec2 -- ...` and friends: `scripts/stack.ts <action> <stack> [args]` with the
 * sandbox's environment. Never throws for a failed run: the result says how it ended.
 */
export async function runStackScript(
  cloud: LocalCloud,
  args: readonly string[],
  options: RunScriptOptions = {},
): Promise<CommandResult> {
  const [action, stack, ...rest] = args;
  const full = [action, stack, "--output", options.outDir ?? cloud.outDir, ...rest];
  const result = await runCommand(process.execPath, ["--require", "ts-node/register", STACK_SCRIPT, ...full], {
    cwd: PROJECT_ROOT,
    env: cloud.env(options.env),
    timeoutMs: options.timeoutMs ?? 5 * 60 * 1000,
    detached: options.detached,
    onSpawn: options.onSpawn,
    onOutput: options.onOutput,
  });
  log(cloud, `stack-${action}-${stack}`, `scripts/stack.ts ${full.join(" ")}`, result);
  return result;
}

/** Like {@link runStackScript}, but throws with the output's end when the run fails. */
export async function stackScriptOk(
  cloud: LocalCloud,
  args: readonly string[],
  options: RunScriptOptions = {},
): Promise<CommandResult> {
  return expectCommandOk(`scripts/stack.ts ${args.join(" ")}`, await runStackScript(cloud, args, options));
}

/** `npm run bootstrap-state [-- args]` with the sandbox's environment. */
export async function runBootstrapState(
  cloud: LocalCloud,
  env: Readonly<Record<string, string>> = {},
  args: readonly string[] = [],
): Promise<CommandResult> {
  const result = await runCommand(process.execPath, ["--require", "ts-node/register", BOOTSTRAP_SCRIPT, ...args], {
    cwd: PROJECT_ROOT,
    env: cloud.env(env),
    timeoutMs: 2 * 60 * 1000,
  });
  log(cloud, "bootstrap-state", ["scripts/bootstrap-state.ts", ...args].join(" "), result);
  return result;
}

/** A stack's local state file. */
export function localStateFile(cloud: LocalCloud, stack: string): string {
  return stateFileIn(cloud.stateDir, stack);
}

/** The minimal shape of a Terraform state that the drills read. */
export interface TerraformState {
  readonly serial: number;
  readonly resources: readonly {
    readonly mode: string;
    readonly type: string;
    readonly instances: readonly { readonly status?: string; readonly attributes: { readonly id?: string } }[];
  }[];
  readonly outputs: Readonly<Record<string, { readonly value: unknown }>>;
}

/** A stack's local state, parsed (throws if it is not valid JSON); undefined if there is none. */
export function readLocalState(cloud: LocalCloud, stack: string): TerraformState | undefined {
  const file = localStateFile(cloud, stack);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as TerraformState) : undefined;
}

/** Ids of the EC2 instances a state records (tainted ones too). */
export function instanceIdsInState(state: TerraformState | undefined): string[] {
  return (state?.resources ?? [])
    .filter((r) => r.mode === "managed" && r.type === "aws_instance")
    .flatMap((r) => r.instances.map((i) => i.attributes.id!));
}
