import { TerraformVariable } from "cdktf";
import { Instance, InstanceRootBlockDevice } from "@cdktf/provider-aws/lib/instance";
import { InstanceRootVolumeEncrypted } from "../../constructs/policy/instance-root-volume-encrypted";
import { checkedStack, findings } from "./helpers";

function instanceWith(rootBlockDevice?: InstanceRootBlockDevice) {
  const stack = checkedStack(InstanceRootVolumeEncrypted);
  const instance = new Instance(stack, "Instance", { ami: "ami-12345678", instanceType: "t3.micro", rootBlockDevice });
  return { stack, instance };
}

describe("InstanceRootVolumeEncrypted", () => {
  test("GIVEN an instance with an encrypted root volume WHEN synthesized THEN there is no finding", () => {
    expect(findings(instanceWith({ encrypted: true }).stack)).toEqual([]);
  });

  test("GIVEN an instance with an unencrypted root volume WHEN synthesized THEN the rule reports an error", () => {
    expect(findings(instanceWith({ encrypted: false, volumeSize: 8 }).stack)).toEqual([
      {
        level: "error",
        path: "stack/Instance",
        message:
          "[InstanceRootVolumeEncrypted] stack/Instance: root_block_device.encrypted must be true but is false; " +
          "set rootBlockDevice: { encrypted: true }",
      },
    ]);
  });

  test("GIVEN an instance without a root block device WHEN synthesized THEN the rule reports an error", () => {
    expect(findings(instanceWith(undefined).stack)).toEqual([
      {
        level: "error",
        path: "stack/Instance",
        message:
          "[InstanceRootVolumeEncrypted] stack/Instance: root_block_device.encrypted must be true but is not set; " +
          "set rootBlockDevice: { encrypted: true }",
      },
    ]);
  });

  test("GIVEN encryption set through the addOverride escape hatch WHEN synthesized THEN there is no finding", () => {
    const { stack, instance } = instanceWith(undefined);
    instance.addOverride("root_block_device.encrypted", true);
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN a root block device known only at plan WHEN synthesized THEN the rule does not guess", () => {
    const { stack, instance } = instanceWith(undefined);
    const root = new TerraformVariable(stack, "RootBlockDevice", { type: "any" });
    instance.addOverride("root_block_device", root.value);
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN an instance from a launch template that does not set encrypted WHEN synthesized THEN the template decides", () => {
    const stack = checkedStack(InstanceRootVolumeEncrypted);
    new Instance(stack, "Instance", { launchTemplate: { id: "lt-12345678" }, rootBlockDevice: { volumeSize: 8 } });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN an instance from a launch template with an unencrypted root volume WHEN synthesized THEN the rule reports an error", () => {
    const stack = checkedStack(InstanceRootVolumeEncrypted);
    new Instance(stack, "Instance", { launchTemplate: { id: "lt-12345678" }, rootBlockDevice: { encrypted: false } });
    expect(findings(stack)).toEqual([
      {
        level: "error",
        path: "stack/Instance",
        message:
          "[InstanceRootVolumeEncrypted] stack/Instance: root_block_device.encrypted must be true but is false; " +
          "set rootBlockDevice: { encrypted: true }",
      },
    ]);
  });
});
