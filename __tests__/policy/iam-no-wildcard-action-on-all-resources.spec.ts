import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamNoWildcardActionOnAllResources } from "../../constructs/policy/iam-no-wildcard-action-on-all-resources";
import { checkedStack, findings } from "./helpers";

const finding = (path: string, statement: string, action: string) => ({
  level: "error",
  path,
  message:
    `[IamNoWildcardActionOnAllResources] ${path}: ${statement} allows action "${action}" on resource "*", ` +
    "which is administrator access; list only the actions and resources needed",
});

const jsonPolicy = (action: string, resource: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });

describe("IamNoWildcardActionOnAllResources", () => {
  test("GIVEN a document allowing named actions on * WHEN synthesized THEN there is no finding", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [{ actions: ["ec2:DescribeInstances"], resources: ["*"] }],
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a document allowing * on * WHEN synthesized THEN the rule reports an error on it", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [{ sid: "Admin", actions: ["*"], resources: ["*"] }],
    });
    expect(findings(stack)).toEqual([finding("stack/Document", 'statement "Admin"', "*")]);
  });

  test("GIVEN an IamPolicy whose JSON allows *:* on * WHEN synthesized THEN the rule reports an error", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new IamPolicy(stack, "Policy", { name: "admin", policy: jsonPolicy("*:*", "*") });
    expect(findings(stack)).toEqual([finding("stack/Policy", "statement 1", "*:*")]);
  });

  test("GIVEN an IamRolePolicy whose JSON allows * on * WHEN synthesized THEN the rule reports an error", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new IamRolePolicy(stack, "Inline", { role: "deployer", policy: jsonPolicy("*", "*") });
    expect(findings(stack)).toEqual([finding("stack/Inline", "statement 1", "*")]);
  });

  test("GIVEN an IamPolicy allowing * on one bucket WHEN synthesized THEN there is no finding", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new IamPolicy(stack, "Policy", { name: "bucket", policy: jsonPolicy("*", "arn:aws:s3:::a-bucket/*") });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN an IamPolicy made from a document allowing * on * WHEN synthesized THEN only the document is reported", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    const document = new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [{ actions: ["*"], resources: ["*"] }],
    });
    new IamPolicy(stack, "Policy", { name: "admin", policy: document.json });
    expect(findings(stack)).toEqual([finding("stack/Document", "statement 1", "*")]);
  });
});
