import { ChildProcess, spawn, spawnSync } from "child_process";

/** Whether a command is on PATH (or is an existing path). */
export function commandExists(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${JSON.stringify(command)}`], { stdio: "ignore" }).status === 0;
}

/** Resolves when the process has exited, with its exit code (or signal). */
export function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/** Stops a process: SIGTERM, then SIGKILL after `graceMs`. Resolves once it has exited. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = waitForExit(child);
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Stops a process started with `detached: true` and everything in its group (cdktf, terraform,
 * the provider): SIGINT as Ctrl-C would send, then SIGKILL after `graceMs`.
 */
export async function stopProcessGroup(child: ChildProcess, graceMs = 10000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const group = -child.pid;
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(group, s);
    } catch {
      // the group is gone already
    }
  };
  const exited = waitForExit(child);
  signal("SIGINT");
  const timer = setTimeout(() => signal("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  signal("SIGKILL"); // what is left of the group once its leader has gone
}

/** Result of a finished command. */
export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved, without terminal colours and cursor movement. */
  readonly output: string;
  readonly elapsedMs: number;
}

/** "`label` failed (exit N):" and the last `lines` lines of a failed command's output. */
export function failureReport(label: string, result: CommandResult, lines = 40): string {
  return `${label} failed (exit ${result.code ?? result.signal}):\n${result.output.split("\n").slice(-lines).join("\n")}`;
}

/** The result of a command that succeeded; throws with {@link failureReport} when it failed. */
export function expectCommandOk(label: string, result: CommandResult, lines = 40): CommandResult {
  if (result.code !== 0) throw new Error(failureReport(label, result, lines));
  return result;
}

/** Options of {@link runCommand}. */
export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kills the command (SIGKILL) after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Called with the running child, e.g. to interrupt it. */
  readonly onSpawn?: (child: ChildProcess) => void;
  /** Called with each chunk of output (already stripped of terminal codes). */
  readonly onOutput?: (text: string) => void;
  /**
   * Runs the command in a process group of its own, so that a signal can reach the whole
   * group as a terminal's Ctrl-C does (`process.kill(-child.pid, "SIGINT")`); the timeout
   * then kills the whole group. @default false
   */
  readonly detached?: boolean;
}

const TERMINAL_CODES = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

/** Removes colours and cursor movement from terminal output. */
export function stripTerminalCodes(text: string): string {
  return text.replace(TERMINAL_CODES, "");
}

/** Runs a command to completion and collects its output. Never throws for a non-zero exit. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.detached ?? false,
    });
    let output = "";
    const collect = (chunk: Buffer): void => {
      const text = stripTerminalCodes(chunk.toString("utf8"));
      output += text;
      options.onOutput?.(text);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    const kill = (): void => {
      if (!options.detached || child.pid === undefined) {
        child.kill("SIGKILL");
        return;
      }
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is gone already
      }
    };
    const timer = options.timeoutMs ? setTimeout(kill, options.timeoutMs) : undefined;
    child.once("error", (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, output, elapsedMs: Date.now() - started });
    });
    options.onSpawn?.(child);
  });
}
