/** The machine and tool versions a benchmark ran on, for the results table. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";

/** What the results depend on besides the code. */
export interface Machine {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly terraform: string;
  readonly date: string;
}

function cpuInfo(): { model: string; count: number } {
  try {
    const info = fs.readFileSync("/proc/cpuinfo", "utf8");
    const model = /^model name\s*:\s*(.+)$/m.exec(info)?.[1].trim() ?? "unknown";
    const count = info.split("\n").filter((l) => /^processor\s*:/.test(l)).length;
    return { model, count: count || os.cpus().length };
  } catch {
    return { model: os.cpus()[0]?.model ?? "unknown", count: os.cpus().length };
  }
}

function terraformVersion(): string {
  const result = spawnSync("terraform", ["version", "-json"], { encoding: "utf8" });
  if (result.status !== 0) return "not found";
  try {
    return (JSON.parse(result.stdout) as { terraform_version: string }).terraform_version;
  } catch {
    return result.stdout.split("\n")[0];
  }
}

/** Describes this machine. */
export function describeMachine(): Machine {
  const cpu = cpuInfo();
  return {
    cpuModel: cpu.model,
    cpuCount: cpu.count,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    terraform: terraformVersion(),
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}
