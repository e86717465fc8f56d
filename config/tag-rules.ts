/**
 * What a map of tags may hold (resource tags and session tags differ), and the parser of one.
 */
import { TAG_KEY, TAG_VALUE } from "../constructs/shared/aws-names";
import { MANAGED_BY_KEY } from "../constructs/shared/tags";
import { Parsed } from "./setting";
import { show } from "./show";

/** What a map of tags may hold. */
export interface TagRules {
  /** Keys the app sets itself. */
  readonly reserved: readonly string[];
  /** How many tags at most, and why. */
  readonly max: number;
  readonly whyMax: string;
  /** Whether two keys may not differ only in case. */
  readonly caseInsensitiveKeys: boolean;
  /** At most this many characters of keys and values together, and why. */
  readonly maxTotalChars?: { readonly limit: number; readonly why: string };
}

/** Tags on every resource: the app sets `Name` (on the instance) and `ManagedBy` itself. */
export const RESOURCE_TAG_RULES: TagRules = {
  reserved: ["Name", MANAGED_BY_KEY],
  max: 48,
  whyMax: "(AWS allows 50, the app sets 2)",
  caseInsensitiveKeys: false,
};

/**
 * STS refuses keys that differ only in case, and more than 50 session tags. It also packs the
 * session tags (with any session policy) into a binary form whose size limit AWS does not
 * publish, and that 50 tags within the per-tag limits (128-character keys, 256-character values:
 * 19,200 characters) exceed: AssumeRole then fails with PackedPolicyTooLarge at apply. The one
 * published plaintext limit on what shares that packed space is 2,048 characters (session
 * policies, IAM and STS quotas): the tags' keys and values together are held to it, a
 * conservative bound rather than the packed limit itself.
 */
export const SESSION_TAG_RULES: TagRules = {
  reserved: [],
  max: 50,
  whyMax: "(AWS's limit)",
  caseInsensitiveKeys: true,
  maxTotalChars: {
    limit: 2048,
    why:
      "(STS packs session tags into a size limit it does not publish; 2,048, its published plaintext limit of " +
      "session policies, which share that space, is a conservative bound)",
  },
};

const KEY_RULE = '1 to 128 letters, digits, spaces or _.:/=+-@ and not start with "aws:"';
const VALUE_RULE = "0 to 256 letters, digits, spaces or _.:/=+-@";

/** The sentence of what a map of tags may hold, for the docs. */
export function describeTagRules(rules: TagRules): string {
  const reserved = rules.reserved.length === 0 ? "" : `; not the keys ${rules.reserved.join(" or ")}`;
  const caseRule = rules.caseInsensitiveKeys ? "; no two keys that differ only in case" : "";
  const total = rules.maxTotalChars;
  const totalRule = total ? `; at most ${total.limit} characters of keys and values in all ${total.why}` : "";
  return `up to ${rules.max} tags ${rules.whyMax}: keys must be ${KEY_RULE}, values ${VALUE_RULE}${reserved}${caseRule}${totalRule}`;
}

/** Parses a map of tags and checks each key and value against `rules`. */
export function parseTags(raw: unknown, rules: TagRules): Parsed<Readonly<Record<string, string>>> {
  let entries: [string, unknown][];
  if (typeof raw === "string") {
    entries = [];
    for (const pair of raw.split(",").filter((s) => s.trim() !== "")) {
      const eq = pair.indexOf("=");
      if (eq <= 0) return { problem: 'must be comma-separated key=value pairs, e.g. "team=platform,env=dev"' };
      entries.push([pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()]);
    }
  } else if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    entries = Object.entries(raw);
  } else {
    return { problem: "must be an object of tag keys to string values" };
  }
  const problems: string[] = [];
  for (const [k, val] of entries) {
    if (!TAG_KEY.test(k) || k.toLowerCase().startsWith("aws:")) {
      problems.push(`tag key ${show(k)} must be ${KEY_RULE}`);
    } else if (rules.reserved.includes(k)) {
      problems.push(`tag key ${show(k)} is set by the app (use instanceName for Name)`);
    } else if (typeof val !== "string" || !TAG_VALUE.test(val)) {
      problems.push(`tag ${show(k)} has value ${show(val)}; values are ${VALUE_RULE}`);
    }
  }
  if (rules.caseInsensitiveKeys) {
    const seen = new Map<string, string>();
    for (const [k] of entries) {
      const other = seen.get(k.toLowerCase());
      if (other !== undefined) problems.push(`tag keys ${show(other)} and ${show(k)} differ only in case`);
      seen.set(k.toLowerCase(), k);
    }
  }
  if (entries.length > rules.max) problems.push(`${entries.length} tags given; at most ${rules.max} ${rules.whyMax}`);
  const total = rules.maxTotalChars;
  const chars = entries.reduce((n, [k, val]) => n + k.length + (typeof val === "string" ? val.length : 0), 0);
  if (total && chars > total.limit) {
    problems.push(`keys and values have ${chars} characters in all; at most ${total.limit} ${total.why}`);
  }
  if (problems.length > 0) return { problem: problems.join("; ") };
  return { value: Object.fromEntries(entries as [string, string][]) };
}
