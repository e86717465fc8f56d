import { Construct } from "constructs";
import { TerraformProvider } from "cdktf";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";

/** Properties of an {@link Ec2DeployerPolicy}. */
export interface Ec2DeployerPolicyProps {
  /** Provider of the account that holds the policy. */
  readonly provider: TerraformProvider;
  /** Name of the customer-managed policy. */
  readonly policyName: string;
  /** The only region the policy allows actions in (`aws:RequestedRegion`). */
  readonly region: string;
  /**
   * Value of the `ManagedBy` tag of the instances the policy may change or terminate.
   * @default "cdktf-assume-role"
   */
  readonly managedByTag?: string;
  /**
   * IAM path of the policy.
   * @default "/"
   */
  readonly path?: string;
  /**
   * Tags of the policy.
   * @default - no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Read-only calls the AWS provider makes to plan, refresh and destroy the instance: one per
 * data source or attribute it reads (docs/least-privilege.md says which needs which).
 */
export const EC2_DEPLOYER_READ_ACTIONS = [
  "ec2:DescribeImages",
  "ec2:DescribeSubnets",
  "ec2:DescribeInstances",
  "ec2:DescribeInstanceAttribute",
  "ec2:DescribeInstanceCreditSpecifications",
  "ec2:DescribeInstanceTypes",
  "ec2:DescribeTags",
  "ec2:DescribeVolumes",
  "ec2:DescribeVpcs",
] as const;

/**
 * Calls on existing instances, allowed only on those tagged by this app: destroying, and the
 * changes in place that settings can cause (tags, instance type, metadata options).
 */
export const EC2_DEPLOYER_MANAGE_ACTIONS = [
  "ec2:TerminateInstances",
  "ec2:CreateTags",
  "ec2:DeleteTags",
  "ec2:StopInstances",
  "ec2:StartInstances",
  "ec2:ModifyInstanceAttribute",
  "ec2:ModifyInstanceMetadataOptions",
] as const;

/**
 * A customer-managed policy with only what deploying, reading and destroying the ec2-stack
 * needs, in one region: the least-privilege alternative to `AmazonEC2FullAccess`. Every action
 * and why it is needed: docs/least-privilege.md.
 */
export class Ec2DeployerPolicy extends Construct {
  /** The policy: the escape hatch for what these props do not cover. */
  public readonly resource: IamPolicy;
  /** ARN of the policy. */
  public readonly policyArn: string;
  /** The policy document. */
  public readonly document: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: Ec2DeployerPolicyProps) {
    super(scope, id);
    const inRegion = { test: "StringEquals", variable: "aws:RequestedRegion", values: [props.region] };
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: "ReadForPlanAndRefresh",
        effect: "Allow",
        actions: [...EC2_DEPLOYER_READ_ACTIONS],
        resources: ["*"],
        condition: [inRegion],
      },
      {
        // RunInstances touches the image, subnet, security group, network interface and
        // volume too; tags are set in the same call (tag-on-create).
        sid: "LaunchInstances",
        effect: "Allow",
        actions: ["ec2:RunInstances"],
        resources: ["*"],
        condition: [inRegion],
      },
      {
        sid: "TagOnLaunch",
        effect: "Allow",
        actions: ["ec2:CreateTags"],
        resources: ["*"],
        condition: [inRegion, { test: "StringEquals", variable: "ec2:CreateAction", values: ["RunInstances"] }],
      },
      {
        sid: "ManageOwnInstances",
        effect: "Allow",
        actions: [...EC2_DEPLOYER_MANAGE_ACTIONS],
        resources: ["*"],
        condition: [
          inRegion,
          {
            test: "StringEquals",
            variable: "aws:ResourceTag/ManagedBy",
            values: [props.managedByTag ?? "cdktf-assume-role"],
          },
        ],
      },
    ];
    this.document = new DataAwsIamPolicyDocument(this, "Document", {
      provider: props.provider,
      statement: statements,
    });
    this.resource = new IamPolicy(this, "Policy", {
      provider: props.provider,
      name: props.policyName,
      path: props.path ?? "/",
      description: `Deploy, read and destroy the ec2-stack's instance in ${props.region} only`,
      policy: this.document.json,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.policyArn = this.resource.arn;
  }
}
