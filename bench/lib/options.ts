/** The command line of `npm run bench`. */

export const USAGE = `usage: npm run bench [-- options]

  --rounds N          rounds of the app synth measurements (default 5)
  --slow-rounds N     rounds of the cdktf synth and warm test measurements (default 3)
  --deploy-rounds N   runs of the deploy and destroy of 5 targets, each between two of 1 target (default 1)
  --scale             only the scale benchmark (synth of 1 to 50 targets, deploy of 1 and 5)
  --no-scale          without the scale benchmark
  --no-e2e            nothing against the emulator: no local end-to-end flow, no deploy of 1 and 5 targets
  --tiers             only the test tiers: npm ci, npm test, npm run test:e2e once each, in a fresh copy (a quarter of an hour)
  --keep              keep the temp dir with the stock copy
  --help              this text`;

/** Which parts run: the comparison with the stock setup, the scale benchmark, both, or only the test tiers. */
export type Parts = "both" | "comparison" | "scale" | "tiers";

/** What a run does. */
export interface Options {
  readonly rounds: number;
  readonly slowRounds: number;
  readonly deployRounds: number;
  readonly parts: Parts;
  readonly e2e: boolean;
  readonly keep: boolean;
}

function count(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50)
    throw new Error(`${flag} needs a whole number from 1 to 50, got ${value}`);
  return n;
}

/** Parses the arguments; throws with the usage on anything unknown. `undefined` means: print the usage. */
export function parseOptions(args: readonly string[]): Options | undefined {
  let options: Options = {
    rounds: 5,
    slowRounds: 3,
    deployRounds: 1,
    parts: "both",
    e2e: true,
    keep: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") return undefined;
    else if (arg === "--rounds") options = { ...options, rounds: count(arg, args[++i]) };
    else if (arg === "--slow-rounds") options = { ...options, slowRounds: count(arg, args[++i]) };
    else if (arg === "--deploy-rounds") options = { ...options, deployRounds: count(arg, args[++i]) };
    else if (arg === "--scale") options = { ...options, parts: "scale" };
    else if (arg === "--no-scale") options = { ...options, parts: "comparison" };
    else if (arg === "--no-e2e") options = { ...options, e2e: false };
    else if (arg === "--e2e") options = { ...options, e2e: true };
    else if (arg === "--tiers") options = { ...options, parts: "tiers" };
    else if (arg === "--keep") options = { ...options, keep: true };
    else throw new Error(`unknown argument ${arg}\n\n${USAGE}`);
  }
  return options;
}
