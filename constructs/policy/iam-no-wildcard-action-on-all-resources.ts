import {
  documentStatements,
  IamStatement,
  isDocumentReference,
  jsonStatements,
  statementLabel,
} from "./iam-statements";
import { isUnknown, PolicyRule } from "./rule";

/** Resources whose `policy` argument is a permissions policy. */
const POLICY_RESOURCES = ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

/** JSON permissions policies of a subject; the JSON of a policy document is checked on the document. */
function jsonPolicies(values: unknown[]): IamStatement[] {
  return values
    .filter((v): v is string => typeof v === "string" && !isDocumentReference(v))
    .flatMap((v) => jsonStatements(v) ?? []);
}

function statementsOf(type: string, attributes: Readonly<Record<string, unknown>>): IamStatement[] {
  if (type === "data.aws_iam_policy_document") {
    // Its own statements, and the JSON literals it merges (referenced documents are checked themselves).
    const merged = [attributes.source_policy_documents, attributes.override_policy_documents].flatMap((v) =>
      Array.isArray(v) ? v.filter((p) => !isUnknown(p)) : [],
    );
    return [...(documentStatements(attributes) ?? []), ...jsonPolicies(merged)];
  }
  if (POLICY_RESOURCES.includes(type)) return jsonPolicies([attributes.policy]);
  if (type === "aws_iam_role" && Array.isArray(attributes.inline_policy)) {
    return jsonPolicies(attributes.inline_policy.map((p: Record<string, unknown>) => p?.policy));
  }
  return [];
}

const quoted = (items: readonly string[]): string => items.map((i) => JSON.stringify(i)).join(", ");

/** What a statement allows actions on, if that is every resource: `resource "*"` or all but a few. */
function everyResource(s: IamStatement): string | undefined {
  if (s.resources.includes("*")) return 'resource "*"';
  if (s.notResources.length > 0) return `every resource but ${quoted(s.notResources)} (NotResource)`;
  return undefined;
}

/** The ways a statement allows every action: `action "*"`, `action "*:*"`, or all but a few. */
function everyAction(s: IamStatement): string[] {
  const wildcards = s.actions.filter((a) => a === "*" || a === "*:*").map((a) => `action ${JSON.stringify(a)}`);
  return s.notActions.length > 0 ? [...wildcards, `every action but ${quoted(s.notActions)} (NotAction)`] : wildcards;
}

/**
 * No policy statement may allow every action (`*` or `*:*`) on every resource (`*`): that is
 * administrator access, far more than any deployment needs. `NotAction` and `NotResource` allow
 * everything but what they list, so an Allow statement with them counts as every action or every
 * resource.
 */
export const IamNoWildcardActionOnAllResources: PolicyRule = {
  name: "IamNoWildcardActionOnAllResources",
  level: "error",
  check({ type, attributes }) {
    return statementsOf(type, attributes)
      .filter((s) => s.effect === "Allow")
      .flatMap((s) => {
        const resources = everyResource(s);
        if (resources === undefined) return [];
        return everyAction(s).map(
          (actions) =>
            `${statementLabel(s)} allows ${actions} on ${resources}, which is administrator ` +
            "access; list only the actions and resources needed",
        );
      });
  },
};
