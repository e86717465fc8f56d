import { booleanValue, PolicyRule } from "./rule";

/**
 * An EC2 instance gets no public IP address (`associate_public_ip_address`) unless a setting asks
 * for one, and whatever asks for it says so with a suppression of this rule.
 */
export const InstanceNoPublicIp: PolicyRule = {
  name: "InstanceNoPublicIp",
  level: "error",
  check({ type, attributes }) {
    if (type !== "aws_instance" || booleanValue(attributes.associate_public_ip_address) !== true) return [];
    return [
      "associate_public_ip_address is true, but no setting asked for a public IP address; " +
        'set associatePublicIpAddress: false, or suppressPolicyRule(instance, "InstanceNoPublicIp", "<why>") ' +
        "where the address is intended",
    ];
  },
};
