/**
 * ec2-stack in a landing-zone account: the region's default VPC deleted, the instance placed in
 * a subnet and security group of the account's own VPC, from images the account publishes
 * itself. Against a local two-account emulator, through the real cdktf CLI, Terraform and AWS
 * provider; the account is set up and checked through the AWS API with the destination profile.
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeImagesCommand,
  DescribeInternetGatewaysCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  ModifySubnetAttributeCommand,
  Image,
  RegisterImageCommand,
} from "@aws-sdk/client-ec2";
import { DEFAULTS } from "../../config";
import { MANAGED_BY } from "../../constructs/shared/tags";
import { AwsClients } from "../../scripts/lib/aws-clients";
import {
  describeInstance,
  describeRole,
  describeRootVolume,
  InstanceView,
  liveInstances,
} from "../../scripts/lib/checks";
import { CdktfError, DEFAULT_DESTINATION_ACCOUNT, LocalCloud } from "../../scripts/lib/local-cloud";
import { instanceIdsInState, readLocalState } from "./drill-support";
import { cleanUp, plainText, planExitCode, STEP_TIMEOUT_MS, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

const DESTINATION = DEFAULT_DESTINATION_ACCOUNT;
const REGION = "us-east-1";
/** The account's own images, as an image pipeline names them; the name filter matches them all. */
const IMAGE_PREFIX = "landing-zone/ubuntu-24.04-amd64-base-";
const IMAGE_FILTER = `${IMAGE_PREFIX}*`;

/** Runs `fn` with SDK clients of the destination profile. */
const inDestination = <T>(cloud: LocalCloud, fn: (c: AwsClients) => Promise<T>): Promise<T> =>
  withClients(cloud, "destination", fn);

/**
 * Deletes the region's default VPC as a landing zone does: its default subnets, its internet
 * gateway (detached first; moto creates none, AWS does), then the VPC. EC2 deletes the VPC's
 * main route table, default network ACL and default security group with it.
 */
async function deleteDefaultVpc(c: AwsClients): Promise<string> {
  const { Vpcs: vpcs } = await c.ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }),
  );
  expect(vpcs).toHaveLength(1);
  const vpcId = vpcs![0].VpcId!;
  const { Subnets: subnets } = await c.ec2.send(
    new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
  );
  for (const { SubnetId } of subnets ?? []) await c.ec2.send(new DeleteSubnetCommand({ SubnetId }));
  const { InternetGateways: gateways } = await c.ec2.send(
    new DescribeInternetGatewaysCommand({ Filters: [{ Name: "attachment.vpc-id", Values: [vpcId] }] }),
  );
  for (const { InternetGatewayId } of gateways ?? []) {
    await c.ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId, VpcId: vpcId }));
    await c.ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId }));
  }
  await c.ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  return vpcId;
}

/**
 * The account's own network: a VPC, a subnet and a security group that allows HTTPS out only.
 * The subnet maps public IPs on launch (as a landing zone's public subnets do), so an instance
 * gets none only when the app asks for none (`associatePublicIpAddress: false`).
 */
async function createNetwork(c: AwsClients): Promise<{ subnetId: string; securityGroupId: string; vpcId: string }> {
  const { Vpc: vpc } = await c.ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }));
  const vpcId = vpc!.VpcId!;
  const { Subnet: subnet } = await c.ec2.send(
    new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.20.1.0/24", AvailabilityZone: `${REGION}a` }),
  );
  await c.ec2.send(
    new ModifySubnetAttributeCommand({ SubnetId: subnet!.SubnetId!, MapPublicIpOnLaunch: { Value: true } }),
  );
  const { GroupId: securityGroupId } = await c.ec2.send(
    new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: "workload", Description: "HTTPS out only" }),
  );
  await c.ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: securityGroupId,
      IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    }),
  );
  return { vpcId, subnetId: subnet!.SubnetId!, securityGroupId: securityGroupId! };
}

/** Registers an EBS-backed HVM image in the clients' account, as an image pipeline publishes one. */
async function registerImage(c: AwsClients, name: string, snapshotId: string): Promise<string> {
  const { ImageId: imageId } = await c.ec2.send(
    new RegisterImageCommand({
      Name: name,
      Architecture: "x86_64",
      VirtualizationType: "hvm",
      EnaSupport: true,
      RootDeviceName: "/dev/sda1",
      BlockDeviceMappings: [{ DeviceName: "/dev/sda1", Ebs: { SnapshotId: snapshotId, VolumeType: "gp3" } }],
    }),
  );
  return imageId!;
}

/** A snapshot to register images from. */
async function createSnapshot(c: AwsClients): Promise<string> {
  const { VolumeId } = await c.ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${REGION}a`, Size: 8 }));
  const { SnapshotId } = await c.ec2.send(new CreateSnapshotCommand({ VolumeId }));
  return SnapshotId!;
}

/** The images that ec2-stack's lookup (owner, name filter, HVM) sees, newest first. */
async function lookupImages(c: AwsClients): Promise<Image[]> {
  const { Images: images } = await c.ec2.send(
    new DescribeImagesCommand({
      Owners: [DESTINATION],
      Filters: [
        { Name: "name", Values: [IMAGE_FILTER] },
        { Name: "virtualization-type", Values: ["hvm"] },
      ],
    }),
  );
  return (images ?? []).sort((a, b) => Date.parse(b.CreationDate!) - Date.parse(a.CreationDate!));
}

describe("ec2-stack in a landing-zone account: no default VPC, its own subnet and images", () => {
  let cloud: LocalCloud;
  /** The settings of ec2-stack's placement and image lookup, once the account has a network. */
  let settings: Record<string, string> | undefined;
  let network: { subnetId: string; securityGroupId: string; vpcId: string };
  let snapshotId: string;
  const images: string[] = [];
  let instance: InstanceView;

  const ec2Instance = async (): Promise<InstanceView> => {
    const id = readLocalState(cloud, "ec2-stack")?.outputs.instance_id?.value as string;
    const seen = await inDestination(cloud, (c) => describeInstance(c, id));
    expect(seen).toBeDefined();
    return seen!;
  };

  beforeAll(async () => {
    cloud = await LocalCloud.start({ region: REGION });
  });

  afterAll(async () => {
    // With the settings it was deployed with: without SUBNET_ID, ec2-stack's synth looks up a
    // default subnet, which this account no longer has, also for a destroy.
    if (settings && cloud?.deployed.includes("ec2-stack")) {
      await cloud.destroy(["ec2-stack"], { env: settings, ignoreDependents: true }).catch(() => undefined);
    }
    await cleanUp(cloud);
  });

  it("deploys iam-stack", async () => {
    await cloud.deploy(["iam-stack"]);

    const role = await inDestination(cloud, (c) => describeRole(c, DEFAULTS.roleName));
    expect(role?.accountId).toBe(DESTINATION);
  });

  it("without a default VPC, ec2-stack fails to plan, says to set subnetId for the account and region, and creates nothing", async () => {
    // GIVEN the destination account without the region's default VPC
    const deleted = await inDestination(cloud, deleteDefaultVpc);
    const vpcs = await inDestination(cloud, (c) => c.ec2.send(new DescribeVpcsCommand({})));
    expect(vpcs.Vpcs?.map((v) => v.VpcId)).not.toContain(deleted);
    const defaultSubnets = await inDestination(cloud, (c) =>
      c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "default-for-az", Values: ["true"] }] })),
    );
    expect(defaultSubnets.Subnets).toEqual([]);

    // WHEN ec2-stack is deployed with the default placement (and the default Ubuntu lookup)
    const failure = await cloud.deploy(["ec2-stack"]).then(
      () => undefined,
      (err: unknown) => err,
    );

    // THEN
    expect(failure).toBeInstanceOf(CdktfError);
    const text = plainText((failure as CdktfError).result.output);
    expect(text).toContain("Error: Resource postcondition failed");
    expect(text).toContain(
      `There is no default subnet in account ${DESTINATION} region ${REGION} in an availability zone that offers ` +
        `${DEFAULTS.instanceType}: the account has no default VPC (landing zones delete it), or its default subnets ` +
        "are elsewhere. Set the subnetId setting to a subnet of your VPC.",
    );
    expect(await inDestination(cloud, liveInstances)).toEqual([]);
    const state = readLocalState(cloud, "ec2-stack");
    expect((state?.resources ?? []).filter((r) => r.mode === "managed")).toEqual([]);
    expect(cloud.deployed).toEqual(["iam-stack"]);
  });

  it("deploys ec2-stack into the given subnet with exactly the given security group, from the account's own image", async () => {
    // GIVEN the account's own network and its first image
    network = await inDestination(cloud, createNetwork);
    const { Subnets: subnets } = await inDestination(cloud, (c) =>
      c.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [network.subnetId] })),
    );
    expect(subnets?.[0].MapPublicIpOnLaunch).toBe(true);
    snapshotId = await inDestination(cloud, createSnapshot);
    images.push(await inDestination(cloud, (c) => registerImage(c, `${IMAGE_PREFIX}1`, snapshotId)));
    settings = {
      SUBNET_ID: network.subnetId,
      SECURITY_GROUP_IDS: network.securityGroupId,
      AMI_OWNERS: DESTINATION,
      AMI_NAME_FILTER: IMAGE_FILTER,
    };

    // WHEN
    const outputs = await cloud.deploy(["ec2-stack"], { env: settings });

    // THEN
    instance = await ec2Instance();
    expect(outputs["ec2-stack"].instance_id).toBe(instance.instanceId);
    expect(instance).toMatchObject({ ownerId: DESTINATION, state: "running" });
    expect(instance.instance.ImageId).toBe(images[0]);
    expect(instance.instance.SubnetId).toBe(network.subnetId);
    expect(instance.instance.VpcId).toBe(network.vpcId);
    expect(instance.instance.SecurityGroups?.map((g) => g.GroupId)).toEqual([network.securityGroupId]);
    expect(instance.instance.MetadataOptions?.HttpTokens).toBe("required");
    // The subnet maps public IPs: none here means the app asked for none.
    expect(instance.instance.PublicIpAddress).toBeUndefined();
    expect(instance.instance.NetworkInterfaces?.[0].Association?.PublicIp).toBeUndefined();
    expect(instance.instance.Tags).toEqual(expect.arrayContaining([{ Key: "ManagedBy", Value: MANAGED_BY }]));
    const root = await inDestination(cloud, (c) => describeRootVolume(c, instance));
    expect(root).toMatchObject({ Encrypted: true, VolumeType: "gp3", Size: DEFAULTS.rootVolumeSizeGib });
  });

  it("a newer matching image does not replace the running instance: the plan has no changes", async () => {
    // GIVEN a newer image that the lookup matches
    images.push(await inDestination(cloud, (c) => registerImage(c, `${IMAGE_PREFIX}2`, snapshotId)));
    const found = await inDestination(cloud, lookupImages);
    expect(found.map((i) => i.ImageId)).toEqual([images[1], images[0]]);
    expect(Date.parse(found[0].CreationDate!)).toBeGreaterThan(Date.parse(found[1].CreationDate!));

    // WHEN / THEN: ec2-stack as deployed, with replaceOnNewAmi at its default
    expect(await planExitCode(cloud, "ec2-stack")).toBe(0);
  });

  it("with REPLACE_ON_NEW_AMI=true the plan has changes, and a deploy replaces the instance from the newer image", async () => {
    const replacing = { ...settings!, REPLACE_ON_NEW_AMI: "true" };

    // WHEN synthesized with the setting
    const synth = await cloud.cdktf(["synth"], { env: replacing });
    expect(synth.code).toBe(0);

    // THEN the plan has changes
    expect(await planExitCode(cloud, "ec2-stack")).toBe(2);

    // WHEN deployed
    await cloud.deploy(["ec2-stack"], { env: replacing });

    // THEN a new instance runs the newer image, in the same place; the old one is terminated
    const replaced = await ec2Instance();
    expect(replaced.instanceId).not.toBe(instance.instanceId);
    expect(replaced).toMatchObject({ ownerId: DESTINATION, state: "running" });
    expect(replaced.instance.ImageId).toBe(images[1]);
    expect(replaced.instance.SubnetId).toBe(network.subnetId);
    expect(replaced.instance.SecurityGroups?.map((g) => g.GroupId)).toEqual([network.securityGroupId]);
    const old = await inDestination(cloud, (c) => describeInstance(c, instance.instanceId));
    expect(old?.state ?? "terminated").toBe("terminated");
    expect(await inDestination(cloud, liveInstances)).toEqual([replaced.instanceId]);
    expect(instanceIdsInState(readLocalState(cloud, "ec2-stack"))).toEqual([replaced.instanceId]);
    settings = replacing;
  });

  it("destroys ec2-stack, then iam-stack, leaving no instance and no role", async () => {
    await cloud.destroy(["ec2-stack"], { env: settings });
    await cloud.destroy(["iam-stack"], { ignoreDependents: true });

    expect(await inDestination(cloud, liveInstances)).toEqual([]);
    expect(await inDestination(cloud, (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    expect(cloud.deployed).toEqual([]);
  });
});
