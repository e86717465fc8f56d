/**
 * Preloaded into the cdktf CLI by `scripts/stack.ts` (`node --require`): makes an interrupt safe.
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
 */
import { createRequire } from "module";
import * as path from "path";

/** The part of node-pty's terminal used here. */
interface Pty {
  kill(signal?: string): void;
  onExit(listener: () => void): unknown;
}

type SpawnPty = (...args: unknown[]) => Pty;

// The module cdktf itself loads: resolved from the cdktf script that this process runs.
const requireAsCdktf = createRequire(path.resolve(process.argv[1] ?? __filename));
const ptyModule = requireAsCdktf("@cdktf/node-pty-prebuilt-multiarch") as { spawn: SpawnPty };

const running = new Set<Pty>();
const spawnPty = ptyModule.spawn;
ptyModule.spawn = (...args: unknown[]): Pty => {
  const pty = spawnPty(...args);
  running.add(pty);
  pty.onExit(() => running.delete(pty));
  return pty;
};

const HANDLED: readonly string[] = ["SIGINT", "SIGTERM"];

function pass(signal: NodeJS.Signals): void {
  if (running.size === 0) process.exit(signal === "SIGINT" ? 130 : 143);
  for (const pty of running) pty.kill(signal);
}

for (const signal of HANDLED as NodeJS.Signals[]) process.on(signal, pass);

// cdktf's own listeners for these signals would abort the run: they are not added.
for (const method of ["on", "addListener", "once", "prependListener", "prependOnceListener"] as const) {
  const original = process[method].bind(process) as (event: string | symbol, listener: never) => NodeJS.Process;
  (process as unknown as Record<string, unknown>)[method] = (event: string | symbol, listener: never) =>
    typeof event === "string" && HANDLED.includes(event) ? process : original(event, listener);
}
