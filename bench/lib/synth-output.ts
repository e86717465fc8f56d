/**
 * The stacks a synth wrote, without CDKTF's metadata, to check that the stock copy of the app
 * synthesizes exactly what the app does: otherwise the comparison would be meaningless.
 */
import * as fs from "fs";
import * as path from "path";

/** Stack name to its synthesized configuration, metadata removed. */
export type Stacks = ReadonlyMap<string, unknown>;

/** Removes every `"//"` key: CDKTF's metadata (construct paths, versions), not configuration. */
function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== "//")
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, v]) => [key, withoutMetadata(v)]),
  );
}

/** Reads `<outdir>/stacks/<stack>/cdk.tf.json` of every stack. */
export function readStacks(outdir: string): Stacks {
  const stacksDir = path.join(outdir, "stacks");
  if (!fs.existsSync(stacksDir)) throw new Error(`${stacksDir} does not exist: the synth wrote no stacks`);
  const stacks = new Map<string, unknown>();
  for (const name of fs.readdirSync(stacksDir).sort()) {
    const json = JSON.parse(fs.readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8"));
    stacks.set(name, withoutMetadata(json));
  }
  return stacks;
}

/** The first place where two values differ, as a JSON path; undefined if they are equal. */
function firstDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) return at;
  if (a === null || typeof a !== "object") return a === b ? undefined : at;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])];
  for (const key of keys) {
    const diff = firstDifference(ao[key], bo[key], `${at}.${key}`);
    if (diff !== undefined) return diff;
  }
  return undefined;
}

/** Throws, naming the first difference, unless both synths wrote the same stacks with the same configuration. */
export function assertSameStacks(expected: Stacks, actual: Stacks, what: string): void {
  const names = [...expected.keys()].join(", ");
  const actualNames = [...actual.keys()].join(", ");
  if (names !== actualNames) throw new Error(`${what}: stacks differ: ${names} against ${actualNames}`);
  if (expected.size === 0) throw new Error(`${what}: no stacks were synthesized`);
  for (const [name, json] of expected) {
    const diff = firstDifference(json, actual.get(name), name);
    if (diff !== undefined) throw new Error(`${what}: the synthesized stacks differ at ${diff}`);
  }
}
