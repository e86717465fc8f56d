/**
 * The configurations the scale benchmark synthesizes and deploys: `targets` with N entries, each
 * with a destination profile and account of its own, as a user with N destination accounts sets it.
 */
import { Stacks } from "./synth-output";

/** One target of a scale configuration. */
export interface ScaleTarget {
  /** The target's name: its stacks are `iam-stack-<name>` and `ec2-stack-<name>`. */
  readonly name: string;
  /** Shared-credentials profile of its destination account. */
  readonly profile: string;
  /** Its destination account, distinct per target. */
  readonly accountId: string;
}

/** Numbers of targets the app synth is measured at. */
export const SYNTH_TARGETS = [1, 10, 25, 50] as const;
/** Numbers of targets `cdktf synth` is measured at: the ends of {@link SYNTH_TARGETS}. */
export const CLI_SYNTH_TARGETS = [1, 50] as const;
/** Numbers of targets deployed and destroyed against the emulator. */
export const DEPLOY_TARGETS = [1, 5] as const;

/** `count` targets: `target-01` in account 200000000001, `target-02` in 200000000002, ... */
export function scaleTargets(count: number): ScaleTarget[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, "0");
    return { name: `target-${n}`, profile: `target-${n}`, accountId: String(200_000_000_001 + i) };
  });
}

/** The `targets` setting (environment variable `TARGETS`) of these targets. */
export function targetsSetting(targets: readonly ScaleTarget[]): string {
  return JSON.stringify(
    targets.map((t) => ({ name: t.name, destinationProfile: t.profile, destinationAccountId: t.accountId })),
  );
}

/** Throws unless a synth wrote exactly the two stacks of every target. */
export function assertTargetStacks(targets: readonly ScaleTarget[], stacks: Stacks, what: string): void {
  const expected = targets.flatMap((t) => [`ec2-stack-${t.name}`, `iam-stack-${t.name}`]).sort();
  const actual = [...stacks.keys()].sort();
  if (expected.join(",") !== actual.join(",")) {
    throw new Error(`${what}: expected the stacks ${expected.join(", ")}, the synth wrote ${actual.join(", ")}`);
  }
}
