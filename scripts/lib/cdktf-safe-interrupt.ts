/**
 * Preloaded into the cdktf (or cdktn) CLI by `scripts/stack.ts` (`node --require`): makes an interrupt safe.
 *
 * cdktf 0.21 runs Terraform in a pseudo-terminal of its own and answers SIGINT or SIGTERM by
 * aborting: it types Ctrl-C into that terminal and exits at once. Terraform, which was finishing
 * the operations in flight as it should, then loses its terminal and dies (SIGHUP) before it
 * records them: an instance that was being created keeps running in AWS but is missing from the
 * state, and the next deploy creates a second one. (Seen in the interrupted-deploy drill.)
 *
 * Here cdktf never sees those signals. They go to the Terraform processes cdktf started, and
 * cdktf carries on: it waits for Terraform, which stops gracefully (the resource being created
 * is saved, tainted if it was not finished), and reports the failed run as usual. A second
 * Ctrl-C makes Terraform stop at once, as in a plain terminal. With no Terraform running (e.g.
 * during synth), the signal ends cdktf.
 *
 * CDK Terrain's CLI (cdktn) runs Terraform as a plain child process instead, in its own process
 * group: a terminal's Ctrl-C reaches Terraform and cdktn at once, and cdktn then kills Terraform
 * (a second signal, so Terraform stops at once). Here Terraform starts in a process group of its
 * own, as under cdktf's pseudo-terminal, and gets the signal once, from this module.
 */
import { ChildProcess, SpawnOptions } from "child_process";
import { createRequire } from "module";
import * as path from "path";

/** What is needed of a running Terraform: node-pty's terminal under cdktf, a child process under cdktn. */
interface Running {
  kill(signal?: NodeJS.Signals): unknown;
}

/** The part of node-pty's terminal used here. */
interface Pty extends Running {
  onExit(listener: () => void): unknown;
}

type SpawnPty = (...args: unknown[]) => Pty;

const running = new Set<Running>();

// The modules the CLI itself loads: resolved from the CLI script that this process runs.
const requireAsCli = createRequire(path.resolve(process.argv[1] ?? __filename));

/** cdktf 0.21 runs Terraform in node-pty's pseudo-terminal: record each terminal. */
function trackPseudoTerminals(ptyModule: { spawn: SpawnPty }): void {
  const spawnPty = ptyModule.spawn;
  ptyModule.spawn = (...args: unknown[]): Pty => {
    const pty = spawnPty(...args);
    running.add(pty);
    pty.onExit(() => running.delete(pty));
    return pty;
  };
}

/** cdktn spawns Terraform through `child_process.spawn`: give it a process group of its own, and record it. */
function trackTerraformChildren(): void {
  // The module object itself, whose `spawn` cdktn calls at run time (an import would be a copy).
  const childProcess = requireAsCli("child_process") as typeof import("child_process");
  const terraform = process.env.TERRAFORM_BINARY_NAME ?? "terraform";
  const spawn = childProcess.spawn;
  const patched = (command: string, ...rest: unknown[]): ChildProcess => {
    if (path.basename(command) !== terraform) return (spawn as (...a: unknown[]) => ChildProcess)(command, ...rest);
    const [args, options] = Array.isArray(rest[0]) ? [rest[0], rest[1]] : [[], rest[0]];
    const child = spawn(command, args as string[], { ...(options as SpawnOptions), detached: true });
    running.add(child);
    child.once("exit", () => running.delete(child));
    return child;
  };
  childProcess.spawn = patched as typeof childProcess.spawn;
}

/** node-pty as the CLI loads it; undefined under cdktn, which does not use it. */
function cliPtyModule(): { spawn: SpawnPty } | undefined {
  try {
    return requireAsCli("@cdktf/node-pty-prebuilt-multiarch") as { spawn: SpawnPty };
  } catch {
    return undefined;
  }
}

const ptyModule = cliPtyModule();
if (ptyModule) trackPseudoTerminals(ptyModule);
else trackTerraformChildren();

const HANDLED: readonly string[] = ["SIGINT", "SIGTERM"];

function pass(signal: NodeJS.Signals): void {
  if (running.size === 0) process.exit(signal === "SIGINT" ? 130 : 143);
  for (const terraform of running) terraform.kill(signal);
}

for (const signal of HANDLED as NodeJS.Signals[]) process.on(signal, pass);

// The CLI's own listeners for these signals would abort the run: they are not added.
for (const method of ["on", "addListener", "once", "prependListener", "prependOnceListener"] as const) {
  const original = process[method].bind(process) as (event: string | symbol, listener: never) => NodeJS.Process;
  (process as unknown as Record<string, unknown>)[method] = (event: string | symbol, listener: never) =>
    typeof event === "string" && HANDLED.includes(event) ? process : original(event, listener);
}
