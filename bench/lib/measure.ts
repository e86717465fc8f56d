/**
 * Runs a command and measures its wall time and its peak memory: the most resident memory its
 * whole process tree (jest workers, the CLI and the app it starts, terraform) held at once,
 * sampled from /proc every few milliseconds (see {@link treeMemoryKiB}).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

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

/** The process tree of `rootPid` at one moment: its memory, and each process's executable. */
interface TreeSnapshot {
  readonly kib: number;
  readonly executables: ReadonlyMap<number, string>;
}

/**
 * Memory of a process and all its descendants, in KiB: their private pages, and the file-backed
 * pages of each executable once (four terraform processes share one binary's pages). Plain sums
 * of RSS would count those shared pages once per process.
 */
function snapshotTree(rootPid: number): TreeSnapshot {
  const table = readProcTable();
  const fileByExecutable = new Map<string, number>();
  const executables = new Map<number, string>();
  let kib = 0;
  for (const pid of descendants(table, rootPid)) {
    const info = table.get(pid)!;
    kib += info.privateKiB;
    const exe = executable(pid);
    executables.set(pid, exe);
    fileByExecutable.set(exe, Math.max(fileByExecutable.get(exe) ?? 0, info.fileKiB));
  }
  for (const fileKiB of fileByExecutable.values()) kib += fileKiB;
  return { kib, executables };
}

/** {@link snapshotTree}'s memory alone. */
export function treeMemoryKiB(rootPid: number): number {
  return snapshotTree(rootPid).kib;
}

let clockTicks: number | undefined;

/** Clock ticks per second, the unit of CPU times in /proc/<pid>/stat. */
function ticksPerSecond(): number {
  clockTicks ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;
  return clockTicks;
}

/** User and system CPU time a process has used so far, in clock ticks; undefined once it has ended. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces: utime and
    // stime are fields 14 and 15 of the line, 12 and 13 of the rest.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

const procReadable = fs.existsSync("/proc/self/stat");

/** CPU time that the processes of one executable used in a sampled process tree. */
export interface ExecutableCpu {
  /** File name of the executable, e.g. `terraform` or `node`. */
  readonly executable: string;
  /** CPU seconds, user and system, used while the tree was sampled. */
  readonly seconds: number;
  /** How many of its processes were seen. */
  readonly processes: number;
}

/** What a process tree used while it was sampled. */
export interface TreeUsage {
  /** Peak memory in MB (10^6 bytes), 0 where /proc cannot be read. */
  readonly peakMB: number;
  /** By executable, most CPU first; empty unless asked for. */
  readonly cpu: readonly ExecutableCpu[];
}

/** Options of {@link sampleTree}. */
export interface SampleOptions {
  /** @default 50 ms */
  readonly intervalMs?: number;
  /**
   * Also sum the CPU time of each executable's processes, from the last sample of each process
   * (a process that lives shorter than the interval may be missed). @default false
   */
  readonly cpu?: boolean;
  /** Leave the root process itself out of the CPU times (e.g. the benchmark). @default false */
  readonly cpuWithoutRoot?: boolean;
}

/** Samples a process tree until stopped. */
export interface TreeSampler {
  stop(): TreeUsage;
}

/** Starts sampling the memory (and, if asked, the CPU time) of `pid` and its descendants. */
export function sampleTree(pid: number, options: SampleOptions = {}): TreeSampler {
  let peakKiB = 0;
  // Per process: its executable, and its CPU ticks when first and when last seen.
  const cpu = new Map<number, { exe: string; first: number; last: number }>();
  let firstSample = true;
  const sample = (): void => {
    if (!procReadable) return;
    const tree = snapshotTree(pid);
    peakKiB = Math.max(peakKiB, tree.kib);
    if (options.cpu) {
      for (const [p, exe] of tree.executables) {
        if (options.cpuWithoutRoot && p === pid) continue;
        const ticks = cpuTicks(p);
        if (ticks === undefined) continue;
        const seen = cpu.get(p);
        // Processes running before sampling started count from then on; later ones from zero.
        if (seen) seen.last = ticks;
        else cpu.set(p, { exe, first: firstSample ? ticks : 0, last: ticks });
      }
    }
    firstSample = false;
  };
  sample();
  const timer = setInterval(sample, options.intervalMs ?? SAMPLE_INTERVAL_MS);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      const byExe = new Map<string, { ticks: number; processes: number }>();
      for (const { exe, first, last } of cpu.values()) {
        const name = path.basename(exe);
        const sum = byExe.get(name) ?? { ticks: 0, processes: 0 };
        byExe.set(name, { ticks: sum.ticks + last - first, processes: sum.processes + 1 });
      }
      const perSecond = ticksPerSecond();
      const cpuUse = [...byExe]
        .map(([executable, { ticks, processes }]) => ({ executable, seconds: ticks / perSecond, processes }))
        .sort((a, b) => b.seconds - a.seconds);
      return { peakMB: (peakKiB * 1024) / 1e6, cpu: cpuUse };
    },
  };
}

/** Samples a process tree's memory until stopped. */
export interface PeakSampler {
  /** Stops sampling; returns the peak in MB (10^6 bytes), 0 where /proc cannot be read. */
  stop(): number;
}

/** Starts sampling the memory of `pid` and its descendants. */
export function samplePeak(pid: number, intervalMs = SAMPLE_INTERVAL_MS): PeakSampler {
  const sampler = sampleTree(pid, { intervalMs });
  return { stop: () => sampler.stop().peakMB };
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
