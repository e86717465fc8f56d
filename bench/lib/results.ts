/** What a benchmark run found: the measurements, and the statistics the report shows. */
import { Machine } from "./machine";

/** One run of a command. */
export interface Sample {
  readonly ms: number;
  /** Peak resident memory of the command's process tree, in MB (10^6 bytes). */
  readonly peakMB: number;
}

/** The same measurement in both setups; a setup that was not measured has no samples. */
export interface Comparison {
  readonly id: string;
  readonly title: string;
  readonly project: readonly Sample[];
  readonly stock: readonly Sample[];
  /** Said under the table, e.g. why the stock setup ran once only. */
  readonly notes?: readonly string[];
}

/** A step of the local end-to-end flow. */
export interface E2eStep {
  readonly phase: "start" | "deploy" | "destroy" | "stop";
  readonly step: string;
  readonly ms: number;
}

/** The local end-to-end flow, or why it did not run. */
export type E2eResult =
  | { readonly status: "skipped"; readonly reason: string }
  | {
      readonly status: "passed" | "failed";
      readonly steps: readonly E2eStep[];
      readonly totalMs: number;
      /** Peak memory of the benchmark's whole process tree: the emulator, the CLI, terraform. */
      readonly peakMB: number;
      readonly error?: string;
    };

/** `npm test` once, or why it did not run. */
export type FullTestResult =
  | { readonly status: "skipped"; readonly reason: string }
  | { readonly status: "passed" | "failed"; readonly sample: Sample; readonly summary: string };

/** A target of the issue, checked. */
export interface Target {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

/** Everything one run measured. */
export interface Results {
  readonly machine: Machine;
  /** 1-minute load average before and after: other work on the machine skews the timings. */
  readonly load: { readonly before: number; readonly after: number };
  readonly rounds: number;
  readonly slowRounds: number;
  readonly durationMs: number;
  readonly comparisons: readonly Comparison[];
  readonly e2e: E2eResult;
  readonly fullTest: FullTestResult;
  readonly targets: readonly Target[];
}

/** Median of the samples' times; NaN without samples. */
export function medianMs(samples: readonly Sample[]): number {
  if (samples.length === 0) return NaN;
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Highest peak memory of the samples; NaN without samples. */
export function peakMB(samples: readonly Sample[]): number {
  return samples.length === 0 ? NaN : Math.max(...samples.map((s) => s.peakMB));
}
