import {
  DescribeInstancesCommand,
  DescribeInstanceTypeOfferingsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  Instance,
  Subnet,
  Volume,
} from "@aws-sdk/client-ec2";
import { GetRoleCommand, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { AwsClients } from "./aws-clients";

/** What the AWS API says about an instance, as seen by one account. */
export interface InstanceView {
  readonly instanceId: string;
  /** Account that owns the instance's reservation. */
  readonly ownerId: string;
  readonly state: string;
  readonly instance: Instance;
}

function errorName(err: unknown): string {
  return (err as { name?: string }).name ?? "";
}

/** The instance as one account sees it, or undefined when that account cannot see it. */
export async function describeInstance(clients: AwsClients, instanceId: string): Promise<InstanceView | undefined> {
  try {
    const res = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    const reservation = res.Reservations?.[0];
    const instance = reservation?.Instances?.[0];
    if (!reservation || !instance) return undefined;
    return { instanceId, ownerId: reservation.OwnerId!, state: instance.State?.Name ?? "unknown", instance };
  } catch (err) {
    if (errorName(err) === "InvalidInstanceID.NotFound") return undefined;
    throw err;
  }
}

/** The EBS volume attached as the instance's root device, as the clients' account sees it. */
export async function describeRootVolume(clients: AwsClients, view: InstanceView): Promise<Volume | undefined> {
  const { RootDeviceName: root, BlockDeviceMappings: mappings } = view.instance;
  const volumeId = mappings?.find((m) => m.DeviceName === root)?.Ebs?.VolumeId;
  if (!volumeId) return undefined;
  const res = await clients.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }));
  return res.Volumes?.[0];
}

/**
 * Ids of the instances of the clients' account and region that are not terminated: those tagged
 * `ManagedBy=<managedBy>`, or every one, whoever made it, when no tag is given.
 */
export async function liveInstances(clients: AwsClients, managedBy?: string): Promise<string[]> {
  const res = await clients.ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        ...(managedBy === undefined ? [] : [{ Name: "tag:ManagedBy", Values: [managedBy] }]),
        { Name: "instance-state-name", Values: ["pending", "running", "stopping", "stopped"] },
      ],
    }),
  );
  return (res.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => i.InstanceId!));
}

/** The default subnets of the clients' account and region, one per zone. */
export async function defaultSubnets(clients: AwsClients): Promise<Subnet[]> {
  const { Subnets: subnets } = await clients.ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] }),
  );
  return subnets ?? [];
}

/** The zones of the clients' region that offer an instance type, sorted. */
export async function zonesOffering(clients: AwsClients, instanceType: string): Promise<string[]> {
  const { InstanceTypeOfferings: offerings } = await clients.ec2.send(
    new DescribeInstanceTypeOfferingsCommand({
      LocationType: "availability-zone",
      Filters: [{ Name: "instance-type", Values: [instanceType] }],
    }),
  );
  return (offerings ?? []).map((o) => o.Location!).sort();
}

/** What the AWS API says about a role. */
export interface RoleView {
  readonly arn: string;
  /** Account in the role's ARN. */
  readonly accountId: string;
  /** The trust policy, parsed. */
  readonly trustPolicy: {
    Statement: {
      Effect: string;
      Action: string | string[];
      Principal: { AWS: string | string[] };
      Condition?: unknown;
    }[];
  };
  readonly maxSessionDuration?: number;
  readonly attachedPolicyArns: string[];
}

/** The role as the clients' account sees it, or undefined when it does not exist there. */
export async function describeRole(clients: AwsClients, roleName: string): Promise<RoleView | undefined> {
  try {
    const { Role: role } = await clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
    const attached = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    return {
      arn: role!.Arn!,
      accountId: role!.Arn!.split(":")[4],
      trustPolicy: JSON.parse(decodeURIComponent(role!.AssumeRolePolicyDocument!)),
      maxSessionDuration: role!.MaxSessionDuration,
      attachedPolicyArns: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn!),
    };
  } catch (err) {
    if (errorName(err) === "NoSuchEntity" || errorName(err) === "NoSuchEntityException") return undefined;
    throw err;
  }
}

/**
 * The principals a trust policy lets assume the role: those of its statements that allow
 * sts:AssumeRole (the statement for sts:TagSession and sts:SetSourceIdentity names them again).
 */
export function trustedPrincipals(role: RoleView): string[] {
  const assuming = role.trustPolicy.Statement.filter((s) =>
    (Array.isArray(s.Action) ? s.Action : [s.Action]).includes("sts:AssumeRole"),
  );
  const principals = assuming.flatMap((s) => {
    const p = s.Principal.AWS;
    return Array.isArray(p) ? p : [p];
  });
  return [...new Set(principals)];
}
