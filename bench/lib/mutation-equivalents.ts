/**
 * Surviving mutants judged equivalent: the mutated code behaves as the original for every input
 * the app can get, so no test can fail on it. Each entry names the mutant exactly (file, mutator,
 * the text replaced and its replacement) and says why. `npm run mutate` lists every survivor with
 * its entry here, or as not accounted for; an entry that matches no survivor is reported as stale.
 */
import { EquivalentMutant } from "./mutation";

export const EQUIVALENT_MUTANTS: readonly EquivalentMutant[] = [
  {
    file: "config.ts",
    mutator: "ConditionalExpression",
    original: "r.value !== undefined",
    replacement: "true",
    reason:
      "settings come from JSON (cdktf.json context, targets) and environment strings, and gather() records no " +
      "undefined value: a recorded setting always has a value, so the check is always true",
  },
  {
    file: "config.ts",
    mutator: "StringLiteral",
    original: '"default"',
    replacement: '""',
    near: "return this.raw[key]?.from",
    reason: 'Reader.from() is called for "targets" only, and only after has("targets"): the fallback never shows',
  },
  {
    file: "config.ts",
    mutator: "ArrayDeclaration",
    original: "[]",
    replacement: '["Stryker was here"]',
    reason:
      'session tags reserve no key; the mutant reserves the key "Stryker was here", which only a test written ' +
      "for that text could tell apart",
  },
  {
    file: "config.ts",
    mutator: "StringLiteral",
    original: '"."',
    replacement: '""',
    near: "path.resolve(cwd, dirRaw",
    reason: 'path.resolve(cwd, "") and path.resolve(cwd, ".") are both cwd',
  },
  {
    file: "config.ts",
    mutator: "Regex",
    original: "/\\/+$/",
    replacement: "/\\/$/",
    reason:
      'stateKeyPrefix is validated first, and its rule refuses "//": a valid prefix ends with one slash at most, ' +
      "which both expressions remove",
  },
  {
    file: "constructs/cross-account-role.ts",
    mutator: "ArrayDeclaration",
    original: "[]",
    replacement: '["Stryker was here"]',
    near: "for (const arn of props.trustedPrincipalArns",
    reason:
      'without trustedPrincipalArns the loop looks for "*" in no principal; the mutant looks at "Stryker was ' +
      'here", which is not "*" either: no input tells them apart',
  },
  {
    file: "constructs/policy/ebs-volume-encrypted.ts",
    mutator: "ConditionalExpression",
    original: "value === undefined",
    replacement: "false",
    reason:
      "for an undefined value the next check, !Array.isArray(undefined), returns undefined; the only caller " +
      "applies ?? [], so the result is [] either way",
  },
  ...(["true", "false"] as const).map((replacement) => ({
    file: "constructs/policy/ebs-volume-encrypted.ts",
    mutator: "ConditionalExpression",
    original: "attributes.dynamic === undefined",
    replacement,
    reason:
      "decides only between [] and undefined when ebs_block_device is absent; the only caller maps undefined " +
      "to [] with ?? [], so no input gives a different result",
  })),
  {
    file: "constructs/policy/ebs-volume-encrypted.ts",
    mutator: "EqualityOperator",
    original: "attributes.dynamic === undefined",
    replacement: "attributes.dynamic !== undefined",
    reason:
      "decides only between [] and undefined when ebs_block_device is absent; the only caller maps undefined " +
      "to [] with ?? [], so no input gives a different result",
  },
  {
    file: "constructs/policy/iam-statements.ts",
    mutator: "BlockStatement",
    original: "{\n    return undefined;\n  }",
    replacement: "{}",
    near: "} catch {",
    reason:
      "with an empty catch, parsed stays undefined (declared without a value), and the next check, " +
      'typeof parsed !== "object", returns undefined for it: the same result for every input',
  },
  {
    file: "constructs/policy/iam-statements.ts",
    mutator: "ArrayDeclaration",
    original: "[]",
    replacement: '["Stryker was here"]',
    near: "const operators =",
    reason:
      "operators is read only by the flatMap below it, which maps any element that is not an object (such as " +
      "this string) to []: the condition keys stay the same",
  },
  {
    file: "constructs/policy/iam-statements.ts",
    mutator: "ArrayDeclaration",
    original: "[]",
    replacement: '["Stryker was here"]',
    near: "Array.isArray(v) ? v.filter",
    reason:
      "the string added to the merged documents is not JSON, so jsonPolicies reads no statement from it, as " +
      "from nothing",
  },
];
