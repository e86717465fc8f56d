import { TerraformStack, Testing } from "cdktf";
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
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

  it("runs in the first default subnet by default, failing the plan if there is none", () => {
    // WHEN
    const stack = instanceIn();

    // THEN
    const subnets = onlyBlock(stackJson(stack), "data", DataAwsSubnets.tfResourceType);
    expect(subnets.block).toMatchObject({
      provider: "aws",
      filter: [{ name: "default-for-az", values: ["true"] }],
      lifecycle: { postcondition: [expect.objectContaining({ condition: "${length(self.ids) > 0}" })] },
    });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Instance, {
      subnet_id: `\${element(sort(data.aws_subnets.${subnets.id}.ids), 0)}`,
    });
  });

  it("runs in the given subnet without looking up the default ones", () => {
    // WHEN
    const stack = instanceIn({ subnetId: "subnet-0123456789abcdef0" });

    // THEN
    expect(blocksOf(stackJson(stack), "data", DataAwsSubnets.tfResourceType)).toEqual({});
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Instance, { subnet_id: "subnet-0123456789abcdef0" });
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
