import { TerraformStack } from "cdktf";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TrustPolicyNoWildcardPrincipal } from "../../constructs/policy/trust-policy-no-wildcard-principal";
import { SOURCE_ACCOUNT } from "../helpers";
import { checkedStack, findings } from "./helpers";

function roleTrusting(statement: DataAwsIamPolicyDocumentStatement): TerraformStack {
  const stack = checkedStack(TrustPolicyNoWildcardPrincipal);
  const trust = new DataAwsIamPolicyDocument(stack, "Trust", { statement: [statement] });
  new IamRole(stack, "Role", { name: "deployer", assumeRolePolicy: trust.json });
  return stack;
}

function roleWithJsonTrust(principal: unknown): TerraformStack {
  const stack = checkedStack(TrustPolicyNoWildcardPrincipal);
  const policy = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: principal }],
  };
  new IamRole(stack, "Role", { name: "deployer", assumeRolePolicy: JSON.stringify(policy) });
  return stack;
}

const finding = (statement: string, principal: string) => ({
  level: "error",
  path: "stack/Role",
  message:
    `[TrustPolicyNoWildcardPrincipal] stack/Role: ${statement} of the trust policy (assume_role_policy) allows ` +
    `the wildcard principal "${principal}", so principals of any account may assume the role; ` +
    "name the trusted accounts or roles instead",
});

describe("TrustPolicyNoWildcardPrincipal", () => {
  test("GIVEN a trust policy document naming one role WHEN synthesized THEN there is no finding", () => {
    const stack = roleTrusting({
      actions: ["sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer`] }],
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a trust policy document with principal * WHEN synthesized THEN the rule reports an error", () => {
    const stack = roleTrusting({
      sid: "Anyone",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: ["*"] }],
    });
    expect(findings(stack)).toEqual([finding('statement "Anyone"', "*")]);
  });

  test('GIVEN a JSON trust policy with "Principal": "*" WHEN synthesized THEN the rule reports an error', () => {
    expect(findings(roleWithJsonTrust("*"))).toEqual([finding("statement 1", "*")]);
  });

  test('GIVEN a JSON trust policy with {"AWS": "*"} WHEN synthesized THEN the rule reports an error', () => {
    expect(findings(roleWithJsonTrust({ AWS: "*" }))).toEqual([finding("statement 1", "*")]);
  });

  test("GIVEN a Deny statement with principal * WHEN synthesized THEN there is no finding", () => {
    const stack = roleTrusting({
      effect: "Deny",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: ["*"] }],
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a principal that is known only at plan WHEN synthesized THEN the rule does not guess", () => {
    const stack = checkedStack(TrustPolicyNoWildcardPrincipal);
    const other = new IamRole(stack, "Other", { name: "other", assumeRolePolicy: "{}" });
    const trust = new DataAwsIamPolicyDocument(stack, "Trust", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "AWS", identifiers: [other.arn] }] }],
    });
    new IamRole(stack, "Role", { name: "deployer", assumeRolePolicy: trust.json });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a data source of an existing role trusting principal * WHEN checked THEN there is no finding", () => {
    const existing = new DataAwsIamRole(checkedStack(), "Existing", { name: "deployer" });
    const policy = { Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: "*" }] };
    expect(
      TrustPolicyNoWildcardPrincipal.check({
        element: existing,
        type: "data.aws_iam_role",
        attributes: { assume_role_policy: JSON.stringify(policy) },
      }),
    ).toEqual([]);
  });
});
