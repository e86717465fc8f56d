import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformVariable } from "cdktf";
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

/** The findings on an `aws_iam_policy` ("stack/Policy") whose JSON policy has these statements. */
const policyFindings = (...statements: Record<string, unknown>[]) => {
  const stack = checkedStack(IamActionsExistAndConditionKeysApply);
  new IamPolicy(stack, "Policy", {
    name: "p",
    policy: JSON.stringify({ Version: "2012-10-17", Statement: statements.map((s) => ({ Effect: "Allow", ...s })) }),
  });
  return findings(stack);
};

/** A condition on one key. */
const on = (key: string) => ({ StringEquals: { [key]: "v" } });

/** The findings on ec2:RunInstances with one resource and a condition on one key, in a statement "Run". */
const runInstancesFindings = (resource: string, key: string) =>
  policyFindings({ Sid: "Run", Action: "ec2:RunInstances", Resource: [resource], Condition: on(key) });

/** The rule's error on the statement "Run" that `key` applies to none of RunInstances on `resource`. */
const runInstancesError = (resource: string, key: string) =>
  error("stack/Policy", keyApplies('statement "Run"', key, "RunInstances", ` on ${resource}`));

const ACCOUNT = "arn:aws:ec2:us-east-1:222222222222:";
const ACCESS_GRANTS = "arn:aws:s3:us-east-1:222222222222:access-grants/";

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

  describe("actions", () => {
    test("GIVEN the action * beside an existing action WHEN synthesized THEN neither the action nor the condition is reported", () => {
      // "*" stands for every action: which keys a request carries is unknown.
      expect(
        policyFindings({
          Action: ["*", "ec2:DescribeInstances"],
          Resource: "*",
          Condition: on("aws:ResourceTag/team"),
        }),
      ).toEqual([]);
    });

    test("GIVEN an action unknown until plan beside an existing action WHEN synthesized THEN neither the action nor the condition is reported", () => {
      const stack = checkedStack(IamActionsExistAndConditionKeysApply);
      const action = new TerraformVariable(stack, "action", { type: "string" }).stringValue;
      new DataAwsIamPolicyDocument(stack, "Document", {
        statement: [
          {
            actions: [action, "ec2:DescribeInstances"],
            resources: ["*"],
            condition: [{ test: "StringEquals", variable: "aws:ResourceTag/team", values: ["v"] }],
          },
        ],
      });
      expect(findings(stack)).toEqual([]);
    });

    test("GIVEN names without a service prefix WHEN synthesized THEN the rule reports that they are no actions", () => {
      expect(policyFindings({ Action: ["RunInstances", ":RunInstances"], Resource: "*" })).toEqual([
        error("stack/Policy", 'statement 1 names "RunInstances", which is not an action (service:Action)'),
        error("stack/Policy", 'statement 1 names ":RunInstances", which is not an action (service:Action)'),
      ]);
    });

    test("GIVEN a name that is no action, an unknown service or a missing action beside an existing action WHEN synthesized THEN only the names are reported, not the condition", () => {
      const existing = "ec2:DescribeInstances";
      const condition = on("aws:ResourceTag/team");
      expect(
        policyFindings(
          { Action: ["DescribeInstances", existing], Resource: "*", Condition: condition },
          { Action: ["ecc2:DescribeInstances", existing], Resource: "*", Condition: condition },
          { Action: ["ec2:DescribeInstance", existing], Resource: "*", Condition: condition },
        ),
      ).toEqual([
        error("stack/Policy", 'statement 1 names "DescribeInstances", which is not an action (service:Action)'),
        error(
          "stack/Policy",
          'statement 2 names action "ecc2:DescribeInstances" of service "ecc2", which the Service Authorization ' +
            "Reference does not know; check the service prefix",
        ),
        error("stack/Policy", missingAction("statement 3", "ec2:DescribeInstance", "ec2")),
      ]);
    });
  });

  describe("condition keys", () => {
    test("GIVEN a key of one of two actions WHEN synthesized THEN there is no finding", () => {
      expect(
        policyFindings({
          Action: ["ec2:RunInstances", "ec2:DescribeInstances"],
          Resource: "*",
          Condition: on("ec2:InstanceType"),
        }),
      ).toEqual([]);
    });

    test("GIVEN a key of none of two actions on two resources WHEN synthesized THEN the finding lists both actions and both resources", () => {
      const resources = [`${ACCOUNT}instance/i-1`, `${ACCOUNT}instance/i-2`];
      expect(
        policyFindings({
          Action: ["ec2:RunInstances", "ec2:StartInstances"],
          Resource: resources,
          Condition: on("ec2:Encrypted"),
        }),
      ).toEqual([
        error(
          "stack/Policy",
          keyApplies("statement 1", "ec2:Encrypted", "RunInstances, StartInstances", ` on ${resources.join(", ")}`),
        ),
      ]);
    });

    test("GIVEN Action and NotAction in one statement WHEN synthesized THEN its keys are not judged", () => {
      expect(
        policyFindings({
          Action: "ec2:DescribeInstances",
          NotAction: "ec2:RunInstances",
          Resource: "*",
          Condition: on("aws:ResourceTag/team"),
        }),
      ).toEqual([]);
    });

    test("GIVEN a statement without actions WHEN synthesized THEN its keys are not judged", () => {
      expect(policyFindings({ Resource: "*", Condition: on("aws:ResourceTag/team") })).toEqual([]);
    });

    test("GIVEN keys without a service prefix WHEN synthesized THEN they are not judged", () => {
      expect(
        policyFindings({
          Action: "ec2:DescribeInstances",
          Resource: "*",
          Condition: { StringEquals: { awss: "v", ":InstanceType": "v" } },
        }),
      ).toEqual([]);
    });

    test("GIVEN a statement without Resource WHEN synthesized THEN the keys of every resource type apply", () => {
      expect(policyFindings({ Action: "ec2:RunInstances", Condition: on("ec2:InstanceType") })).toEqual([]);
    });

    test("GIVEN Resource and NotResource WHEN synthesized THEN the keys of every resource type apply", () => {
      expect(
        policyFindings({
          Action: "ec2:RunInstances",
          Resource: [`${ACCOUNT}instance/*`],
          NotResource: [`${ACCOUNT}instance/i-1`],
          Condition: on("ec2:Encrypted"),
        }),
      ).toEqual([]);
    });

    test("GIVEN an empty resource WHEN synthesized THEN it names no resource type", () => {
      expect(runInstancesFindings("", "ec2:InstanceType")).toEqual([runInstancesError("", "ec2:InstanceType")]);
    });

    test("GIVEN two resources of which one is an instance WHEN synthesized THEN the instance's keys apply", () => {
      expect(
        policyFindings({
          Action: "ec2:RunInstances",
          Resource: [`${ACCOUNT}instance/*`, `${ACCOUNT}volume/*`],
          Condition: on("ec2:InstanceType"),
        }),
      ).toEqual([]);
    });

    test("GIVEN a role's trust policy set on another resource type WHEN synthesized THEN it is not read", () => {
      const stack = checkedStack(IamActionsExistAndConditionKeysApply);
      const policy = new IamPolicy(stack, "Policy", {
        name: "p",
        policy: jsonPolicy({ Action: "s3:GetObject", Resource: "*" }),
      });
      policy.addOverride("assume_role_policy", jsonPolicy({ Action: "sts:AssumeRoles" }));
      expect(findings(stack)).toEqual([]);
    });
  });

  describe("resource patterns", () => {
    test("GIVEN a $ or { that starts no variable WHEN synthesized THEN it is a literal character", () => {
      // "volume$x" and "volume{x}" are no volumes: ec2:Encrypted applies to none of their types.
      expect(runInstancesFindings(`${ACCOUNT}volume$x`, "ec2:Encrypted")).toEqual([
        runInstancesError(`${ACCOUNT}volume$x`, "ec2:Encrypted"),
      ]);
      expect(runInstancesFindings(`${ACCOUNT}volume{x}`, "ec2:Encrypted")).toEqual([
        runInstancesError(`${ACCOUNT}volume{x}`, "ec2:Encrypted"),
      ]);
    });

    test("GIVEN a variable without its closing brace WHEN synthesized THEN it stands for the rest of the resource", () => {
      expect(runInstancesFindings(`${ACCOUNT}volume/\${VolumeId`, "ec2:Encrypted")).toEqual([]);
    });

    test("GIVEN a Terraform template directive (%{) in the resource WHEN synthesized THEN it is a wildcard", () => {
      expect(runInstancesFindings(`${ACCOUNT}%{if true}instance%{endif}/i-1`, "ec2:InstanceType")).toEqual([]);
    });

    test("GIVEN an instance id with a colon WHEN synthesized THEN the instance's variable part spans it", () => {
      expect(runInstancesFindings(`${ACCOUNT}instance/i-1:x`, "ec2:InstanceType")).toEqual([]);
    });

    test("GIVEN an account unknown until plan WHEN synthesized THEN it does not span the colon before the resource", () => {
      const stack = checkedStack(IamActionsExistAndConditionKeysApply);
      const account = new DataAwsCallerIdentity(stack, "Caller").accountId;
      new DataAwsIamPolicyDocument(stack, "Document", {
        statement: [
          {
            actions: ["ec2:RunInstances"],
            resources: [`arn:aws:ec2:us-east-1:${account}`],
            condition: [{ test: "StringEquals", variable: "ec2:InstanceType", values: ["t3.micro"] }],
          },
        ],
      });
      expect(findings(stack)).toEqual([
        error(
          "stack/Document",
          keyApplies(
            "statement 1",
            "ec2:InstanceType",
            "RunInstances",
            " on arn:aws:ec2:us-east-1:${data.aws_caller_identity.Caller.account_id}",
          ),
        ),
      ]);
    });

    test("GIVEN * and ? in instance resources WHEN synthesized THEN they match instances", () => {
      for (const resource of [
        `${ACCOUNT}inst*`,
        `${ACCOUNT}instanc?/i-1`,
        `${ACCOUNT}instance/`,
        `${ACCOUNT}instance/i-?`,
        "*a",
      ]) {
        expect(runInstancesFindings(resource, "ec2:InstanceType")).toEqual([]);
      }
    });

    test("GIVEN resources that only nearly name an instance WHEN synthesized THEN they match no instance", () => {
      // ? stands for exactly one character, and the instance id must follow "instance/".
      for (const resource of [`${ACCOUNT}?instance/i-1`, `${ACCOUNT}instance`]) {
        expect(runInstancesFindings(resource, "ec2:InstanceType")).toEqual([
          runInstancesError(resource, "ec2:InstanceType"),
        ]);
      }
    });

    test("GIVEN resources longer than a resource type's ARN without variable part WHEN synthesized THEN they do not name it", () => {
      // The access grants instance is ".../access-grants/default", nothing more; aws:TagKeys applies to it.
      for (const resource of [`${ACCESS_GRANTS}defaultX`, `${ACCESS_GRANTS}*X`]) {
        expect(
          policyFindings({ Action: "s3:GetAccessGrantsInstance", Resource: [resource], Condition: on("aws:TagKeys") }),
        ).toEqual([
          error("stack/Policy", keyApplies("statement 1", "aws:TagKeys", "GetAccessGrantsInstance", ` on ${resource}`)),
        ]);
      }
      expect(
        policyFindings({
          Action: "s3:GetAccessGrantsInstance",
          Resource: [`${ACCESS_GRANTS}default`],
          Condition: on("aws:TagKeys"),
        }),
      ).toEqual([]);
    });

    test("GIVEN a long resource with a wildcard in the region WHEN synthesized THEN it can name an access point", () => {
      expect(
        policyFindings({
          Action: "s3:ListTagsForResource",
          Resource: ["arn:aws:s3:*accountinstance222222222222:"],
          Condition: on("s3:DataAccessPointArn"),
        }),
      ).toEqual([]);
    });
  });
});
