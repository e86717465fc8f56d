import { TerraformStack, Testing } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  EC2_DEPLOYER_LIFECYCLE_ACTIONS,
  EC2_DEPLOYER_MODIFY_ACTIONS,
  EC2_DEPLOYER_READ_ACTIONS,
  EC2_DEPLOYER_TAG_ACTIONS,
  Ec2DeployerPolicy,
  Ec2DeployerPolicyProps,
} from "../constructs/ec2-deployer-policy";
import { Block, exactly, onlyBlock, stackJson, testApp } from "./helpers";

/** An Ec2DeployerPolicy in a fresh stack with a destination provider. */
function policyIn(props: Partial<Ec2DeployerPolicyProps> = {}): TerraformStack {
  const stack = new TerraformStack(testApp(), "test");
  const provider = new AwsProvider(stack, "Destination", { alias: "destination", region: "eu-west-1" });
  new Ec2DeployerPolicy(stack, "Ec2DeployerPolicy", {
    provider,
    policyName: "deployer-ec2-deployer",
    region: "eu-west-1",
    managedBy: { key: "ManagedBy", value: "cdktf-assume-role" },
    instanceType: "t3.micro",
    amiOwners: ["099720109477"],
    ...props,
  });
  return stack;
}

/** The statements of the policy document, by sid. */
function statements(stack: TerraformStack): Record<string, Block> {
  const document = onlyBlock(stackJson(stack), "data", DataAwsIamPolicyDocument.tfResourceType).block;
  return Object.fromEntries((document.statement as Block[]).map((s) => [s.sid as string, s]));
}

/** `arn:<partition>:ec2:eu-west-1:<account>:<resource>`, with the expressions of the policy's data sources. */
function ec2Arn(stack: TerraformStack, resource: string, account = true): string {
  const json = stackJson(stack);
  const partition = onlyBlock(json, "data", DataAwsPartition.tfResourceType).id;
  const identity = onlyBlock(json, "data", DataAwsCallerIdentity.tfResourceType).id;
  const accountId = account ? `\${data.aws_caller_identity.${identity}.account_id}` : "";
  return `arn:\${data.aws_partition.${partition}.partition}:ec2:eu-west-1:${accountId}:${resource}`;
}

const IN_REGION = { test: "StringEquals", variable: "aws:RequestedRegion", values: ["eu-west-1"] };
const MANAGED = { test: "StringEquals", variable: "aws:ResourceTag/ManagedBy", values: ["cdktf-assume-role"] };

describe("Ec2DeployerPolicy", () => {
  it("is a customer-managed policy in the destination account made of its document", () => {
    // WHEN
    const stack = policyIn({ path: "/deployers/", tags: { ManagedBy: "cdktf-assume-role" } });

    // THEN
    const json = stackJson(stack);
    const document = onlyBlock(json, "data", DataAwsIamPolicyDocument.tfResourceType);
    expect(document.block.provider).toBe("aws.destination");
    expect(onlyBlock(json, "data", DataAwsPartition.tfResourceType).block.provider).toBe("aws.destination");
    expect(onlyBlock(json, "data", DataAwsCallerIdentity.tfResourceType).block.provider).toBe("aws.destination");
    expect(Testing.synth(stack)).toHaveResourceWithProperties(IamPolicy, {
      provider: "aws.destination",
      name: "deployer-ec2-deployer",
      path: "/deployers/",
      description: "Deploy, read, change and destroy the ec2-stack's instance in eu-west-1 only",
      policy: `\${data.aws_iam_policy_document.${document.id}.json}`,
      tags: { ManagedBy: "cdktf-assume-role" },
    });
  });

  it("has the root path by default", () => {
    expect(Testing.synth(policyIn())).toHaveResourceWithProperties(IamPolicy, { path: "/" });
  });

  it("allows actions in the given region only, and names no wildcard action", () => {
    // WHEN
    const all = Object.values(statements(policyIn()));

    // THEN
    expect(Object.keys(statements(policyIn()))).toEqual([
      "ReadForPlanAndRefresh",
      "RunInstancesInstance",
      "RunInstancesVolume",
      "RunInstancesNetworkInterface",
      "RunInstancesImage",
      "RunInstancesSubnet",
      "RunInstancesSecurityGroup",
      "TagOnLaunch",
      "TagOwnInstances",
      "ManageOwnInstances",
      "ModifyOwnInstances",
    ]);
    for (const statement of all) {
      expect(statement.effect).toBe("Allow");
      expect((statement.condition as Block[])[0]).toEqual(IN_REGION);
      for (const action of statement.actions as string[]) expect(action).toMatch(/^ec2:[A-Za-z]+$/);
    }
  });

  it("only reads to plan and refresh, on * (Describe calls have no resource-level permissions)", () => {
    expect(statements(policyIn()).ReadForPlanAndRefresh).toEqual({
      sid: "ReadForPlanAndRefresh",
      effect: "Allow",
      actions: [...EC2_DEPLOYER_READ_ACTIONS],
      resources: ["*"],
      condition: [IN_REGION],
    });
  });

  describe("RunInstances, one statement per resource type", () => {
    it("launches only instances of the configured type, with IMDSv2 and the ManagedBy tag", () => {
      const stack = policyIn();
      expect(statements(stack).RunInstancesInstance).toEqual({
        sid: "RunInstancesInstance",
        effect: "Allow",
        actions: ["ec2:RunInstances"],
        resources: [ec2Arn(stack, "instance/*")],
        condition: [
          IN_REGION,
          { test: "StringEquals", variable: "aws:RequestTag/ManagedBy", values: ["cdktf-assume-role"] },
          { test: "StringEquals", variable: "ec2:InstanceType", values: ["t3.micro"] },
          { test: "StringEquals", variable: "ec2:MetadataHttpTokens", values: ["required"] },
        ],
      });
    });

    it("creates only encrypted volumes", () => {
      const stack = policyIn();
      expect(statements(stack).RunInstancesVolume).toMatchObject({
        resources: [ec2Arn(stack, "volume/*")],
        condition: [IN_REGION, { test: "Bool", variable: "ec2:Encrypted", values: ["true"] }],
      });
    });

    it.each([
      [undefined, "false"],
      [false, "false"],
      [true, "true"],
    ])("attaches a network interface with associatePublicIpAddress %s only as %s", (setting, value) => {
      const stack = policyIn({ associatePublicIpAddress: setting });
      expect(statements(stack).RunInstancesNetworkInterface).toMatchObject({
        resources: [ec2Arn(stack, "network-interface/*")],
        condition: [IN_REGION, { test: "Bool", variable: "ec2:AssociatePublicIpAddress", values: [value] }],
      });
    });

    it("launches images of the configured owners only, 'self' being the policy's account", () => {
      const stack = policyIn({ amiOwners: ["099720109477", "amazon", "self"] });
      const identity = onlyBlock(stackJson(stack), "data", DataAwsCallerIdentity.tfResourceType).id;
      expect(statements(stack).RunInstancesImage).toMatchObject({
        resources: [ec2Arn(stack, "image/*", false)],
        condition: [
          IN_REGION,
          {
            test: "StringEquals",
            variable: "ec2:Owner",
            values: ["099720109477", "amazon", `\${data.aws_caller_identity.${identity}.account_id}`],
          },
        ],
      });
    });

    it("launches only the configured image, whoever owns it, when the image is given by id", () => {
      const stack = policyIn({ amiId: "ami-0123456789abcdef0" });
      const partition = onlyBlock(stackJson(stack), "data", DataAwsPartition.tfResourceType).id;
      expect(statements(stack).RunInstancesImage).toEqual({
        sid: "RunInstancesImage",
        effect: "Allow",
        actions: ["ec2:RunInstances"],
        resources: [`arn:\${data.aws_partition.${partition}.partition}:ec2:eu-west-1::image/ami-0123456789abcdef0`],
        condition: [IN_REGION],
      });
    });

    it("launches into the configured subnet and security groups only, in whichever account owns them (shared VPCs)", () => {
      const stack = policyIn({ subnetId: "subnet-01234567", securityGroupIds: ["sg-01234567", "sg-89abcdef"] });
      const partition = onlyBlock(stackJson(stack), "data", DataAwsPartition.tfResourceType).id;
      const arn = (resource: string): string =>
        `arn:\${data.aws_partition.${partition}.partition}:ec2:eu-west-1:*:${resource}`;
      expect(statements(stack).RunInstancesSubnet).toMatchObject({
        resources: [arn("subnet/subnet-01234567")],
        condition: [IN_REGION],
      });
      expect(statements(stack).RunInstancesSecurityGroup).toMatchObject({
        resources: [arn("security-group/sg-01234567"), arn("security-group/sg-89abcdef")],
        condition: [IN_REGION],
      });
    });

    it("uses subnets and security groups of its own account and region only", () => {
      const stack = policyIn();
      expect(statements(stack).RunInstancesSubnet).toMatchObject({
        resources: [ec2Arn(stack, "subnet/*")],
        condition: [IN_REGION],
      });
      expect(statements(stack).RunInstancesSecurityGroup).toMatchObject({
        resources: [ec2Arn(stack, "security-group/*")],
        condition: [IN_REGION],
      });
    });
  });

  describe("image parameter", () => {
    it("grants no SSM permission without an image parameter", () => {
      expect(Object.keys(statements(policyIn()))).not.toContain("ReadImageParameter");
    });

    it.each([
      [
        "a public parameter, which belongs to no account",
        "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
        false,
      ],
      ["a parameter of the account", "/golden/ami-id", true],
      ["a parameter named without a leading slash", "golden-ami", true],
    ])("reads only the configured image parameter: %s", (_, name, ownAccount) => {
      const stack = policyIn({ amiSsmParameter: name });
      const json = stackJson(stack);
      const partition = onlyBlock(json, "data", DataAwsPartition.tfResourceType).id;
      const identity = onlyBlock(json, "data", DataAwsCallerIdentity.tfResourceType).id;
      const account = ownAccount ? `\${data.aws_caller_identity.${identity}.account_id}` : "";
      expect(statements(stack).ReadImageParameter).toEqual({
        sid: "ReadImageParameter",
        effect: "Allow",
        actions: ["ssm:GetParameter"],
        resources: [
          `arn:\${data.aws_partition.${partition}.partition}:ssm:eu-west-1:${account}:parameter/${name.replace(/^\//, "")}`,
        ],
        condition: [IN_REGION],
      });
    });
  });

  describe("tags", () => {
    it("tags instances while launching them", () => {
      const stack = policyIn();
      expect(statements(stack).TagOnLaunch).toEqual({
        sid: "TagOnLaunch",
        effect: "Allow",
        actions: ["ec2:CreateTags"],
        resources: [ec2Arn(stack, "instance/*")],
        condition: [IN_REGION, { test: "StringEquals", variable: "ec2:CreateAction", values: ["RunInstances"] }],
      });
    });

    it("retags only its own instances, never the ManagedBy tag, never all tags at once", () => {
      const stack = policyIn();
      expect(statements(stack).TagOwnInstances).toEqual({
        sid: "TagOwnInstances",
        effect: "Allow",
        actions: [...EC2_DEPLOYER_TAG_ACTIONS],
        resources: [ec2Arn(stack, "instance/*")],
        condition: [
          IN_REGION,
          MANAGED,
          { test: "ForAllValues:StringNotEquals", variable: "aws:TagKeys", values: ["ManagedBy"] },
          { test: "Null", variable: "aws:TagKeys", values: ["false"] },
        ],
      });
    });
  });

  describe("changes", () => {
    it("stops, starts and terminates only the instances the app tagged", () => {
      const stack = policyIn();
      expect(statements(stack).ManageOwnInstances).toEqual({
        sid: "ManageOwnInstances",
        effect: "Allow",
        actions: [...EC2_DEPLOYER_LIFECYCLE_ACTIONS],
        resources: [ec2Arn(stack, "instance/*")],
        condition: [IN_REGION, MANAGED],
      });
    });

    it("modifies only the instances the app tagged, to the configured type and IMDSv2 only", () => {
      const stack = policyIn();
      expect(statements(stack).ModifyOwnInstances).toEqual({
        sid: "ModifyOwnInstances",
        effect: "Allow",
        actions: [...EC2_DEPLOYER_MODIFY_ACTIONS],
        resources: [ec2Arn(stack, "instance/*")],
        condition: [
          IN_REGION,
          MANAGED,
          { test: "StringEqualsIfExists", variable: "ec2:Attribute/InstanceType", values: ["t3.micro"] },
          { test: "StringEqualsIfExists", variable: "ec2:Attribute/HttpTokens", values: ["required"] },
        ],
      });
    });

    it("grants no ec2:ModifyVolume and nothing outside EC2", () => {
      const actions = Object.values(statements(policyIn())).flatMap((s) => s.actions as string[]);
      expect(actions).not.toContain("ec2:ModifyVolume");
      expect(actions.filter((a) => !a.startsWith("ec2:"))).toEqual([]);
    });
  });

  it("uses the given ManagedBy tag in every condition on it", () => {
    // WHEN
    const all = statements(policyIn({ managedBy: { key: "Owner", value: "team-a" } }));

    // THEN
    expect(all.RunInstancesInstance.condition).toContainEqual({
      test: "StringEquals",
      variable: "aws:RequestTag/Owner",
      values: ["team-a"],
    });
    for (const sid of ["TagOwnInstances", "ManageOwnInstances", "ModifyOwnInstances"]) {
      expect(all[sid].condition).toContainEqual({
        test: "StringEquals",
        variable: "aws:ResourceTag/Owner",
        values: ["team-a"],
      });
    }
    expect(all.TagOwnInstances.condition).toContainEqual({
      test: "ForAllValues:StringNotEquals",
      variable: "aws:TagKeys",
      values: ["Owner"],
    });
  });

  it.each<[string, Partial<Ec2DeployerPolicyProps>, string]>([
    ["no AMI owner", { amiOwners: [] }, "amiOwners is empty: name at least one AMI owner the policy may launch from"],
    [
      "a blank ManagedBy value",
      { managedBy: { key: "ManagedBy", value: " " } },
      'managedBy tag {"key":"ManagedBy","value":" "} needs a key and a value',
    ],
  ])("rejects %s", (_what, props, message) => {
    expect(() => policyIn(props)).toThrow(exactly(message));
  });
});
