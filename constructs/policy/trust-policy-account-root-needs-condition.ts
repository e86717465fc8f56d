import { globRegExp, IamStatement, literalText, policyStatements, statementLabel } from "./iam-statements";
import { PolicyRule } from "./rule";

/**
 * `arn:<partition>:iam::<account>:root` or a bare account id, with the partition and the account
 * possibly unknown until plan (`arn:${data.aws_partition.P.partition}:iam::${...}:root`).
 */
const WHOLE_ACCOUNT_RE = /^(?:arn:[^:]+:iam::[^:]+:root|\d{12})$/;

/**
 * Whether a statement may let its principals start a session: it allows `sts:AssumeRole` (or
 * every action but some, or actions unknown until plan). `sts:TagSession` and
 * `sts:SetSourceIdentity` alone start none; AWS checks them only within an `sts:AssumeRole`.
 */
function allowsAssumeRole(s: IamStatement): boolean {
  if (s.notActions.length > 0 || s.actions.length === 0) return true;
  // An action with an expression in it may be anything once planned.
  return s.actions.some((a) => literalText(a) !== a || globRegExp(a).test("sts:AssumeRole"));
}

/**
 * A trust policy that trusts a whole account (its `:root`) should have a condition: without one,
 * every user and role of that account whose own policies allow `sts:AssumeRole` may assume the role.
 * A warning, since delegating the choice to the trusted account's administrators can be intended.
 */
export const TrustPolicyAccountRootNeedsCondition: PolicyRule = {
  name: "TrustPolicyAccountRootNeedsCondition",
  level: "warning",
  check({ element, type, attributes }) {
    if (type !== "aws_iam_role") return [];
    const statements = policyStatements(element, attributes.assume_role_policy) ?? [];
    return statements
      .filter((s) => s.effect === "Allow" && s.conditionCount === 0 && allowsAssumeRole(s))
      .flatMap((s) =>
        s.principals
          .filter((p) => p.type === "AWS")
          .flatMap((p) => p.identifiers)
          // Each expression stands for one unknown part: "${a}:${b}" is two parts, not "${a}:${b}".
          .filter((id) => WHOLE_ACCOUNT_RE.test(id.replace(/[$%]\{[^}]*\}/g, "X")))
          .map(
            (id) =>
              `${statementLabel(s)} of the trust policy (assume_role_policy) trusts the whole account ` +
              `${JSON.stringify(id)} with no condition, so any user or role there that may call sts:AssumeRole ` +
              "can assume this role; add a condition (sts:ExternalId, aws:MultiFactorAuthPresent or " +
              "aws:PrincipalOrgID) or trust specific roles instead",
          ),
      );
  },
};
