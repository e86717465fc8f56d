import {
  globRegExp,
  IamStatement,
  isDocumentReference,
  jsonStatements,
  permissionStatements,
  statementLabel,
} from "./iam-statements";
import { PolicyRule } from "./rule";
import {
  conditionKeyMatches,
  isGlobalConditionKey,
  SarAction,
  SarResourceType,
  serviceActions,
  serviceExists,
} from "./service-authorization";

/** What a statement's actions resolve to, and the problems of those that resolve to nothing. */
interface ResolvedActions {
  readonly actions: SarAction[];
  readonly problems: string[];
  /** Whether some action could not be resolved (unknown until plan, `*`, or not an action). */
  readonly incomplete: boolean;
}

function resolveActions(statement: IamStatement, names: readonly string[]): ResolvedActions {
  const label = statementLabel(statement);
  const actions: SarAction[] = [];
  const problems: string[] = [];
  let incomplete = false;
  for (const name of names) {
    if (/[$%]\{/.test(name) || name === "*") {
      incomplete = true;
      continue;
    }
    const colon = name.indexOf(":");
    if (colon <= 0) {
      problems.push(`${label} names ${JSON.stringify(name)}, which is not an action (service:Action)`);
      incomplete = true;
      continue;
    }
    const service = name.slice(0, colon);
    const pattern = name.slice(colon + 1);
    const known = serviceActions(service);
    if (!known) {
      problems.push(
        `${label} names action ${JSON.stringify(name)} of service "${service}", which the Service Authorization ` +
          "Reference does not know; check the service prefix",
      );
      incomplete = true;
      continue;
    }
    const re = globRegExp(pattern);
    const matched = [...known.values()].filter((a) => re.test(a.name));
    if (matched.length === 0) {
      problems.push(
        `${label} names action ${JSON.stringify(name)}, which does not exist in the Service Authorization ` +
          `Reference (no action of ${service} matches it); check its spelling`,
      );
      incomplete = true;
    }
    actions.push(...matched);
  }
  return { actions, problems, incomplete };
}

/** A pattern character: a literal, `*` (anything), a header field's `*` (no colon), or `?` (one). */
type Token = string | { readonly wildcard: "any" | "field" | "one" };

const ANY: Token = { wildcard: "any" };
const FIELD: Token = { wildcard: "field" };
const ONE: Token = { wildcard: "one" };

/**
 * An ARN pattern as tokens. Variables (`${Region}`) and Terraform expressions are wildcards: in
 * the fields before the resource (partition, service, region, account) they cannot span a colon,
 * so `instance/*` of account `222222222222` never reads as a `volume/*` of account
 * `222222222222:instance/x`.
 */
function tokens(pattern: string): Token[] {
  const out: Token[] = [];
  let colons = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "$" && pattern[i + 1] === "{") {
      const close = pattern.indexOf("}", i);
      out.push(colons < 5 ? FIELD : ANY);
      i = close < 0 ? pattern.length : close;
    } else if (c === "*") out.push(ANY);
    else if (c === "?") out.push(ONE);
    else {
      if (c === ":") colons++;
      out.push(c);
    }
  }
  return out;
}

/** Whether a wildcard token may stand for the literal character `c`. */
function covers(t: Token, c: string): boolean {
  return typeof t !== "string" && (t.wildcard !== "field" || c !== ":");
}

/** Whether some string matches both patterns (a statement's resource, a resource type's ARN). */
function patternsOverlap(a: readonly Token[], b: readonly Token[]): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = i * (b.length + 1) + j;
    const known = memo.get(k);
    if (known !== undefined) return known;
    const x = a[i];
    const y = b[j];
    let result = i === a.length && j === b.length;
    const star = (t: Token | undefined): boolean => typeof t === "object" && t.wildcard !== "one";
    // A star may match nothing, or one more character of the other side.
    if (!result && star(x))
      result = go(i + 1, j) || (y !== undefined && (typeof y === "string" ? covers(x, y) : true) && go(i, j + 1));
    if (!result && star(y))
      result = go(i, j + 1) || (x !== undefined && (typeof x === "string" ? covers(y, x) : true) && go(i + 1, j));
    if (!result && x !== undefined && y !== undefined && !star(x) && !star(y)) {
      const same =
        typeof x === "string" && typeof y === "string"
          ? x === y
          : typeof x === "string"
            ? covers(y, x)
            : typeof y === "string"
              ? covers(x, y)
              : true;
      result = same && go(i + 1, j + 1);
    }
    memo.set(k, result);
    return result;
  };
  return go(0, 0);
}

/** The resource types of an action that a statement's resources can name; all of them without resources. */
function typesFor(action: SarAction, statement: IamStatement): readonly SarResourceType[] {
  const resources = statement.resources;
  // A trust policy has no Resource (the role is the resource); NotResource leaves every type open.
  if (resources.length === 0 || statement.notResources.length > 0 || resources.includes("*")) {
    return action.resourceTypes;
  }
  const patterns = resources.map((r) => tokens(r.replace(/%\{/g, "${")));
  return action.resourceTypes.filter((t) => patterns.some((r) => patternsOverlap(r, tokens(t.arn))));
}

/** Whether a condition key is of a service the reference knows (or `aws:`): one this rule can judge. */
function judgeable(key: string): boolean {
  const colon = key.indexOf(":");
  if (colon <= 0) return false;
  const prefix = key.slice(0, colon);
  return prefix.toLowerCase() === "aws" || serviceExists(prefix);
}

function keyApplies(key: string, actions: readonly SarAction[], statement: IamStatement): boolean {
  if (isGlobalConditionKey(key)) return true;
  return actions.some(
    (action) =>
      action.conditionKeys.some((t) => conditionKeyMatches(t, key)) ||
      typesFor(action, statement).some((type) => type.conditionKeys.some((t) => conditionKeyMatches(t, key))),
  );
}

function problemsOf(statement: IamStatement): string[] {
  const named = resolveActions(statement, statement.actions);
  const excluded = resolveActions(statement, statement.notActions);
  const problems = [...named.problems, ...excluded.problems];
  // Keys are judged against the statement's actions; with NotAction, or an action unknown
  // until plan, the actions it applies to are not known here.
  if (statement.notActions.length > 0 || named.incomplete || named.actions.length === 0) return problems;
  const label = statementLabel(statement);
  const actionNames = [...new Set(named.actions.map((a) => a.name))].join(", ");
  const resources = statement.resources.length > 0 ? ` on ${statement.resources.join(", ")}` : "";
  for (const key of new Set(statement.conditionKeys)) {
    if (!judgeable(key) || keyApplies(key, named.actions, statement)) continue;
    problems.push(
      `${label} has a condition on ${JSON.stringify(key)}, which applies to none of its actions (${actionNames})` +
        `${resources} in the Service Authorization Reference: requests carry no such key, so the condition ` +
        "never matches (or, with IfExists, never restricts); use a key listed for these actions and resource types",
    );
  }
  return problems;
}

/** A role's trust policy given as JSON (a policy document's statements are checked on the document). */
function trustStatements(type: string, attributes: Readonly<Record<string, unknown>>): IamStatement[] {
  const policy = attributes.assume_role_policy;
  if (type !== "aws_iam_role" || typeof policy !== "string" || isDocumentReference(policy)) return [];
  return jsonStatements(policy) ?? [];
}

/**
 * Every action a policy statement names must exist, and every condition key it tests must apply
 * to at least one of its actions on the resources it names, per the AWS Service Authorization
 * Reference. A misspelt action allows or denies nothing; a condition on a key the request never
 * carries silently never matches (an Allow that never applies, or a Deny that never denies).
 * Keys of unknown prefixes (an OIDC provider's) and statements with `NotAction` are not judged.
 */
export const IamActionsExistAndConditionKeysApply: PolicyRule = {
  name: "IamActionsExistAndConditionKeysApply",
  level: "error",
  check({ type, attributes }) {
    return [...permissionStatements(type, attributes), ...trustStatements(type, attributes)].flatMap(problemsOf);
  },
};
