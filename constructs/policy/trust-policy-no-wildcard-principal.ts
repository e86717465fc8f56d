import { literalText, policyStatements, statementLabel } from "./iam-statements";
import { PolicyRule } from "./rule";

/**
 * A role's trust policy must not allow a wildcard principal (`"Principal": "*"`,
 * `{"AWS": "*"}`, or an identifier containing `*`): that lets principals of any account assume it.
 */
export const TrustPolicyNoWildcardPrincipal: PolicyRule = {
  name: "TrustPolicyNoWildcardPrincipal",
  level: "error",
  check({ element, type, attributes }) {
    if (type !== "aws_iam_role") return [];
    const statements = policyStatements(element, attributes.assume_role_policy) ?? [];
    return statements
      .filter((s) => s.effect === "Allow")
      .flatMap((s) =>
        s.principals
          .flatMap((p) => p.identifiers)
          .filter((id) => literalText(id).includes("*"))
          .map(
            (id) =>
              `${statementLabel(s)} of the trust policy (assume_role_policy) allows the wildcard principal ` +
              `${JSON.stringify(id)}, so principals of any account may assume the role; ` +
              "name the trusted accounts or roles instead",
          ),
      );
  },
};
