import { Construct } from "constructs";
import { TerraformProvider, Token } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
  DataAwsIamPolicyDocumentStatementCondition,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";

/** The tag that marks the instances the policy may change, tag and terminate. */
export interface ManagedByTag {
  /** Tag key, e.g. `ManagedBy`. */
  readonly key: string;
  /** Tag value, e.g. `cdktf-assume-role`. */
  readonly value: string;
}

/** Properties of an {@link Ec2DeployerPolicy}. */
export interface Ec2DeployerPolicyProps {
  /** Provider of the account that holds the policy; the instances run in that account. */
  readonly provider: TerraformProvider;
  /** Name of the customer-managed policy. */
  readonly policyName: string;
  /** The only region the policy allows actions in (`aws:RequestedRegion` and the ARNs). */
  readonly region: string;
  /**
   * The tag every instance gets at launch (`aws:RequestTag`), and without which no instance may
   * be changed, tagged or terminated (`aws:ResourceTag`); its key may never be set or removed
   * on an existing instance (`aws:TagKeys`).
   */
  readonly managedBy: ManagedByTag;
  /** The only instance type the policy lets the role launch or resize to (`ec2:InstanceType`). */
  readonly instanceType: string;
  /**
   * Owners of the AMIs the role may launch (`ec2:Owner`): account ids or `amazon`,
   * `aws-marketplace`, `self` (the policy's own account).
   */
  readonly amiOwners: readonly string[];
  /**
   * The one AMI the role may launch, by id: the policy then names that image instead of
   * allowing every image of `amiOwners`.
   * @default - any image of `amiOwners`
   */
  readonly amiId?: string;
  /**
   * An SSM parameter the role may read to find the AMI (`ssm:GetParameter` on that parameter
   * only): public `/aws/service/...` parameters belong to no account, others to the policy's.
   * @default - no SSM permission
   */
  readonly amiSsmParameter?: string;
  /**
   * The one subnet the role may launch into, in any account (a subnet shared from a network
   * account has that account in its ARN; subnet ids are unique).
   * @default - any subnet of the policy's account
   */
  readonly subnetId?: string;
  /**
   * The security groups the role may launch with, in any account.
   * @default - any security group of the policy's account
   */
  readonly securityGroupIds?: readonly string[];
  /**
   * Whether the instance's network interface gets a public IP address; the policy allows only
   * this choice (`ec2:AssociatePublicIpAddress`).
   * @default false
   */
  readonly associatePublicIpAddress?: boolean;
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
  "ec2:DescribeInstanceTypeOfferings",
  "ec2:DescribeSubnets",
  "ec2:DescribeInstances",
  "ec2:DescribeInstanceAttribute",
  "ec2:DescribeInstanceCreditSpecifications",
  "ec2:DescribeInstanceTypes",
  "ec2:DescribeTags",
  "ec2:DescribeVolumes",
  "ec2:DescribeVpcs",
] as const;

/** Calls that end or restart the app's own instances: destroy, and a change of instance type. */
export const EC2_DEPLOYER_LIFECYCLE_ACTIONS = [
  "ec2:TerminateInstances",
  "ec2:StopInstances",
  "ec2:StartInstances",
] as const;

/** Calls that change the app's own instances in place: instance type, attributes, metadata options. */
export const EC2_DEPLOYER_MODIFY_ACTIONS = [
  "ec2:ModifyInstanceAttribute",
  "ec2:ModifyInstanceMetadataOptions",
] as const;

/** Calls that retag the app's own instances when the `tags` or `instanceName` setting changes. */
export const EC2_DEPLOYER_TAG_ACTIONS = ["ec2:CreateTags", "ec2:DeleteTags"] as const;

/** The only value of `ec2:MetadataHttpTokens` the policy allows: IMDSv2. */
const IMDSV2 = "required";

/**
 * A customer-managed policy with only what deploying, reading, changing and destroying the
 * ec2-stack needs, in one region and account: the least-privilege alternative to
 * `AmazonEC2FullAccess`. It allows no launch that the app's own settings would not synthesize
 * (instance type, AMI owner, IMDSv2, encrypted volume, public IP, `ManagedBy` tag), and no change
 * to an instance the app did not tag. Every statement and why: docs/least-privilege.md.
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
    validate(props);
    const partition = new DataAwsPartition(this, "Partition", { provider: props.provider }).partition;
    const account = new DataAwsCallerIdentity(this, "Account", { provider: props.provider }).accountId;
    const { region, managedBy } = props;
    const arn = (resource: string, inAccount = account): string =>
      `arn:${partition}:ec2:${region}:${inAccount}:${resource}`;
    const instances = arn("instance/*");

    const when = (test: string, variable: string, ...values: string[]): DataAwsIamPolicyDocumentStatementCondition => ({
      test,
      variable,
      values,
    });
    const inRegion = when("StringEquals", "aws:RequestedRegion", region);
    const managed = when("StringEquals", `aws:ResourceTag/${managedBy.key}`, managedBy.value);
    const allow = (
      sid: string,
      actions: readonly string[],
      resources: readonly string[],
      ...conditions: DataAwsIamPolicyDocumentStatementCondition[]
    ): DataAwsIamPolicyDocumentStatement => ({
      sid,
      effect: "Allow",
      actions: [...actions],
      resources: [...resources],
      condition: [inRegion, ...conditions],
    });

    // RunInstances is authorized once per resource it touches; each statement below allows one
    // resource type with the conditions that apply to it (Service Authorization Reference).
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      // Describe* have no resource-level permissions: `*`, limited by region.
      allow("ReadForPlanAndRefresh", EC2_DEPLOYER_READ_ACTIONS, ["*"]),
      allow(
        "RunInstancesInstance",
        ["ec2:RunInstances"],
        [instances],
        when("StringEquals", `aws:RequestTag/${managedBy.key}`, managedBy.value),
        when("StringEquals", "ec2:InstanceType", props.instanceType),
        when("StringEquals", "ec2:MetadataHttpTokens", IMDSV2),
      ),
      allow("RunInstancesVolume", ["ec2:RunInstances"], [arn("volume/*")], when("Bool", "ec2:Encrypted", "true")),
      allow(
        "RunInstancesNetworkInterface",
        ["ec2:RunInstances"],
        [arn("network-interface/*")],
        when("Bool", "ec2:AssociatePublicIpAddress", String(props.associatePublicIpAddress ?? false)),
      ),
      // Images belong to no account in their ARN; their owner is a condition.
      props.amiId !== undefined
        ? allow("RunInstancesImage", ["ec2:RunInstances"], [arn(`image/${props.amiId}`, "")])
        : allow(
            "RunInstancesImage",
            ["ec2:RunInstances"],
            [arn("image/*", "")],
            when("StringEquals", "ec2:Owner", ...props.amiOwners.map((o) => (o === "self" ? account : o))),
          ),
      // Without a subnet setting: the default subnet and group of the policy's own account, in its
      // region (no shared subnets). With one: that subnet or those groups only, in whichever
      // account owns them (a shared VPC's subnets belong to the network account).
      allow(
        "RunInstancesSubnet",
        ["ec2:RunInstances"],
        [props.subnetId !== undefined ? arn(`subnet/${props.subnetId}`, "*") : arn("subnet/*")],
      ),
      allow(
        "RunInstancesSecurityGroup",
        ["ec2:RunInstances"],
        props.securityGroupIds !== undefined && props.securityGroupIds.length > 0
          ? props.securityGroupIds.map((id) => arn(`security-group/${id}`, "*"))
          : [arn("security-group/*")],
      ),
      // Tags set by RunInstances are authorized as ec2:CreateTags too (tag on create).
      allow("TagOnLaunch", ["ec2:CreateTags"], [instances], when("StringEquals", "ec2:CreateAction", "RunInstances")),
      // Retagging: never the ManagedBy tag itself, and never "every tag" (DeleteTags without keys).
      allow(
        "TagOwnInstances",
        EC2_DEPLOYER_TAG_ACTIONS,
        [instances],
        managed,
        when("ForAllValues:StringNotEquals", "aws:TagKeys", managedBy.key),
        when("Null", "aws:TagKeys", "false"),
      ),
      allow("ManageOwnInstances", EC2_DEPLOYER_LIFECYCLE_ACTIONS, [instances], managed),
      // IfExists: these calls also change other attributes (DisableApiTermination before
      // terminate, hop limit), which carry no instance type or tokens setting.
      allow(
        "ModifyOwnInstances",
        EC2_DEPLOYER_MODIFY_ACTIONS,
        [instances],
        managed,
        when("StringEqualsIfExists", "ec2:Attribute/InstanceType", props.instanceType),
        when("StringEqualsIfExists", "ec2:Attribute/HttpTokens", IMDSV2),
      ),
    ];
    if (props.amiSsmParameter !== undefined) {
      const name = props.amiSsmParameter.replace(/^\//, "");
      const owner = name.startsWith("aws/service/") ? "" : account;
      statements.push(
        allow(
          "ReadImageParameter",
          ["ssm:GetParameter"],
          [`arn:${partition}:ssm:${region}:${owner}:parameter/${name}`],
        ),
      );
    }
    this.document = new DataAwsIamPolicyDocument(this, "Document", {
      provider: props.provider,
      statement: statements,
    });
    this.resource = new IamPolicy(this, "Policy", {
      provider: props.provider,
      name: props.policyName,
      path: props.path ?? "/",
      description: `Deploy, read, change and destroy the ec2-stack's instance in ${props.region} only`,
      policy: this.document.json,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.policyArn = this.resource.arn;
  }
}

function validate(props: Ec2DeployerPolicyProps): void {
  if (props.amiOwners.length === 0) {
    throw new Error("amiOwners is empty: name at least one AMI owner the policy may launch from");
  }
  const { key, value } = props.managedBy;
  if ([key, value].some((v) => !Token.isUnresolved(v) && v.trim() === "")) {
    throw new Error(`managedBy tag ${JSON.stringify(props.managedBy)} needs a key and a value`);
  }
}
