import { TerraformVariable } from "cdktf";
import { DataAwsInstance } from "@cdktf/provider-aws/lib/data-aws-instance";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { Instance, InstanceEbsBlockDevice } from "@cdktf/provider-aws/lib/instance";
import { EbsVolumeEncrypted } from "../../constructs/policy/ebs-volume-encrypted";
import { checkedStack, findings } from "./helpers";

function instanceWith(ebsBlockDevice?: InstanceEbsBlockDevice[]) {
  const stack = checkedStack(EbsVolumeEncrypted);
  new Instance(stack, "Instance", {
    ami: "ami-12345678",
    instanceType: "t3.micro",
    rootBlockDevice: { encrypted: true, volumeSize: 8 },
    ebsBlockDevice,
  });
  return stack;
}

const error = (path: string, problem: string) => ({
  level: "error",
  path,
  message: `[EbsVolumeEncrypted] ${path}: ${problem}`,
});

describe("EbsVolumeEncrypted", () => {
  test("GIVEN an instance without data volumes WHEN synthesized THEN there is no finding", () => {
    expect(findings(instanceWith(undefined))).toEqual([]);
  });

  test("GIVEN an instance with an encrypted data volume WHEN synthesized THEN there is no finding", () => {
    expect(findings(instanceWith([{ deviceName: "/dev/sdf", encrypted: true, volumeSize: 20 }]))).toEqual([]);
  });

  test("GIVEN an instance with an unencrypted data volume WHEN synthesized THEN the rule reports an error naming it", () => {
    const stack = instanceWith([
      { deviceName: "/dev/sdf", encrypted: true, volumeSize: 20 },
      { deviceName: "/dev/sdg", encrypted: false, volumeSize: 20 },
    ]);
    expect(findings(stack)).toEqual([
      error(
        "stack/Instance",
        'ebs_block_device "/dev/sdg": encrypted must be true but is false; set encrypted: true in that ebsBlockDevice entry',
      ),
    ]);
  });

  test("GIVEN an instance with a data volume that does not set encrypted WHEN synthesized THEN the rule reports an error", () => {
    expect(findings(instanceWith([{ deviceName: "/dev/sdf", volumeSize: 20 }]))).toEqual([
      error(
        "stack/Instance",
        'ebs_block_device "/dev/sdf": encrypted must be true but is not set; set encrypted: true in that ebsBlockDevice entry',
      ),
    ]);
  });

  test("GIVEN a data volume whose encryption is known only at plan WHEN synthesized THEN the rule does not guess", () => {
    const stack = checkedStack(EbsVolumeEncrypted);
    const encrypted = new TerraformVariable(stack, "Encrypted", { type: "bool" });
    new Instance(stack, "Instance", {
      ami: "ami-12345678",
      instanceType: "t3.micro",
      ebsBlockDevice: [{ deviceName: "/dev/sdf", encrypted: encrypted.booleanValue, volumeSize: 20 }],
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN an encrypted EBS volume WHEN synthesized THEN there is no finding", () => {
    const stack = checkedStack(EbsVolumeEncrypted);
    new EbsVolume(stack, "Volume", { availabilityZone: "us-east-1a", size: 20, encrypted: true });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN an EBS volume that does not set encrypted WHEN synthesized THEN the rule reports an error", () => {
    const stack = checkedStack(EbsVolumeEncrypted);
    new EbsVolume(stack, "Volume", { availabilityZone: "us-east-1a", size: 20 });
    expect(findings(stack)).toEqual([
      error("stack/Volume", "encrypted must be true but is not set; set encrypted: true"),
    ]);
  });

  test("GIVEN unencrypted data volume entries without a device name WHEN checked THEN the rule names them by position", () => {
    const instance = new Instance(checkedStack(), "Instance", { ami: "ami-12345678", instanceType: "t3.micro" });
    expect(
      EbsVolumeEncrypted.check({
        element: instance,
        type: "aws_instance",
        attributes: { ebs_block_device: [{ encrypted: false }, null, undefined, "/dev/sdh", { device_name: 7 }] },
      }),
    ).toEqual([
      "ebs_block_device 1: encrypted must be true but is false; set encrypted: true in that ebsBlockDevice entry",
      "ebs_block_device 2: encrypted must be true but is not set; set encrypted: true in that ebsBlockDevice entry",
      "ebs_block_device 3: encrypted must be true but is not set; set encrypted: true in that ebsBlockDevice entry",
      "ebs_block_device 4: encrypted must be true but is not set; set encrypted: true in that ebsBlockDevice entry",
      "ebs_block_device 5: encrypted must be true but is not set; set encrypted: true in that ebsBlockDevice entry",
    ]);
  });

  test("GIVEN a data source of an existing instance with an unencrypted data volume WHEN checked THEN there is no finding", () => {
    const existing = new DataAwsInstance(checkedStack(), "Existing", { instanceId: "i-12345678" });
    expect(
      EbsVolumeEncrypted.check({
        element: existing,
        type: "data.aws_instance",
        attributes: { ebs_block_device: [{ device_name: "/dev/sdf", encrypted: false }] },
      }),
    ).toEqual([]);
  });
});
