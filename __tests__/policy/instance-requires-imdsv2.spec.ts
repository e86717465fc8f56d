import { TerraformVariable } from "cdktf";
import { Instance, InstanceMetadataOptions } from "@cdktf/provider-aws/lib/instance";
import { InstanceRequiresImdsv2 } from "../../constructs/policy/instance-requires-imdsv2";
import { checkedStack, findings } from "./helpers";

function instanceWith(metadataOptions?: InstanceMetadataOptions) {
  const stack = checkedStack(InstanceRequiresImdsv2);
  new Instance(stack, "Instance", { ami: "ami-12345678", instanceType: "t3.micro", metadataOptions });
  return stack;
}

describe("InstanceRequiresImdsv2", () => {
  test("GIVEN an instance with http_tokens required WHEN synthesized THEN there is no finding", () => {
    expect(findings(instanceWith({ httpTokens: "required" }))).toEqual([]);
  });

  test("GIVEN an instance with http_tokens optional WHEN synthesized THEN the rule reports an error", () => {
    expect(findings(instanceWith({ httpTokens: "optional" }))).toEqual([
      {
        level: "error",
        path: "stack/Instance",
        message:
          '[InstanceRequiresImdsv2] stack/Instance: metadata_options.http_tokens must be "required" (IMDSv2) ' +
          'but is "optional"; set metadataOptions: { httpTokens: "required" }',
      },
    ]);
  });

  test("GIVEN an instance without metadata options WHEN synthesized THEN the rule reports an error", () => {
    expect(findings(instanceWith(undefined))).toEqual([
      {
        level: "error",
        path: "stack/Instance",
        message:
          '[InstanceRequiresImdsv2] stack/Instance: metadata_options.http_tokens must be "required" (IMDSv2) ' +
          'but is not set; set metadataOptions: { httpTokens: "required" }',
      },
    ]);
  });

  test("GIVEN an instance with the metadata endpoint disabled WHEN synthesized THEN there is no finding", () => {
    expect(findings(instanceWith({ httpEndpoint: "disabled" }))).toEqual([]);
  });

  test("GIVEN http_tokens from a variable WHEN synthesized THEN the rule does not guess", () => {
    const stack = checkedStack(InstanceRequiresImdsv2);
    const tokens = new TerraformVariable(stack, "HttpTokens", { type: "string" });
    new Instance(stack, "Instance", {
      ami: "ami-12345678",
      instanceType: "t3.micro",
      metadataOptions: { httpTokens: tokens.stringValue },
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN metadata options known only at plan WHEN synthesized THEN the rule does not guess", () => {
    const stack = checkedStack(InstanceRequiresImdsv2);
    const options = new TerraformVariable(stack, "MetadataOptions", { type: "any" });
    const instance = new Instance(stack, "Instance", { ami: "ami-12345678", instanceType: "t3.micro" });
    instance.addOverride("metadata_options", options.value);
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN an instance from a launch template that does not set http_tokens WHEN synthesized THEN the template decides", () => {
    const stack = checkedStack(InstanceRequiresImdsv2);
    new Instance(stack, "Instance", {
      launchTemplate: { id: "lt-12345678" },
      metadataOptions: { httpEndpoint: "enabled" },
    });
    expect(findings(stack)).toEqual([]);
  });

  test("GIVEN an instance from a launch template with http_tokens optional WHEN synthesized THEN the rule reports an error", () => {
    const stack = checkedStack(InstanceRequiresImdsv2);
    new Instance(stack, "Instance", {
      launchTemplate: { id: "lt-12345678" },
      metadataOptions: { httpTokens: "optional" },
    });
    expect(findings(stack)).toEqual([
      {
        level: "error",
        path: "stack/Instance",
        message:
          '[InstanceRequiresImdsv2] stack/Instance: metadata_options.http_tokens must be "required" (IMDSv2) ' +
          'but is "optional"; set metadataOptions: { httpTokens: "required" }',
      },
    ]);
  });
});
