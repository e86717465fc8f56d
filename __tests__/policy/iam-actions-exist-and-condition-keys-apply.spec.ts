import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamActionsExistAndConditionKeysApply } from "../../constructs/policy/iam-actions-exist-and-condition-keys-apply";
import { checkedStack, findings } from "./helpers";

const RULE = "IamActionsExistAndConditionKeysApply";
const INSTANCES = "arn:aws:ec2:us-east-1:222222222222:instance/*";

/** The rule's error on `path`. */
const error = (path: string, message: string) => ({ level: "error", path, message: `[${RULE}] ${path}: ${message}` });

const missingAction = (statement: string, action: string, service: string) =>
  `${statement} names action "${action}", which does not exist in the Service Authorization Reference ` +
  `(no action of ${service} matches it); check its spelling`;

const keyApplies = (statement: string, key: string, actions: string, resources: string) =>
  `${statement} has a condition on "${key}", which applies to none of its actions (${actions})${resources} ` +
  "in the Service Authorization Reference: requests carry no such key, so the condition never matches " +
  "(or, with IfExists, never restricts); use a key listed for these actions and resource types";

const jsonPolicy = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] });

describe("IamActionsExistAndConditionKeysApply", () => {
  test("GIVEN existing actions with keys of their resource types and global keys WHEN synthesized THEN there is no finding", () => {
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [
        {
          actions: ["ec2:RunInstances"],
          resources: [INSTANCES],
          condition: [
            { test: "StringEquals", variable: "aws:RequestedRegion", values: ["us-east-1"] },
            { test: "StringEquals", variable: "aws:RequestTag/ManagedBy", values: ["app"] },
            { test: "StringEquals", variable: "ec2:InstanceType", values: ["t3.micro"] },
          ],
        },
        {
          actions: ["ec2:Describe*"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:RequestedRegion", values: ["us-east-1"] }],
        },
      ],
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a misspelt action WHEN synthesized THEN the rule reports that it does not exist", () => {
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [{ sid: "Launch", actions: ["ec2:RunInstance", "ec2:TerminateInstances"], resources: ["*"] }],
    });
    expect(findings(stack)).toEqual([
      error("stack/Document", missingAction('statement "Launch"', "ec2:RunInstance", "ec2")),
    ]);
  });

  test("GIVEN a wildcard that matches no action WHEN synthesized THEN the rule reports it", () => {
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [{ notActions: ["ec2:Descirbe*"], resources: ["*"], effect: "Deny" }],
    });
    expect(findings(stack)).toEqual([error("stack/Document", missingAction("statement 1", "ec2:Descirbe*", "ec2"))]);
  });

  test("GIVEN an action of an unknown service WHEN synthesized THEN the rule reports the service", () => {
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    new IamPolicy(stack, "Policy", { name: "p", policy: jsonPolicy({ Action: "ecc2:RunInstances", Resource: "*" }) });
    expect(findings(stack)).toEqual([
      error(
        "stack/Policy",
        'statement 1 names action "ecc2:RunInstances" of service "ecc2", which the Service Authorization ' +
          "Reference does not know; check the service prefix",
      ),
    ]);
  });

  test("GIVEN a condition key of another resource type than the statement's WHEN synthesized THEN the rule reports it", () => {
    // ec2:Encrypted applies to RunInstances on a volume; this statement allows instances only.
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [
        {
          sid: "RunInstancesInstance",
          actions: ["ec2:RunInstances"],
          resources: [INSTANCES],
          condition: [{ test: "Bool", variable: "ec2:Encrypted", values: ["true"] }],
        },
      ],
    });
    expect(findings(stack)).toEqual([
      error(
        "stack/Document",
        keyApplies('statement "RunInstancesInstance"', "ec2:Encrypted", "RunInstances", ` on ${INSTANCES}`),
      ),
    ]);
  });

  test("GIVEN the same key on a statement for volumes WHEN synthesized THEN there is no finding", () => {
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [
        {
          actions: ["ec2:RunInstances"],
          resources: ["arn:aws:ec2:us-east-1:222222222222:volume/*"],
          condition: [{ test: "Bool", variable: "ec2:Encrypted", values: ["true"] }],
        },
      ],
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN aws:ResourceTag on an action without resources WHEN synthesized THEN the rule reports it", () => {
    // DescribeInstances is authorized on "*" only: no resource, so no resource tags.
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [
        {
          actions: ["ec2:DescribeInstances"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "aws:ResourceTag/ManagedBy", values: ["app"] }],
        },
      ],
    });
    expect(findings(stack)).toEqual([
      error("stack/Document", keyApplies("statement 1", "aws:ResourceTag/ManagedBy", "DescribeInstances", " on *")),
    ]);
  });

  test("GIVEN resources whose parts are unknown until plan WHEN synthesized THEN they are matched as wildcards", () => {
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    const partition = new DataAwsPartition(stack, "Partition").partition;
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [
        {
          actions: ["ec2:TerminateInstances"],
          resources: [`arn:${partition}:ec2:us-east-1:*:instance/*`],
          condition: [{ test: "StringEquals", variable: "aws:ResourceTag/ManagedBy", values: ["app"] }],
        },
      ],
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a trust policy with sts:ExternalId on sts:TagSession alone WHEN synthesized THEN the rule reports it", () => {
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    new DataAwsIamPolicyDocument(stack, "Trust", {
      statement: [
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }],
          condition: [{ test: "StringEquals", variable: "sts:ExternalId", values: ["tenant-42"] }],
        },
        {
          actions: ["sts:TagSession"],
          principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }],
          condition: [{ test: "StringEquals", variable: "sts:ExternalId", values: ["tenant-42"] }],
        },
      ],
    });
    expect(findings(stack)).toEqual([
      error("stack/Trust", keyApplies("statement 2", "sts:ExternalId", "TagSession", "")),
    ]);
  });

  test("GIVEN a role's JSON trust policy with a misspelt action WHEN synthesized THEN the rule reports it", () => {
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    new IamRole(stack, "Role", {
      name: "r",
      assumeRolePolicy: jsonPolicy({ Action: "sts:AssumeRoles", Principal: { AWS: "arn:aws:iam::111111111111:root" } }),
    });
    expect(findings(stack)).toEqual([error("stack/Role", missingAction("statement 1", "sts:AssumeRoles", "sts"))]);
  });

  test("GIVEN keys the reference cannot judge (an OIDC provider's) or NotAction WHEN synthesized THEN there is no finding", () => {
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [
        {
          actions: ["sts:AssumeRoleWithWebIdentity"],
          principals: [{ type: "Federated", identifiers: ["arn:aws:iam::111111111111:oidc-provider/example.com"] }],
          condition: [{ test: "StringEquals", variable: "example.com:aud", values: ["sts.amazonaws.com"] }],
        },
        {
          effect: "Deny",
          notActions: ["ec2:Describe*"],
          resources: ["*"],
          condition: [{ test: "Bool", variable: "ec2:Encrypted", values: ["false"] }],
        },
      ],
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a condition key unknown until plan WHEN synthesized THEN it is not judged", () => {
    const stack = checkedStack(IamActionsExistAndConditionKeysApply);
    const partition = new DataAwsPartition(stack, "Partition").partition;
    new DataAwsIamPolicyDocument(stack, "Document", {
      statement: [
        {
          actions: ["ec2:DescribeInstances"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: `aws:ResourceTag/${partition}`, values: ["x"] }],
        },
      ],
    });
    expect(findings(stack)).toEqual([]);
  });
});
