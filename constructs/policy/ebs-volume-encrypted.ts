import { PolicyRule, unlessTrue } from "./rule";

/** An instance's `ebs_block_device` blocks; undefined when they are an expression or a dynamic block. */
function blockDevices(attributes: Readonly<Record<string, unknown>>): Record<string, unknown>[] | undefined {
  const value = attributes.ebs_block_device;
  if (value === undefined) return attributes.dynamic === undefined ? [] : undefined;
  if (!Array.isArray(value)) return undefined;
  return value.map((b) => (typeof b === "object" && b !== null ? (b as Record<string, unknown>) : {}));
}

/**
 * Every EBS data volume must be encrypted (`encrypted = true`), whether or not the account
 * encrypts new volumes by default: an `aws_ebs_volume`, and each `ebs_block_device` of an
 * instance. The root volume has its own rule, InstanceRootVolumeEncrypted.
 */
export const EbsVolumeEncrypted: PolicyRule = {
  name: "EbsVolumeEncrypted",
  level: "error",
  check({ type, attributes }) {
    if (type === "aws_ebs_volume") {
      const actual = unlessTrue(attributes.encrypted);
      return actual === undefined ? [] : [`encrypted must be true but is ${actual}; set encrypted: true`];
    }
    if (type !== "aws_instance") return [];
    return (blockDevices(attributes) ?? []).flatMap((device, i) => {
      const actual = unlessTrue(device.encrypted);
      if (actual === undefined) return [];
      const name = typeof device.device_name === "string" ? JSON.stringify(device.device_name) : `${i + 1}`;
      return [
        `ebs_block_device ${name}: encrypted must be true but is ${actual}; ` +
          "set encrypted: true in that ebsBlockDevice entry",
      ];
    });
  },
};
