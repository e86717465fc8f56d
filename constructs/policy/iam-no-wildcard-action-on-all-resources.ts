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

/**
 * No policy statement may allow every action (`*` or `*:*`) on every resource (`*`): that is
 * administrator access, far more than any deployment needs.
 */
export const IamNoWildcardActionOnAllResources: PolicyRule = {
  name: "IamNoWildcardActionOnAllResources",
  level: "error",
  check({ type, attributes }) {
    return statementsOf(type, attributes)
      .filter((s) => s.effect === "Allow" && s.resources.includes("*"))
      .flatMap((s) =>
        s.actions
          .filter((a) => a === "*" || a === "*:*")
          .map(
            (a) =>
              `${statementLabel(s)} allows action ${JSON.stringify(a)} on resource "*", which is administrator ` +
              "access; list only the actions and resources needed",
          ),
      );
  },
};
