import { DataResource, TerraformStack, Testing } from "cdktf";
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsEc2InstanceTypeOfferings } from "@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { HardenedInstance, HardenedInstanceProps } from "../constructs/hardened-instance";
import { blocksOf, exactly, onlyBlock, stackJson, testApp } from "./helpers";

/** A HardenedInstance in a fresh stack with a default provider. */
function instanceIn(props: Partial<HardenedInstanceProps> = {}): TerraformStack {
  const stack = new TerraformStack(testApp(), "test");
  const provider = new AwsProvider(stack, "Provider", { region: "us-east-1" });
  new HardenedInstance(stack, "Instance", {
    provider,
    instanceType: "t3.micro",
    amiOwners: ["099720109477"],
    amiNameFilter: "ubuntu/images/hvm-ssd/ubuntu-*-amd64-server-*",
    name: "web",
    ...props,
  });
  return stack;
}

describe("HardenedInstance", () => {
  it("requires IMDSv2 tokens", () => {
    expect(Testing.synth(instanceIn())).toHaveResourceWithProperties(Instance, {
      metadata_options: { http_endpoint: "enabled", http_tokens: "required", http_put_response_hop_limit: 1 },
    });
  });

  it("encrypts the root volume", () => {
    expect(Testing.synth(instanceIn())).toHaveResourceWithProperties(Instance, {
      root_block_device: { encrypted: true, volume_type: "gp3", volume_size: 8 },
    });
  });

  it("sizes the root volume as asked", () => {
    expect(Testing.synth(instanceIn({ rootVolumeSizeGib: 30 }))).toHaveResourceWithProperties(Instance, {
      root_block_device: { encrypted: true, volume_type: "gp3", volume_size: 30 },
    });
  });

  it("has no public IP address by default", () => {
    expect(Testing.synth(instanceIn())).toHaveResourceWithProperties(Instance, { associate_public_ip_address: false });
  });

  it("has a public IP address when asked", () => {
    expect(Testing.synth(instanceIn({ associatePublicIpAddress: true }))).toHaveResourceWithProperties(Instance, {
      associate_public_ip_address: true,
    });
  });

  it("runs the given instance type on the given provider", () => {
    expect(Testing.synth(instanceIn())).toHaveResourceWithProperties(Instance, {
      instance_type: "t3.micro",
      provider: "aws",
    });
  });

  it("uses the newest AMI of the given owners that matches the name filter", () => {
    // WHEN
    const stack = instanceIn({ amiOwners: ["amazon", "self"], amiNameFilter: "al2023-ami-*" });

    // THEN
    const ami = onlyBlock(stackJson(stack), "data", DataAwsAmi.tfResourceType);
    expect(ami.block).toEqual({
      provider: "aws",
      most_recent: true,
      owners: ["amazon", "self"],
      filter: [
        { name: "name", values: ["al2023-ami-*"] },
        { name: "virtualization-type", values: ["hvm"] },
      ],
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Instance, { ami: `\${data.aws_ami.${ami.id}.id}` });
  });

  it("runs in the first default subnet of a zone that offers the type by default, failing the plan if there is none", () => {
    // WHEN
    const stack = instanceIn();

    // THEN
    const json = stackJson(stack);
    const offerings = onlyBlock(json, "data", DataAwsEc2InstanceTypeOfferings.tfResourceType);
    expect(offerings.block).toEqual({
      provider: "aws",
      location_type: "availability-zone",
      filter: [{ name: "instance-type", values: ["t3.micro"] }],
      lifecycle: {
        postcondition: [
          {
            condition: "${length(self.locations) > 0}",
            error_message:
              "No availability zone offers the instance type t3.micro: set the instanceType setting to a type the region offers.",
          },
        ],
      },
    });
    const subnets = onlyBlock(json, "data", DataAwsSubnets.tfResourceType);
    expect(subnets.block).toEqual({
      provider: "aws",
      filter: [
        { name: "default-for-az", values: ["true"] },
        {
          name: "availability-zone",
          values: `\${data.aws_ec2_instance_type_offerings.${offerings.id}.locations}`,
        },
      ],
      lifecycle: {
        postcondition: [
          {
            condition: "${length(self.ids) > 0}",
            error_message:
              "There is no default subnet in an availability zone that offers t3.micro: the account has no default VPC " +
              "(landing zones delete it), or its default subnets are elsewhere. Set the subnetId setting to a subnet of your VPC.",
          },
        ],
      },
    });
    // chosen once, at launch (the next test): the first by id, so that the choice is stable
    const pin = onlyBlock(json, "resource", DataResource.tfResourceType).block as { input: { subnet_id: string } };
    expect(pin.input.subnet_id).toBe(`\${element(sort(data.aws_subnets.${subnets.id}.ids), 0)}`);
  });

  it("pins the default subnet chosen at launch, so that a later plan never moves the instance to another one", () => {
    // WHEN
    const json = stackJson(instanceIn());

    // THEN the choice is kept in the state: a changed choice (another type, new subnets) is ignored
    const subnets = onlyBlock(json, "data", DataAwsSubnets.tfResourceType);
    const pin = onlyBlock(json, "resource", DataResource.tfResourceType);
    expect(pin.id).toMatch(/SubnetPin/);
    expect(pin.block).toEqual({
      input: { subnet_id: `\${element(sort(data.aws_subnets.${subnets.id}.ids), 0)}` },
      lifecycle: { ignore_changes: ["input"] },
    });
    // and the instance runs in the pinned subnet, through its lookup
    const pinned = onlyBlock(json, "data", DataAwsSubnet.tfResourceType);
    expect(pinned.block).toMatchObject({ provider: "aws", id: `\${terraform_data.${pin.id}.input.subnet_id}` });
    expect(Testing.synth(instanceIn())).toHaveResourceWithProperties(Instance, {
      subnet_id: `\${data.aws_subnet.${pinned.id}.id}`,
    });
  });

  it("fails the plan, naming the zone, the type and the settings, when the pinned subnet's zone does not offer the type", () => {
    // WHEN
    const json = stackJson(instanceIn());

    // THEN
    const offerings = onlyBlock(json, "data", DataAwsEc2InstanceTypeOfferings.tfResourceType);
    const pinned = onlyBlock(json, "data", DataAwsSubnet.tfResourceType).block as {
      lifecycle: { postcondition: { condition: string; error_message: string }[] };
    };
    expect(pinned.lifecycle.postcondition).toEqual([
      {
        condition: `\${contains(data.aws_ec2_instance_type_offerings.${offerings.id}.locations, self.availability_zone)}`,
        error_message:
          "The instance runs in subnet ${self.id} in availability zone ${self.availability_zone} (${self.availability_zone_id}), " +
          "which does not offer the instance type t3.micro. The instance keeps the subnet it was launched in, so that a " +
          "change of type stops, modifies and starts it instead of replacing it: set the instanceType setting to a type " +
          "that zone offers, or set the subnetId setting to a subnet in a zone that offers t3.micro (which replaces the " +
          "instance, and its disk).",
      },
    ]);
  });

  it("pins no subnet when given one", () => {
    const json = stackJson(instanceIn({ subnetId: "subnet-0123456789abcdef0" }));
    expect(blocksOf(json, "resource", DataResource.tfResourceType)).toEqual({});
    expect(blocksOf(json, "data", DataAwsSubnet.tfResourceType)).toEqual({});
  });

  describe("region", () => {
    it("pins the region of the launch, and refuses a plan in another region, naming both and the way to move", () => {
      // WHEN
      const json = stackJson(instanceIn({ subnetId: "subnet-0123456789abcdef0", pinRegion: "us-west-2" }));

      // THEN the pin keeps the region of the launch, and fails the plan of a run in another one
      const pin = onlyBlock(json, "resource", DataResource.tfResourceType);
      expect(pin.id).toMatch(/RegionPin/);
      expect(pin.block).toEqual({
        input: { region: "us-west-2" },
        lifecycle: {
          ignore_changes: ["input"],
          postcondition: [
            {
              condition: '${self.input.region == "us-west-2"}',
              error_message:
                "The instance was launched in region ${self.input.region}, and this run acts in us-west-2 (the region " +
                "setting, or AWS_REGION, which wins over it). A stack never moves region silently: a launch in " +
                "us-west-2 would leave the running instance behind in ${self.input.region}. To keep it, set the " +
                "region setting (and AWS_REGION, if it is set) to ${self.input.region}. To move it on purpose, " +
                "destroy the stack with the region it was launched in, then deploy with us-west-2.",
            },
          ],
        },
      });
      // the instance itself is as without the pin
      expect(onlyBlock(json, "resource", Instance.tfResourceType).block.lifecycle).toEqual({ ignore_changes: ["ami"] });
    });

    it("checks the region before it looks up the pinned subnet, which the other region does not have", () => {
      // WHEN
      const json = stackJson(instanceIn({ pinRegion: "us-west-2" }));

      // THEN
      const pin = Object.keys(blocksOf(json, "resource", DataResource.tfResourceType)).find((id) =>
        /RegionPin/.test(id),
      );
      const pinned = onlyBlock(json, "data", DataAwsSubnet.tfResourceType).block as {
        lifecycle: { precondition: { condition: string; error_message: string }[] };
      };
      expect(pinned.lifecycle.precondition).toEqual([
        {
          condition: `\${terraform_data.${pin}.input.region == "us-west-2"}`,
          error_message: expect.stringMatching(
            new RegExp(
              `^The instance was launched in region \\$\\{terraform_data\\.${pin}\\.input\\.region\\}, and this run acts in us-west-2 `,
            ),
          ),
        },
      ]);
    });

    it("pins no region unless asked", () => {
      const json = stackJson(instanceIn({ subnetId: "subnet-0123456789abcdef0" }));
      expect(blocksOf(json, "resource", DataResource.tfResourceType)).toEqual({});
      expect(onlyBlock(json, "resource", Instance.tfResourceType).block.lifecycle).toEqual({ ignore_changes: ["ami"] });
    });
  });

  it("names the account and region in the placement messages when told them", () => {
    // WHEN
    const json = stackJson(instanceIn({ placementContext: { region: "eu-west-1", accountId: "222222222222" } }));

    // THEN
    const messages = [DataAwsEc2InstanceTypeOfferings.tfResourceType, DataAwsSubnets.tfResourceType].map(
      (type) =>
        (onlyBlock(json, "data", type).block as { lifecycle: { postcondition: { error_message: string }[] } }).lifecycle
          .postcondition[0].error_message,
    );
    expect(messages[0]).toContain("No availability zone in account 222222222222 region eu-west-1 offers");
    expect(messages[1]).toContain("There is no default subnet in account 222222222222 region eu-west-1 in");
  });

  it("runs in the given subnet without looking up the default ones or the type's zones", () => {
    // WHEN
    const stack = instanceIn({ subnetId: "subnet-0123456789abcdef0" });

    // THEN
    expect(blocksOf(stackJson(stack), "data", DataAwsSubnets.tfResourceType)).toEqual({});
    expect(blocksOf(stackJson(stack), "data", DataAwsEc2InstanceTypeOfferings.tfResourceType)).toEqual({});
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Instance, { subnet_id: "subnet-0123456789abcdef0" });
  });

  it("uses the default security group unless given some", () => {
    expect(onlyBlock(stackJson(instanceIn()), "resource", Instance.tfResourceType).block).not.toHaveProperty(
      "vpc_security_group_ids",
    );
    expect(
      onlyBlock(stackJson(instanceIn({ securityGroupIds: [] })), "resource", Instance.tfResourceType).block,
    ).not.toHaveProperty("vpc_security_group_ids");
    expect(Testing.synth(instanceIn({ securityGroupIds: ["sg-01234567"] }))).toHaveResourceWithProperties(Instance, {
      vpc_security_group_ids: ["sg-01234567"],
    });
  });

  describe("image", () => {
    it("keeps the image a lookup found at launch: a newer one does not replace the instance", () => {
      const instance = onlyBlock(stackJson(instanceIn()), "resource", Instance.tfResourceType).block;
      expect(instance.lifecycle).toEqual({ ignore_changes: ["ami"] });
    });

    it("replaces the instance with a newer image only when asked", () => {
      const instance = onlyBlock(stackJson(instanceIn({ replaceOnNewAmi: true })), "resource", Instance.tfResourceType);
      expect(instance.block).not.toHaveProperty("lifecycle");
    });

    it("runs a given AMI id without a lookup, and replaces the instance when the id changes", () => {
      // WHEN
      const json = stackJson(instanceIn({ amiId: "ami-0123456789abcdef0" }));

      // THEN
      expect(blocksOf(json, "data", DataAwsAmi.tfResourceType)).toEqual({});
      expect(blocksOf(json, "data", DataAwsSsmParameter.tfResourceType)).toEqual({});
      const instance = onlyBlock(json, "resource", Instance.tfResourceType).block;
      expect(instance.ami).toBe("ami-0123456789abcdef0");
      expect(instance).not.toHaveProperty("lifecycle");
    });

    it("reads the AMI id from an SSM parameter, in plain text, keeping the image unless asked", () => {
      // WHEN
      const name = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id";
      const json = stackJson(instanceIn({ amiSsmParameter: name }));

      // THEN
      expect(blocksOf(json, "data", DataAwsAmi.tfResourceType)).toEqual({});
      const parameter = onlyBlock(json, "data", DataAwsSsmParameter.tfResourceType);
      expect(parameter.block).toEqual({ provider: "aws", name });
      const instance = onlyBlock(json, "resource", Instance.tfResourceType).block;
      expect(instance.ami).toBe(`\${data.aws_ssm_parameter.${parameter.id}.insecure_value}`);
      expect(instance.lifecycle).toEqual({ ignore_changes: ["ami"] });
    });

    it("refuses an AMI id and an SSM parameter together", () => {
      expect(() => instanceIn({ amiId: "ami-01234567", amiSsmParameter: "/my/ami" })).toThrow(
        exactly("amiId and amiSsmParameter are both given: the image comes from one of them"),
      );
    });

    it("needs no AMI owner with an AMI id or an SSM parameter", () => {
      expect(() => instanceIn({ amiOwners: [], amiId: "ami-01234567" })).not.toThrow();
      expect(() => instanceIn({ amiOwners: [], amiSsmParameter: "/my/ami" })).not.toThrow();
    });
  });

  it("tags the instance with its name and the given tags", () => {
    expect(
      Testing.synth(instanceIn({ tags: { team: "platform", ManagedBy: "cdktf-assume-role" } })),
    ).toHaveResourceWithProperties(Instance, {
      tags: { Name: "web", team: "platform", ManagedBy: "cdktf-assume-role" },
    });
  });

  it("keeps its name over a Name in the given tags", () => {
    expect(Testing.synth(instanceIn({ tags: { Name: "other" } }))).toHaveResourceWithProperties(Instance, {
      tags: { Name: "web" },
    });
  });

  it.each([["mac2.metal"], ["c5ad.large"], ["u-12tb1.112xlarge"]])("accepts the instance type %j", (instanceType) => {
    expect(Testing.synth(instanceIn({ instanceType }))).toHaveResourceWithProperties(Instance, {
      instance_type: instanceType,
    });
  });

  it.each([["micro"], ["T2.MICRO"], ["t2micro"], ["my t3.micro"], ["t3.micro!"]])(
    "rejects the instance type %j",
    (instanceType) => {
      expect(() => instanceIn({ instanceType })).toThrow(
        exactly(`instanceType "${instanceType}" must be an EC2 instance type such as "t2.micro"`),
      );
    },
  );

  it("rejects an empty list of AMI owners", () => {
    expect(() => instanceIn({ amiOwners: [] })).toThrow(
      exactly("amiOwners is empty: name at least one AMI owner, e.g. Canonical's 099720109477"),
    );
  });
});
