import { TerraformStack, Testing } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  EC2_DEPLOYER_MANAGE_ACTIONS,
  EC2_DEPLOYER_READ_ACTIONS,
  Ec2DeployerPolicy,
  Ec2DeployerPolicyProps,
} from "../constructs/ec2-deployer-policy";
import { Block, onlyBlock, stackJson, testApp } from "./helpers";

/** An Ec2DeployerPolicy in a fresh stack with a destination provider. */
function policyIn(props: Partial<Ec2DeployerPolicyProps> = {}): TerraformStack {
  const stack = new TerraformStack(testApp(), "test");
  const provider = new AwsProvider(stack, "Destination", { alias: "destination", region: "eu-west-1" });
  new Ec2DeployerPolicy(stack, "Ec2DeployerPolicy", {
    provider,
    policyName: "deployer-ec2-deployer",
    region: "eu-west-1",
    ...props,
  });
  return stack;
}

/** The statements of the policy document, by sid. */
function statements(stack: TerraformStack): Record<string, Block> {
  const document = onlyBlock(stackJson(stack), "data", DataAwsIamPolicyDocument.tfResourceType).block;
  return Object.fromEntries((document.statement as Block[]).map((s) => [s.sid as string, s]));
}

const IN_REGION = { test: "StringEquals", variable: "aws:RequestedRegion", values: ["eu-west-1"] };

describe("Ec2DeployerPolicy", () => {
  it("is a customer-managed policy in the destination account made of its document", () => {
    // WHEN
    const stack = policyIn({ path: "/deployers/", tags: { ManagedBy: "cdktf-assume-role" } });

    // THEN
    const document = onlyBlock(stackJson(stack), "data", DataAwsIamPolicyDocument.tfResourceType);
    expect(document.block.provider).toBe("aws.destination");
    expect(Testing.synth(stack)).toHaveResourceWithProperties(IamPolicy, {
      provider: "aws.destination",
      name: "deployer-ec2-deployer",
      path: "/deployers/",
      description: "Deploy, read and destroy the ec2-stack's instance in eu-west-1 only",
      policy: `\${data.aws_iam_policy_document.${document.id}.json}`,
      tags: { ManagedBy: "cdktf-assume-role" },
    });
  });

  it("has the root path by default", () => {
    expect(Testing.synth(policyIn())).toHaveResourceWithProperties(IamPolicy, { path: "/" });
  });

  it("allows actions in the given region only", () => {
    // WHEN
    const all = Object.values(statements(policyIn()));

    // THEN
    expect(all).toHaveLength(4);
    for (const statement of all) {
      expect(statement.effect).toBe("Allow");
      expect(statement.condition).toContainEqual(IN_REGION);
    }
  });

  it("allows no wildcard action", () => {
    // WHEN
    const actions = Object.values(statements(policyIn())).flatMap((s) => s.actions as string[]);

    // THEN
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) {
      expect(action).toMatch(/^ec2:[A-Za-z]+$/);
    }
  });

  it("only reads to plan and refresh", () => {
    // WHEN
    const read = statements(policyIn()).ReadForPlanAndRefresh;

    // THEN
    expect(read.actions).toEqual([...EC2_DEPLOYER_READ_ACTIONS]);
    expect(read.actions).toEqual(expect.arrayContaining(["ec2:DescribeImages", "ec2:DescribeInstances"]));
    for (const action of read.actions as string[]) expect(action).toMatch(/^ec2:Describe/);
    expect(read.condition).toEqual([IN_REGION]);
  });

  it("launches instances in the region", () => {
    expect(statements(policyIn()).LaunchInstances).toEqual({
      sid: "LaunchInstances",
      effect: "Allow",
      actions: ["ec2:RunInstances"],
      resources: ["*"],
      condition: [IN_REGION],
    });
  });

  it("tags only while launching", () => {
    expect(statements(policyIn()).TagOnLaunch).toEqual({
      sid: "TagOnLaunch",
      effect: "Allow",
      actions: ["ec2:CreateTags"],
      resources: ["*"],
      condition: [IN_REGION, { test: "StringEquals", variable: "ec2:CreateAction", values: ["RunInstances"] }],
    });
  });

  it("changes and terminates only the instances the app tagged", () => {
    expect(statements(policyIn()).ManageOwnInstances).toEqual({
      sid: "ManageOwnInstances",
      effect: "Allow",
      actions: [...EC2_DEPLOYER_MANAGE_ACTIONS],
      resources: ["*"],
      condition: [
        IN_REGION,
        { test: "StringEquals", variable: "aws:ResourceTag/ManagedBy", values: ["cdktf-assume-role"] },
      ],
    });
  });

  it("matches the given ManagedBy tag value", () => {
    expect(statements(policyIn({ managedByTag: "team-a" })).ManageOwnInstances.condition).toContainEqual({
      test: "StringEquals",
      variable: "aws:ResourceTag/ManagedBy",
      values: ["team-a"],
    });
  });
});
