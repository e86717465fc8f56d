/**
 * Synth at scale: the app synth (as `cdktf synth` starts the app) with 1, 10, 25 and 50 targets,
 * and `cdktf synth` itself with 1 and 50. The sizes alternate round by round, forwards then
 * backwards, so that a change in the machine's load hits every size alike.
 */
import { Sample, ScaleSynthRow } from "./results";
import { runLine, synthOnce } from "./phases";
import { assertTargetStacks, CLI_SYNTH_TARGETS, scaleTargets, SYNTH_TARGETS, targetsSetting } from "./scale-targets";
import { projectSetup, SynthCommands } from "./setups";

/** What the scale synth runs and where it may write. */
export interface ScaleSynthContext {
  readonly projectRoot: string;
  /** Scratch directory for output directories. */
  readonly tmp: string;
  /** Environment of every command, without the app's settings. */
  readonly env: NodeJS.ProcessEnv;
  readonly log: (line: string) => void;
}

/** Sizes in the order of a round: forwards in odd rounds, backwards in even ones. */
function roundOrder<T>(sizes: readonly T[], round: number): T[] {
  return round % 2 === 1 ? [...sizes] : [...sizes].reverse();
}

/** Synthesizes each size `rounds` times with `kind`; checks every run wrote every target's stacks. */
async function synthRounds(
  ctx: ScaleSynthContext,
  sizes: readonly number[],
  rounds: number,
  kind: keyof SynthCommands,
): Promise<ScaleSynthRow[]> {
  const samples = new Map<number, Sample[]>(sizes.map((n) => [n, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const count of roundOrder(sizes, round)) {
      const targets = scaleTargets(count);
      const setup = projectSetup(ctx.projectRoot, { ...ctx.env, TARGETS: targetsSetting(targets) });
      const label = `${kind} ${count} target${count === 1 ? "" : "s"}`;
      const { m, stacks } = await synthOnce(label, (outdir) => setup[kind](outdir), ctx.tmp);
      assertTargetStacks(targets, stacks, label);
      samples.get(count)!.push({ ms: m.ms, peakMB: m.peakMB });
      ctx.log(runLine(label, `${round}/${rounds}`, m));
    }
  }
  return sizes.map((count) => ({ targets: count, stacks: 2 * count, samples: samples.get(count)! }));
}

/** The app synth at every size of {@link SYNTH_TARGETS}. */
export function benchScaleAppSynth(ctx: ScaleSynthContext, rounds: number): Promise<ScaleSynthRow[]> {
  return synthRounds(ctx, SYNTH_TARGETS, rounds, "appSynth");
}

/** `cdktf synth` at the sizes of {@link CLI_SYNTH_TARGETS}. */
export function benchScaleCliSynth(ctx: ScaleSynthContext, rounds: number): Promise<ScaleSynthRow[]> {
  return synthRounds(ctx, CLI_SYNTH_TARGETS, rounds, "cdktfSynth");
}
