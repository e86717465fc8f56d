/** Specs of the policy rules' shared helpers (constructs/policy/rule.ts). */
import { Instance } from "@cdktf/provider-aws/lib/instance";
import {
  booleanValue,
  findPolicySuppression,
  policySubject,
  singleBlock,
  SUPPRESSION_METADATA_TYPE,
  suppressPolicyRule,
} from "../../constructs/policy/rule";
import { exactly } from "../helpers";
import { checkedStack } from "./helpers";

function instanceStack() {
  const stack = checkedStack();
  const instance = new Instance(stack, "Instance", { ami: "ami-12345678", instanceType: "t3.micro" });
  return { stack, instance };
}

describe("policySubject", () => {
  test("GIVEN a resource WHEN read as a subject THEN its attributes are its arguments without the metadata comment", () => {
    const { instance } = instanceStack();
    expect(policySubject(instance)).toEqual({
      element: instance,
      type: "aws_instance",
      attributes: { ami: "ami-12345678", instance_type: "t3.micro" },
    });
  });
});

describe("singleBlock", () => {
  test("GIVEN no block WHEN read THEN it is undefined", () => {
    expect([singleBlock(undefined), singleBlock(null), singleBlock([])]).toEqual([undefined, undefined, undefined]);
  });

  test("GIVEN a block or a list of blocks WHEN read THEN it is the (first) block", () => {
    expect(singleBlock({ http_tokens: "required" })).toEqual({ http_tokens: "required" });
    expect(singleBlock([{ http_tokens: "required" }, { http_tokens: "optional" }])).toEqual({
      http_tokens: "required",
    });
  });

  test("GIVEN an expression, a scalar or a null block WHEN read THEN it is unknown", () => {
    expect(["${var.options}", ["${var.options}"], 5, "required", [null], [true]].map(singleBlock)).toEqual([
      "unknown",
      "unknown",
      "unknown",
      "unknown",
      "unknown",
      "unknown",
    ]);
  });
});

describe("booleanValue", () => {
  test("GIVEN true or false as a boolean or a string WHEN read THEN it is that boolean", () => {
    expect([true, "true", false, "false"].map(booleanValue)).toEqual([true, true, false, false]);
  });

  test("GIVEN no boolean WHEN read THEN it is undefined", () => {
    expect([undefined, null, "", "yes", 0, 1, "${var.enabled}"].map(booleanValue)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("suppressPolicyRule metadata", () => {
  test("GIVEN a reason with surrounding blanks WHEN suppressing a rule THEN the node records it trimmed", () => {
    const { instance } = instanceStack();
    const before = instance.node.metadata.length;
    suppressPolicyRule(instance, "InstanceNoPublicIp", "  a bastion host  ");
    expect(SUPPRESSION_METADATA_TYPE).toBe("cdktf-policy/suppress");
    const added = instance.node.metadata.slice(before);
    expect(added.map((m) => ({ type: m.type, data: m.data as unknown }))).toEqual([
      { type: "cdktf-policy/suppress", data: { rule: "InstanceNoPublicIp", reason: "a bastion host" } },
    ]);
    expect(findPolicySuppression(instance, "InstanceNoPublicIp")).toEqual({
      rule: "InstanceNoPublicIp",
      reason: "a bastion host",
      path: "stack/Instance",
    });
  });

  test("GIVEN a reason that is no string WHEN suppressing a rule THEN it throws that a reason is needed", () => {
    const { instance } = instanceStack();
    expect(() => suppressPolicyRule(instance, "InstanceNoPublicIp", undefined as unknown as string)).toThrow(
      exactly(
        "Suppressing policy rule InstanceNoPublicIp on stack/Instance needs a reason: say why the finding is acceptable",
      ),
    );
  });

  test("GIVEN other metadata naming a rule WHEN looking up a suppression THEN there is none", () => {
    const { instance } = instanceStack();
    instance.node.addMetadata("other/metadata", { rule: "InstanceNoPublicIp", reason: "not a suppression" });
    expect(findPolicySuppression(instance, "InstanceNoPublicIp")).toBeUndefined();
  });
});
