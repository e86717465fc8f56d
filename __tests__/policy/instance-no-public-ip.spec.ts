import { DataAwsInstance } from "@cdktf/provider-aws/lib/data-aws-instance";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { InstanceNoPublicIp } from "../../constructs/policy/instance-no-public-ip";
import { suppressPolicyRule } from "../../constructs/policy/rule";
import { checkedStack, findings } from "./helpers";

function instanceWith(associatePublicIpAddress?: boolean) {
  const stack = checkedStack(InstanceNoPublicIp);
  const instance = new Instance(stack, "Instance", {
    ami: "ami-12345678",
    instanceType: "t3.micro",
    associatePublicIpAddress,
  });
  return { stack, instance };
}

const FINDING =
  "[InstanceNoPublicIp] stack/Instance: associate_public_ip_address is true, but no setting asked for a public " +
  'IP address; set associatePublicIpAddress: false, or suppressPolicyRule(instance, "InstanceNoPublicIp", "<why>") ' +
  "where the address is intended";

describe("InstanceNoPublicIp", () => {
  test("GIVEN an instance without a public IP address WHEN synthesized THEN there is no finding", () => {
    expect(findings(instanceWith(false).stack)).toEqual([]);
  });

  test("GIVEN an instance with a public IP address WHEN synthesized THEN the rule reports an error", () => {
    expect(findings(instanceWith(true).stack)).toEqual([{ level: "error", path: "stack/Instance", message: FINDING }]);
  });

  test("GIVEN a public IP address that a setting asked for WHEN synthesized THEN an info names the reason", () => {
    const { stack, instance } = instanceWith(true);
    suppressPolicyRule(instance, "InstanceNoPublicIp", "setting associatePublicIpAddress=true");
    expect(findings(stack)).toEqual([
      {
        level: "info",
        path: "stack/Instance",
        message: "[InstanceNoPublicIp] stack/Instance: suppressed: setting associatePublicIpAddress=true",
      },
    ]);
  });

  test("GIVEN a data source of an existing instance with a public IP address WHEN checked THEN there is no finding", () => {
    const existing = new DataAwsInstance(checkedStack(), "Existing", { instanceId: "i-12345678" });
    expect(
      InstanceNoPublicIp.check({
        element: existing,
        type: "data.aws_instance",
        attributes: { associate_public_ip_address: true },
      }),
    ).toEqual([]);
  });
});
