import { PolicyRule, singleBlock, unlessTrue } from "./rule";

/**
 * An EC2 instance's root volume must be encrypted (`root_block_device.encrypted = true`), whether
 * or not the account encrypts new volumes by default: the setting must not depend on the account.
 */
export const InstanceRootVolumeEncrypted: PolicyRule = {
  name: "InstanceRootVolumeEncrypted",
  level: "error",
  check({ type, attributes }) {
    if (type !== "aws_instance") return [];
    const root = singleBlock(attributes.root_block_device);
    if (root === "unknown") return [];
    const encrypted = root?.encrypted;
    const actual = unlessTrue(encrypted);
    if (actual === undefined) return [];
    // Not set on the instance: a launch template may set it.
    if (encrypted === undefined && attributes.launch_template !== undefined) return [];
    return [`root_block_device.encrypted must be true but is ${actual}; set rootBlockDevice: { encrypted: true }`];
  },
};
