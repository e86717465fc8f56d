import { Construct } from "constructs";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { InstanceNoPublicIp } from "../../constructs/policy/instance-no-public-ip";
import { InstanceRequiresImdsv2 } from "../../constructs/policy/instance-requires-imdsv2";
import { findPolicySuppression, PolicyRuleName, suppressPolicyRule } from "../../constructs/policy/rule";
import { checkedStack, findings } from "./helpers";

/** An instance with a public IP address and IMDSv1, in a construct named `Server`. */
function serverStack() {
  const stack = checkedStack(InstanceNoPublicIp, InstanceRequiresImdsv2);
  const server = new Construct(stack, "Server");
  const instance = new Instance(server, "Instance", {
    ami: "ami-12345678",
    instanceType: "t3.micro",
    associatePublicIpAddress: true,
    metadataOptions: { httpTokens: "optional" },
  });
  return { stack, server, instance };
}

describe("suppressPolicyRule", () => {
  test("GIVEN a blank reason WHEN suppressing a rule THEN it throws", () => {
    const { instance } = serverStack();
    expect(() => suppressPolicyRule(instance, "InstanceNoPublicIp", "  ")).toThrow(
      "Suppressing policy rule InstanceNoPublicIp on stack/Server/Instance needs a reason: " +
        "say why the finding is acceptable",
    );
  });

  test("GIVEN an unknown rule name WHEN suppressing it THEN it throws and lists the known rules", () => {
    const { instance } = serverStack();
    expect(() => suppressPolicyRule(instance, "InstanceIsCheap" as PolicyRuleName, "it is")).toThrow(
      'Cannot suppress unknown policy rule "InstanceIsCheap" on stack/Server/Instance; known rules: ' +
        "TrustPolicyNoWildcardPrincipal, IamNoWildcardActionOnAllResources, IamActionsExistAndConditionKeysApply, InstanceRequiresImdsv2, " +
        "InstanceRootVolumeEncrypted, EbsVolumeEncrypted, InstanceNoPublicIp, TrustPolicyAccountRootNeedsCondition",
    );
  });

  test("GIVEN a suppression on a parent construct WHEN synthesized THEN it applies to its children", () => {
    const { stack, server } = serverStack();
    suppressPolicyRule(server, "InstanceNoPublicIp", "a bastion host, reached over SSH");
    expect(findings(stack)).toEqual([
      {
        level: "info",
        path: "stack/Server/Instance",
        message:
          "[InstanceNoPublicIp] stack/Server/Instance: suppressed on stack/Server: a bastion host, reached over SSH",
      },
      {
        level: "error",
        path: "stack/Server/Instance",
        message:
          '[InstanceRequiresImdsv2] stack/Server/Instance: metadata_options.http_tokens must be "required" (IMDSv2) ' +
          'but is "optional"; set metadataOptions: { httpTokens: "required" }',
      },
    ]);
  });

  test("GIVEN suppressions on a construct and its parent WHEN looked up THEN the nearest one wins", () => {
    const { server, instance } = serverStack();
    suppressPolicyRule(server, "InstanceNoPublicIp", "the parent's reason");
    suppressPolicyRule(instance, "InstanceNoPublicIp", "the instance's reason");
    expect(findPolicySuppression(instance, "InstanceNoPublicIp")).toEqual({
      rule: "InstanceNoPublicIp",
      reason: "the instance's reason",
      path: "stack/Server/Instance",
    });
    expect(findPolicySuppression(instance, "InstanceRequiresImdsv2")).toBeUndefined();
  });
});
