import { Fn, TerraformStack, TerraformVariable } from "cdktf";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
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

  test("GIVEN a JSON trust statement without actions and no condition WHEN synthesized THEN the rule warns", () => {
    const stack = checkedStack(TrustPolicyAccountRootNeedsCondition);
    const policy = { Statement: [{ Sid: "Trust", Effect: "Allow", Principal: { AWS: SOURCE_ACCOUNT } }] };
    new IamRole(stack, "Role", { name: "deployer", assumeRolePolicy: JSON.stringify(policy) });
    expect(findings(stack)).toEqual([warning(SOURCE_ACCOUNT)]);
  });

  test("GIVEN a statement with not_actions as well as other actions and no condition WHEN synthesized THEN the rule warns", () => {
    const stack = roleTrusting(() => ({
      sid: "Trust",
      actions: ["s3:GetObject"],
      notActions: ["sts:TagSession"],
      principals: [{ type: "AWS", identifiers: [SOURCE_ACCOUNT] }],
    }));
    expect(findings(stack)).toEqual([warning(SOURCE_ACCOUNT)]);
  });

  test("GIVEN a statement that allows only sts:TagSession WHEN synthesized THEN there is no finding", () => {
    const stack = roleTrusting(() => ({
      sid: "Trust",
      actions: ["sts:TagSession"],
      principals: [{ type: "AWS", identifiers: [SOURCE_ACCOUNT] }],
    }));
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a statement that allows sts:TagSession and sts:AssumeRole WHEN synthesized THEN the rule warns", () => {
    const stack = roleTrusting(() => ({
      sid: "Trust",
      actions: ["sts:TagSession", "sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: [SOURCE_ACCOUNT] }],
    }));
    expect(findings(stack)).toEqual([warning(SOURCE_ACCOUNT)]);
  });

  test("GIVEN an action known only at plan WHEN synthesized THEN the rule warns, as it may be sts:AssumeRole", () => {
    const stack = roleTrusting((scope) => {
      const action = new TerraformVariable(scope, "Action", { type: "string" });
      return {
        sid: "Trust",
        actions: [`sts:${action.stringValue}`],
        principals: [{ type: "AWS", identifiers: [SOURCE_ACCOUNT] }],
      };
    });
    expect(findings(stack)).toEqual([warning(SOURCE_ACCOUNT)]);
  });

  test("GIVEN a Deny statement for a whole account with no condition WHEN synthesized THEN there is no finding", () => {
    const stack = roleTrusting(() => ({
      sid: "Trust",
      effect: "Deny",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "AWS", identifiers: [SOURCE_ACCOUNT] }],
    }));
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a :root ARN as a principal of another type than AWS WHEN synthesized THEN there is no finding", () => {
    const stack = roleTrusting(() => ({
      sid: "Trust",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "Federated", identifiers: [`arn:aws:iam::${SOURCE_ACCOUNT}:root`, SOURCE_ACCOUNT] }],
    }));
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN principals that only contain an account id or a :root ARN WHEN synthesized THEN there is no finding", () => {
    const stack = roleTrusting(() => ({
      sid: "Trust",
      actions: ["sts:AssumeRole"],
      principals: [
        {
          type: "AWS",
          identifiers: [
            `${SOURCE_ACCOUNT}0`,
            `0${SOURCE_ACCOUNT}`,
            `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer-${SOURCE_ACCOUNT}`,
            `arn:aws:iam::${SOURCE_ACCOUNT}:root/deployer`,
          ],
        },
      ],
    }));
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a :root ARN whose account is an expression containing colons WHEN synthesized THEN the rule warns", () => {
    const stack = roleTrusting((scope) => {
      const production = new TerraformVariable(scope, "Production", { type: "bool" });
      const account = Fn.conditional(production.booleanValue, SOURCE_ACCOUNT, "333333333333");
      return {
        sid: "Trust",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${account}:root`] }],
      };
    });
    expect(findings(stack)).toEqual([
      {
        level: "warning",
        path: "stack/Role",
        message:
          '[TrustPolicyAccountRootNeedsCondition] stack/Role: statement "Trust" of the trust policy (assume_role_policy) ' +
          'trusts the whole account "arn:aws:iam::${var.Production ? \\"111111111111\\" : \\"333333333333\\"}:root" ' +
          "with no condition, so any user or role there that may call sts:AssumeRole can assume this role; add a " +
          "condition (sts:ExternalId, aws:MultiFactorAuthPresent or aws:PrincipalOrgID) or trust specific roles instead",
      },
    ]);
  });

  test("GIVEN a data source of an existing role trusting a whole account WHEN checked THEN there is no finding", () => {
    const existing = new DataAwsIamRole(checkedStack(), "Existing", { name: "deployer" });
    const policy = { Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: { AWS: SOURCE_ACCOUNT } }] };
    expect(
      TrustPolicyAccountRootNeedsCondition.check({
        element: existing,
        type: "data.aws_iam_role",
        attributes: { assume_role_policy: JSON.stringify(policy) },
      }),
    ).toEqual([]);
  });
});
