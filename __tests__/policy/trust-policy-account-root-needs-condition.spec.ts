import { TerraformStack } from "cdktf";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TrustPolicyAccountRootNeedsCondition } from "../../constructs/policy/trust-policy-account-root-needs-condition";
import { SOURCE_ACCOUNT } from "../helpers";
import { checkedStack, findings } from "./helpers";

function roleTrusting(statement: (stack: TerraformStack) => DataAwsIamPolicyDocumentStatement): TerraformStack {
  const stack = checkedStack(TrustPolicyAccountRootNeedsCondition);
  const trust = new DataAwsIamPolicyDocument(stack, "Trust", { statement: [statement(stack)] });
  new IamRole(stack, "Role", { name: "deployer", assumeRolePolicy: trust.json });
  return stack;
}

const warning = (principal: string) => ({
  level: "warning",
  path: "stack/Role",
  message:
    `[TrustPolicyAccountRootNeedsCondition] stack/Role: statement "Trust" of the trust policy (assume_role_policy) ` +
    `trusts the whole account "${principal}" with no condition, so any user or role there that may call ` +
    "sts:AssumeRole can assume this role; add a condition (sts:ExternalId, aws:MultiFactorAuthPresent or " +
    "aws:PrincipalOrgID) or trust specific roles instead",
});

describe("TrustPolicyAccountRootNeedsCondition", () => {
  test("GIVEN a whole account trusted with an external id condition WHEN synthesized THEN there is no finding", () => {
    const stack = roleTrusting(() => ({
      sid: "Trust",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${SOURCE_ACCOUNT}:root`] }],
      condition: [{ test: "StringEquals", variable: "sts:ExternalId", values: ["a-shared-secret"] }],
    }));
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a whole account trusted with no condition WHEN synthesized THEN the rule warns", () => {
    const stack = roleTrusting(() => ({
      sid: "Trust",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${SOURCE_ACCOUNT}:root`] }],
    }));
    expect(findings(stack)).toEqual([warning(`arn:aws:iam::${SOURCE_ACCOUNT}:root`)]);
  });

  test("GIVEN a :root ARN built from tokens and no condition WHEN synthesized THEN the rule warns", () => {
    const stack = roleTrusting((scope) => {
      const partition = new DataAwsPartition(scope, "Partition");
      const source = new DataAwsCallerIdentity(scope, "Source");
      return {
        sid: "Trust",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "AWS", identifiers: [`arn:${partition.partition}:iam::${source.accountId}:root`] }],
      };
    });
    expect(findings(stack)).toEqual([
      warning("arn:${data.aws_partition.Partition.partition}:iam::${data.aws_caller_identity.Source.account_id}:root"),
    ]);
  });

  test("GIVEN a bare account id in a JSON trust policy with no condition WHEN synthesized THEN the rule warns", () => {
    const stack = checkedStack(TrustPolicyAccountRootNeedsCondition);
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Sid: "Trust", Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: SOURCE_ACCOUNT } }],
    };
    new IamRole(stack, "Role", { name: "deployer", assumeRolePolicy: JSON.stringify(policy) });
    expect(findings(stack)).toEqual([warning(SOURCE_ACCOUNT)]);
  });

  test("GIVEN one role of the account trusted with no condition WHEN synthesized THEN there is no finding", () => {
    const stack = roleTrusting(() => ({
      sid: "Trust",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer`] }],
    }));
    expect(findings(stack)).toEqual([]);
  });
});
