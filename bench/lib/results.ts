/** What a benchmark run found: the measurements, and the statistics the report shows. */
import { Machine } from "../../scripts/lib/machine";
import { ExecutableCpu } from "./measure";

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
  readonly phase: "start" | "deploy" | "destroy";
  readonly step: string;
  readonly ms: number;
}

/** `npm run local`, once, or why it did not run. */
export type E2eResult =
  | { readonly status: "skipped"; readonly reason: string }
  | {
      readonly status: "passed" | "failed";
      /** The steps the command reported as done. */
      readonly steps: readonly E2eStep[];
      /** Wall time of the whole command, npm included. */
      readonly totalMs: number;
      /** Peak memory of the command's process tree: the emulator, the CLI, terraform. */
      readonly peakMB: number;
      /** Where the AWS provider came from: a filesystem mirror or the registry. */
      readonly providerMode: string;
      /** The command's closing summary, verbatim. */
      readonly summary: string;
      readonly error?: string;
    };

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

/** App synth (or `cdktf synth`) of a configuration with a number of targets. */
export interface ScaleSynthRow {
  readonly targets: number;
  /** Stacks the synth wrote: two per target. */
  readonly stacks: number;
  readonly samples: readonly Sample[];
}

/** The time of a cdktf deploy or destroy, split where its output shows the phases change. */
export interface CommandPhases {
  /** From the start to the first stack's `terraform init`: the CLI's start-up and the app synth. */
  readonly synthMs: number;
  /** `terraform init` of every selected stack, which cdktf runs one stack after another. */
  readonly initMs: number;
  /** From the first stack's plan to the end: plan and apply (or destroy) of the stacks, run at once, and their outputs. */
  readonly runMs: number;
}

/** One cdktf command of a deploy round. */
export interface CommandRun {
  /** What was run, e.g. `cdktf deploy 'iam-stack-*'`. */
  readonly command: string;
  readonly ms: number;
  /** Peak memory of the benchmark's whole process tree: the emulator, the CLI, the app, terraform, the providers. */
  readonly peakMB: number;
  /** Undefined where the output did not show the phases. */
  readonly phases?: CommandPhases;
  /** CPU seconds by executable (the emulator included, the benchmark itself left out). */
  readonly cpu: readonly ExecutableCpu[];
}

/** One deploy and destroy of a number of targets, each in its own account, in a fresh emulator. */
export interface DeployRound {
  readonly targets: number;
  readonly round: number;
  /** The deploy commands, in order. */
  readonly deploy: readonly CommandRun[];
  /** The destroy commands, in order. */
  readonly destroy: readonly CommandRun[];
}

/** The deploy part of the scale benchmark, or why it did not run. */
export type DeployScale =
  | { readonly status: "skipped"; readonly reason: string }
  | {
      readonly status: "passed" | "failed";
      readonly rounds: readonly DeployRound[];
      /** `--parallelism` of `cdktf deploy`, as its `--help` states it. */
      readonly parallelismDefault: string;
      readonly error?: string;
    };

/** Everything one run of the scale benchmark measured. */
export interface ScaleResults {
  readonly machine: Machine;
  readonly load: { readonly before: number; readonly after: number };
  readonly durationMs: number;
  /** App synth, by number of targets. */
  readonly appSynth: readonly ScaleSynthRow[];
  /** `cdktf synth`, by number of targets. */
  readonly cliSynth: readonly ScaleSynthRow[];
  readonly deploy: DeployScale;
  readonly targets: readonly Target[];
}
