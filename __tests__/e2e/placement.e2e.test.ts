/**
 * The instance stays where it was launched: in the default subnet chosen at its launch, whatever
 * the type asks later, and in the region of its launch, whatever AWS_REGION says later. Against a
 * local two-account emulator, through the real cdktf CLI, Terraform and AWS provider; the
 * account is set up and checked through the AWS API with the destination profile.
 */
import { CreateSubnetCommand, DeleteSubnetCommand, Subnet } from "@aws-sdk/client-ec2";
import { DEFAULTS } from "../../config";
import { AwsClients, destroyClients, emulatorClients } from "../../scripts/lib/aws-clients";
import { defaultSubnets, describeInstance, InstanceView, liveInstances, zonesOffering } from "../../scripts/lib/checks";
import { CdktfError, LocalCloud } from "../../scripts/lib/local-cloud";
import { instanceIdsInState, readLocalState } from "./drill-support";
import { cleanUp, plainText, planExitCode, STEP_TIMEOUT_MS, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

const REGION = "us-east-1";
const OTHER_REGION = "us-west-2";
/** A zone of REGION that offers the default type but not the next generation's (emulator and AWS alike). */
const ZONE = "us-east-1e";
const LAUNCH_TYPE = DEFAULTS.instanceType;
const NEW_TYPE = "t3.micro";

/** Runs `fn` with SDK clients of the destination profile. */
const inDestination = <T>(cloud: LocalCloud, fn: (c: AwsClients) => Promise<T>): Promise<T> =>
  withClients(cloud, "destination", fn);

/** The failure of a deploy that must fail, as plain text. */
async function failedDeploy(cloud: LocalCloud, env: Record<string, string>): Promise<string> {
  const failure = await cloud.deploy(["ec2-stack"], { env }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(CdktfError);
  return plainText((failure as CdktfError).result.output);
}

describe("the instance stays where it was launched", () => {
  let cloud: LocalCloud;
  let launched: InstanceView;
  let subnet: Subnet;

  const deployedInstance = async (): Promise<InstanceView> => {
    const id = readLocalState(cloud, "ec2-stack")?.outputs.instance_id?.value as string;
    const seen = await inDestination(cloud, (c) => describeInstance(c, id));
    expect(seen).toBeDefined();
    return seen!;
  };

  beforeAll(async () => {
    cloud = await LocalCloud.start({ region: REGION });
  });

  afterAll(() => cleanUp(cloud));

  it(`launches ${LAUNCH_TYPE} in the default subnet of ${ZONE}, a zone that does not offer ${NEW_TYPE}`, async () => {
    // GIVEN the zone's offerings, and the zone's default subnet as the only one (so that the
    // default choice, the first by id, is that one)
    expect(await inDestination(cloud, (c) => zonesOffering(c, LAUNCH_TYPE))).toContain(ZONE);
    expect(await inDestination(cloud, (c) => zonesOffering(c, NEW_TYPE))).not.toContain(ZONE);
    const others = (await inDestination(cloud, defaultSubnets)).filter((s) => s.AvailabilityZone !== ZONE);
    expect(others.length).toBeGreaterThan(0);
    await inDestination(cloud, async (c) => {
      for (const { SubnetId } of others) await c.ec2.send(new DeleteSubnetCommand({ SubnetId }));
    });
    [subnet] = await inDestination(cloud, defaultSubnets);
    expect(subnet.AvailabilityZone).toBe(ZONE);

    // WHEN
    await cloud.deploy(["iam-stack"]);
    await cloud.deploy(["ec2-stack"]);

    // THEN
    launched = await deployedInstance();
    expect(launched.state).toBe("running");
    expect(launched.instance.InstanceType).toBe(LAUNCH_TYPE);
    expect(launched.instance.SubnetId).toBe(subnet.SubnetId);
  });

  it("keeps its subnet when default subnets appear in other zones: the plan has no changes", async () => {
    // GIVEN default subnets in the other zones again (moto makes the first subnet of a zone its
    // default one; on AWS, CreateDefaultSubnet), some of which sort before the launch's
    await inDestination(cloud, async (c) => {
      for (const [i, zone] of ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1f"].entries()) {
        await c.ec2.send(
          new CreateSubnetCommand({ VpcId: subnet.VpcId, CidrBlock: `172.31.${240 + i}.0/24`, AvailabilityZone: zone }),
        );
      }
    });
    expect((await inDestination(cloud, defaultSubnets)).map((s) => s.AvailabilityZone).sort()).toEqual([
      "us-east-1a",
      "us-east-1b",
      "us-east-1c",
      "us-east-1d",
      "us-east-1e",
      "us-east-1f",
    ]);

    // WHEN / THEN
    expect(await planExitCode(cloud, "ec2-stack")).toBe(0);
  });

  it(`a change to ${NEW_TYPE}, which ${ZONE} does not offer, fails the plan naming the zone and the type, and stops nothing`, async () => {
    // WHEN
    const text = await failedDeploy(cloud, { INSTANCE_TYPE: NEW_TYPE });

    // THEN
    expect(text).toContain("Error: Resource postcondition failed");
    expect(text).toContain(
      `The instance runs in subnet ${subnet.SubnetId} in availability zone ${ZONE} (${subnet.AvailabilityZoneId}), ` +
        `which does not offer the instance type ${NEW_TYPE}. The instance keeps the subnet it was launched in, so ` +
        "that a change of type stops, modifies and starts it instead of replacing it: set the instanceType setting " +
        `to a type that zone offers, or set the subnetId setting to a subnet in a zone that offers ${NEW_TYPE} ` +
        "(which replaces the instance, and its disk).",
    );
    const after = await deployedInstance();
    expect(after.instanceId).toBe(launched.instanceId);
    expect(after.state).toBe("running");
    expect(after.instance.InstanceType).toBe(LAUNCH_TYPE);
    expect(after.instance.SubnetId).toBe(subnet.SubnetId);
    expect(await inDestination(cloud, liveInstances)).toEqual([launched.instanceId]);
  });

  it(`with AWS_REGION=${OTHER_REGION}, a deploy fails naming both regions, and nothing moves`, async () => {
    // WHEN
    const text = await failedDeploy(cloud, { AWS_REGION: OTHER_REGION });

    // THEN the refusal names both regions, the setting and the way to move
    expect(text).toContain(
      `The instance was launched in region ${REGION}, and this run acts in ${OTHER_REGION} (the region setting, ` +
        `or AWS_REGION, which wins over it). A stack never moves region silently: a launch in ${OTHER_REGION} ` +
        `would leave the running instance behind in ${REGION}. To keep it, set the region setting (and ` +
        `AWS_REGION, if it is set) to ${REGION}. To move it on purpose, destroy the stack with the region it was ` +
        `launched in, then deploy with ${OTHER_REGION}.`,
    );
    // the first instance still runs, and is still in the state
    const after = await deployedInstance();
    expect(after.instanceId).toBe(launched.instanceId);
    expect(after.state).toBe("running");
    expect(instanceIdsInState(readLocalState(cloud, "ec2-stack"))).toEqual([launched.instanceId]);
    // nothing was created in the other region
    const elsewhere = emulatorClients(cloud.emulator.endpoint, OTHER_REGION, {
      key: cloud.credentials.key("destination"),
    });
    try {
      expect(await liveInstances(elsewhere)).toEqual([]);
    } finally {
      destroyClients(elsewhere);
    }
    // and in its own region (synthesized again without AWS_REGION), the stack is as deployed
    expect((await cloud.cdktf(["synth"])).code).toBe(0);
    expect(await planExitCode(cloud, "ec2-stack")).toBe(0);
  });
});
