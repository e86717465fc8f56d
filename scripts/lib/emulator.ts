import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { stopProcess } from "./process";

/** The launcher that starts moto's server with this project's fidelity corrections. */
export const MOTO_LAUNCHER = path.join(__dirname, "..", "emulator", "moto_server.py");

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Python interpreter that has moto installed. @default process.env.MOTO_PYTHON ?? "python3" */
  readonly python?: string;
  /**
   * Enforce IAM after this many requests (moto's INITIAL_NO_AUTH_ACTION_COUNT).
   * @default - IAM policies are not evaluated
   */
  readonly enforceIamAfterRequests?: number;
  /** File that receives the emulator's log. */
  readonly logFile: string;
  /**
   * How long to wait for the emulator to answer. Its start costs about 2.5 s of CPU; when the
   * test files start their emulators at once on two cores, that can take a minute.
   * @default 120000
   */
  readonly startTimeoutMs?: number;
  /** Listen on this port. @default - a free port */
  readonly port?: number;
  /** Let the emulator outlive this process (for `npm run local -- --keep`). @default false */
  readonly detached?: boolean;
}

/** A running local AWS emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>`: an IP, not `localhost`, so that S3 requests are path-style. */
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the emulator and waits for it to exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the emulator exited during start-up (code ${child.exitCode ?? child.signalCode})`);
    }
    try {
      // moto's own API; it does not count towards INITIAL_NO_AUTH_ACTION_COUNT.
      const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the emulator did not answer at ${endpoint} within ${timeoutMs} ms`);
}

/** Starts moto on a free loopback port, with AWS managed policies loaded. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const python = options.python ?? process.env.MOTO_PYTHON ?? "python3";
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const log = fs.openSync(options.logFile, "a");
  const env: NodeJS.ProcessEnv = { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" };
  if (options.enforceIamAfterRequests !== undefined) {
    env.INITIAL_NO_AUTH_ACTION_COUNT = String(options.enforceIamAfterRequests);
  } else {
    delete env.INITIAL_NO_AUTH_ACTION_COUNT;
  }
  const child = spawn(python, [MOTO_LAUNCHER, "-H", "127.0.0.1", "-p", String(port)], {
    env,
    stdio: ["ignore", log, log],
    detached: options.detached ?? false,
  });
  fs.closeSync(log);
  const failedToSpawn = new Promise<never>((_, reject) => child.once("error", reject));
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= stopProcess(child));
  try {
    await Promise.race([waitUntilReady(endpoint, child, options.startTimeoutMs ?? 120000), failedToSpawn]);
  } catch (err) {
    await stop();
    throw err;
  }
  if (options.detached) child.unref();
  return { endpoint, port, pid: child.pid!, stop };
}

/** An emulator started by an earlier process, known by its PID. */
export function attachEmulator(endpoint: string, port: number, pid: number): Emulator {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stop = async (): Promise<void> => {
    if (!alive()) return;
    process.kill(pid, "SIGTERM");
    for (let waited = 0; alive() && waited < 5000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    if (alive()) process.kill(pid, "SIGKILL");
  };
  return { endpoint, port, pid, stop };
}
