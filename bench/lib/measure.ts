/**
 * Runs a command and measures its wall time and its peak memory: the most resident memory its
 * whole process tree (jest workers, the CLI and the app it starts, terraform) held at once,
 * sampled from /proc every few milliseconds (see {@link treeMemoryKiB}).
 */
import { spawn } from "child_process";
import * as fs from "fs";

/** How often the process tree's memory is sampled. */
const SAMPLE_INTERVAL_MS = 50;

/** One measured run of a command. */
export interface Measurement {
  readonly ms: number;
  /** Peak resident memory of the process tree in MB (10^6 bytes); 0 where /proc cannot be read. */
  readonly peakMB: number;
  readonly code: number | null;
  /** stdout and stderr, interleaved. */
  readonly output: string;
}

/** A command to measure. */
export interface Command {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Kills the command after this many milliseconds. @default 10 minutes */
  readonly timeoutMs?: number;
}

interface ProcInfo {
  readonly ppid: number;
  /** Anonymous and shared-memory pages (heaps, mostly), in KiB. */
  readonly privateKiB: number;
  /** File-backed pages (the executable, libraries), in KiB; shared by processes of the same executable. */
  readonly fileKiB: number;
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status);
  return match ? Number(match[1]) : 0;
}

/** Parent and memory of every process, from /proc/<pid>/status (cheap to read, unlike smaps). */
function readProcTable(): Map<number, ProcInfo> {
  const table = new Map<number, ProcInfo>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = fs.readFileSync(`/proc/${name}/status`, "utf8");
      table.set(Number(name), {
        ppid: statusField(status, "PPid"),
        privateKiB: statusField(status, "RssAnon") + statusField(status, "RssShmem"),
        fileKiB: statusField(status, "RssFile"),
      });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return table;
}

function descendants(table: ReadonlyMap<number, ProcInfo>, rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree: number[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (table.has(pid)) tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function executable(pid: number): string {
  try {
    return fs.readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return `pid ${pid}`;
  }
}

/**
 * Memory of a process and all its descendants, in KiB: their private pages, and the file-backed
 * pages of each executable once (four terraform processes share one binary's pages). Plain sums
 * of RSS would count those shared pages once per process.
 */
export function treeMemoryKiB(rootPid: number): number {
  const table = readProcTable();
  const fileByExecutable = new Map<string, number>();
  let total = 0;
  for (const pid of descendants(table, rootPid)) {
    const info = table.get(pid)!;
    total += info.privateKiB;
    const exe = executable(pid);
    fileByExecutable.set(exe, Math.max(fileByExecutable.get(exe) ?? 0, info.fileKiB));
  }
  for (const kib of fileByExecutable.values()) total += kib;
  return total;
}

const procReadable = fs.existsSync("/proc/self/stat");

/** Samples a process tree's memory until stopped. */
export interface PeakSampler {
  /** Stops sampling; returns the peak in MB (10^6 bytes), 0 where /proc cannot be read. */
  stop(): number;
}

/** Starts sampling the memory of `pid` and its descendants. */
export function samplePeak(pid: number, intervalMs = SAMPLE_INTERVAL_MS): PeakSampler {
  let peakKiB = 0;
  const sample = (): void => {
    if (procReadable) peakKiB = Math.max(peakKiB, treeMemoryKiB(pid));
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return (peakKiB * 1024) / 1e6;
    },
  };
}

/** Runs a command to completion; never throws for a non-zero exit. */
export function measure(cmd: Command): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd.command, [...cmd.args], { cwd: cmd.cwd, env: cmd.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const sampler = samplePeak(child.pid ?? -1);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), cmd.timeoutMs ?? 10 * 60 * 1000);
    const done = (): number => {
      clearTimeout(timer);
      return sampler.stop();
    };
    child.once("error", (err) => {
      done();
      reject(err);
    });
    child.once("close", (code) => {
      const peakMB = done();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ ms, peakMB, code, output });
    });
  });
}

/** Like {@link measure}, but throws with the end of the output if the command fails. */
export async function measureOk(label: string, cmd: Command): Promise<Measurement> {
  const m = await measure(cmd);
  if (m.code !== 0) {
    const tail = m.output.split("\n").slice(-30).join("\n");
    throw new Error(`${label}: \`${cmd.command} ${cmd.args.join(" ")}\` in ${cmd.cwd} exited ${m.code}:\n${tail}`);
  }
  return m;
}
