/**
 * The kinds of settings: how a raw value (any JSON from cdktf.json, a string from the
 * environment) becomes a typed one, and the sentence of what is allowed. Each returns a
 * {@link Setting} to chain its default and the rest onto.
 */
import { Setting } from "./setting";
import { show } from "./show";
import { describeTagRules, parseTags, TagRules } from "./tag-rules";

/** A string that matches `pattern`. */
export function text(env: string, pattern: RegExp, allowed: string): Setting<string> {
  return Setting.declare(env, allowed, (raw) =>
    typeof raw === "string" && pattern.test(raw) ? { value: raw } : { problem: allowed },
  );
}

/** One of a few words. */
export function oneOf<const V extends string>(env: string, values: readonly V[]): Setting<V> {
  const allowed = `allowed: ${values.map((v) => `"${v}"`).join(", ")}`;
  return Setting.declare(env, allowed, (raw) =>
    typeof raw === "string" && (values as readonly string[]).includes(raw) ? { value: raw as V } : { problem: allowed },
  );
}

/** `true` or `false`: a JSON boolean in context, the word in the environment. */
export function flag(env: string): Setting<boolean> {
  const allowed = 'allowed: true or false (environment: "true" or "false")';
  return Setting.declare(env, allowed, (raw) => {
    if (typeof raw === "boolean") return { value: raw };
    if (raw === "true") return { value: true };
    if (raw === "false") return { value: false };
    return { problem: allowed };
  });
}

/** A whole number from `min` to `max`: a JSON number in context, digits in the environment. */
export function int(env: string, min: number, max: number): Setting<number> {
  const allowed = `must be a whole number from ${min} to ${max}`;
  return Setting.declare(env, allowed, (raw) => {
    const n = typeof raw === "number" ? raw : typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : NaN;
    return Number.isInteger(n) && n >= min && n <= max ? { value: n } : { problem: allowed };
  });
}

/** Limits on the length of a {@link list}. */
export interface ListLimits {
  /** An empty list is refused: `must name at least one <noun>`. */
  readonly atLeastOne?: { readonly noun?: string };
  /** At most this many; the allowed sentence ends with "; at most N". */
  readonly atMost?: number;
}

/**
 * A list of strings that each match `pattern`: an array in context, comma-separated in the
 * environment; duplicates dropped. A list longer than `atMost` keeps its value besides the
 * problem, so that the rules that read it still see the roles or groups that were given.
 */
export function list(
  env: string,
  pattern: RegExp,
  eachAllowed: string,
  limits: ListLimits = {},
): Setting<readonly string[]> {
  const allowed = limits.atMost === undefined ? eachAllowed : `${eachAllowed}; at most ${limits.atMost}`;
  return Setting.declare(env, allowed, (raw) => {
    const items =
      typeof raw === "string"
        ? raw
            .split(",")
            .map((s) => s.trim())
            .filter((s) => s !== "")
        : raw;
    if (!Array.isArray(items)) return { problem: `must be a list (environment: comma-separated); ${allowed}` };
    const bad = items.filter((i) => typeof i !== "string" || !pattern.test(i));
    if (bad.length > 0) return { problem: `${bad.map(show).join(", ")} not allowed; ${allowed}` };
    const value = [...new Set(items as string[])];
    if (limits.atLeastOne !== undefined && value.length === 0) {
      const noun = limits.atLeastOne.noun === undefined ? "" : ` ${limits.atLeastOne.noun}`;
      return { problem: `must name at least one${noun}; ${allowed}` };
    }
    if (limits.atMost !== undefined && value.length > limits.atMost) {
      return { value, problem: `names ${value.length}; ${allowed}` };
    }
    return { value };
  });
}

/** A map of tags: an object in context, `key=value,key=value` in the environment. */
export function tags(env: string, rules: TagRules): Setting<Readonly<Record<string, string>>> {
  return Setting.declare(env, describeTagRules(rules), (raw) => parseTags(raw, rules));
}

/**
 * JSON: the value itself in context, parsed from the environment. Which shapes are allowed is
 * the reader's to check (`allowed` says which); a string that is not JSON stays a string.
 */
export function json(env: string, allowed: string): Setting<unknown> {
  return Setting.declare(env, allowed, (raw) => {
    if (typeof raw !== "string") return { value: raw };
    try {
      return { value: JSON.parse(raw) as unknown };
    } catch {
      return { value: raw };
    }
  });
}
