import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamNoWildcardActionOnAllResources } from "../../constructs/policy/iam-no-wildcard-action-on-all-resources";
import { checkedStack, findings } from "./helpers";

/** The rule's error on `path`: `statement` allows `what` (`action "*" on resource "*"`). */
const finding = (path: string, statement: string, what: string) => ({
  level: "error",
  path,
  message:
    `[IamNoWildcardActionOnAllResources] ${path}: ${statement} allows ${what}, ` +
    "which is administrator access; list only the actions and resources needed",
});

const jsonPolicy = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] });

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
    expect(findings(stack)).toEqual([finding("stack/Document", 'statement "Admin"', 'action "*" on resource "*"')]);
  });

  test("GIVEN an IamPolicy whose JSON allows *:* on * WHEN synthesized THEN the rule reports an error", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new IamPolicy(stack, "Policy", { name: "admin", policy: jsonPolicy({ Action: "*:*", Resource: "*" }) });
    expect(findings(stack)).toEqual([finding("stack/Policy", "statement 1", 'action "*:*" on resource "*"')]);
  });

  test("GIVEN an IamRolePolicy whose JSON allows * on * WHEN synthesized THEN the rule reports an error", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new IamRolePolicy(stack, "Inline", { role: "deployer", policy: jsonPolicy({ Action: "*", Resource: "*" }) });
    expect(findings(stack)).toEqual([finding("stack/Inline", "statement 1", 'action "*" on resource "*"')]);
  });

  test("GIVEN an IamPolicy allowing * on one bucket WHEN synthesized THEN there is no finding", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new IamPolicy(stack, "Policy", {
      name: "bucket",
      policy: jsonPolicy({ Action: "*", Resource: "arn:aws:s3:::a-bucket/*" }),
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN an IamPolicy made from a document allowing * on * WHEN synthesized THEN only the document is reported", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    const document = new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [{ actions: ["*"], resources: ["*"] }],
    });
    new IamPolicy(stack, "Policy", { name: "admin", policy: document.json });
    expect(findings(stack)).toEqual([finding("stack/Document", "statement 1", 'action "*" on resource "*"')]);
  });

  test("GIVEN a document allowing every action but IAM's (not_actions) on * WHEN synthesized THEN the rule reports an error", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [{ sid: "AllButIam", notActions: ["iam:*", "organizations:*"], resources: ["*"] }],
    });
    expect(findings(stack)).toEqual([
      finding(
        "stack/Document",
        'statement "AllButIam"',
        'every action but "iam:*", "organizations:*" (NotAction) on resource "*"',
      ),
    ]);
  });

  test("GIVEN an IamPolicy whose JSON allows * on every resource but one (NotResource) WHEN synthesized THEN the rule reports an error", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    const policy = jsonPolicy({ Action: "*", NotResource: "arn:aws:s3:::audit-logs/*" });
    new IamPolicy(stack, "Policy", { name: "admin", policy });
    expect(findings(stack)).toEqual([
      finding(
        "stack/Policy",
        "statement 1",
        'action "*" on every resource but "arn:aws:s3:::audit-logs/*" (NotResource)',
      ),
    ]);
  });

  test("GIVEN an IamPolicy whose JSON allows NotAction with NotResource WHEN synthesized THEN the rule reports an error", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    const policy = jsonPolicy({ NotAction: "iam:*", NotResource: ["arn:aws:s3:::audit-logs/*"] });
    new IamPolicy(stack, "Policy", { name: "admin", policy });
    expect(findings(stack)).toEqual([
      finding(
        "stack/Policy",
        "statement 1",
        'every action but "iam:*" (NotAction) on every resource but "arn:aws:s3:::audit-logs/*" (NotResource)',
      ),
    ]);
  });

  test("GIVEN a document allowing every action but IAM's on one bucket WHEN synthesized THEN there is no finding", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [{ notActions: ["iam:*"], resources: ["arn:aws:s3:::a-bucket/*"] }],
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a document denying every action but reads (not_actions) on * WHEN synthesized THEN there is no finding", () => {
    const stack = checkedStack(IamNoWildcardActionOnAllResources);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [{ effect: "Deny", notActions: ["ec2:Describe*"], resources: ["*"] }],
    });
    expect(findings(stack)).toEqual([]);
  });
});
