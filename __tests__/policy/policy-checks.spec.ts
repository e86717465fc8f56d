import { App, Aspects, TerraformStack } from "cdktf";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { defineStacks } from "../../app";
import { loadConfig } from "../../config";
import { ALL_POLICY_RULES, PolicyChecks } from "../../constructs/policy/policy-checks";
import { POLICY_RULE_NAMES } from "../../constructs/policy/rule";
import { testApp } from "../helpers";
import { annotationsOf, checkedStack, findings } from "./helpers";

/** The app's stacks from settings given as cdktf.json context. */
function defaultApp(context: Readonly<Record<string, unknown>> = {}): App {
  const app = testApp();
  defineStacks(app, loadConfig({ context: (key) => context[key], env: {}, cwd: "/tmp" }));
  return app;
}

const ROOT_TRUST_WARNING =
  "[TrustPolicyAccountRootNeedsCondition] iam-stack/CrossAccountRole/Role: " +
  'statement "TrustSourceAccount" of the trust policy (assume_role_policy) trusts the whole account ' +
  '"arn:${data.aws_partition.CrossAccountRole_Partition_1E9BD164.partition}:iam::' +
  '${data.aws_caller_identity.CrossAccountRole_SourceIdentity_71684995.account_id}:root" with no condition, ' +
  "so any user or role there that may call sts:AssumeRole can assume this role; add a condition " +
  "(sts:ExternalId, aws:MultiFactorAuthPresent or aws:PrincipalOrgID) or trust specific roles instead";

describe("PolicyChecks", () => {
  test("GIVEN the rules WHEN listed THEN they are exactly the rules that suppressions accept", () => {
    expect(ALL_POLICY_RULES.map((r) => r.name)).toEqual([...POLICY_RULE_NAMES]);
    expect(new PolicyChecks().rules).toBe(ALL_POLICY_RULES);
  });

  test("GIVEN an instance that breaks a rule WHEN the app synthesizes THEN synth fails naming the rule", () => {
    const stack = checkedStack(...ALL_POLICY_RULES);
    new Instance(stack, "Instance", {
      ami: "ami-12345678",
      instanceType: "t3.micro",
      metadataOptions: { httpTokens: "required" },
      rootBlockDevice: { encrypted: true },
      associatePublicIpAddress: true,
    });
    expect(() => (stack.node.scope as App).synth()).toThrow(
      'Encountered Annotations with level "ERROR":\n' +
        "[stack/Instance] [InstanceNoPublicIp] stack/Instance: associate_public_ip_address is true, but no setting " +
        "asked for a public IP address; set associatePublicIpAddress: false, or " +
        'suppressPolicyRule(instance, "InstanceNoPublicIp", "<why>") where the address is intended',
    );
  });

  test("GIVEN a warning only WHEN the app synthesizes THEN synth succeeds", () => {
    const app = defaultApp();
    expect(() => app.synth()).not.toThrow();
    expect(annotationsOf(app).map((a) => a.level)).toEqual(["warning"]);
  });

  test("GIVEN synth runs the aspects twice WHEN annotations are read THEN each finding is reported once", () => {
    const stack = checkedStack(...ALL_POLICY_RULES);
    new Instance(stack, "Instance", { ami: "ami-12345678", instanceType: "t3.micro" });
    findings(stack);
    expect(findings(stack).map((f) => f.message.split("]")[0])).toEqual([
      "[InstanceRequiresImdsv2",
      "[InstanceRootVolumeEncrypted",
    ]);
  });

  test("GIVEN the aspect added to the App WHEN synthesized THEN cdktf never runs it, so stacks get it", () => {
    // Why defineStacks adds the checks to each stack: cdktf 0.21 starts aspects at the stacks.
    const app = testApp();
    Aspects.of(app).add(new PolicyChecks());
    const stack = new TerraformStack(app, "stack");
    new AwsProvider(stack, "Aws", { region: "us-east-1" });
    new Instance(stack, "Instance", { ami: "ami-12345678", instanceType: "t3.micro", associatePublicIpAddress: true });
    expect(() => app.synth()).not.toThrow();
    expect(annotationsOf(app)).toEqual([]);
  });
});

describe("the app's stacks under the policy checks", () => {
  test("GIVEN the default settings WHEN synthesized THEN there is no error and one warning for the :root trust", () => {
    const app = defaultApp();
    app.synth();
    expect(annotationsOf(app)).toEqual([
      { level: "warning", path: "iam-stack/CrossAccountRole/Role", message: ROOT_TRUST_WARNING },
    ]);
  });

  test("GIVEN an external id WHEN synthesized THEN the :root trust has a condition and there is no warning", () => {
    const app = defaultApp({ externalId: "cdktf-assume-role-test" });
    app.synth();
    expect(annotationsOf(app)).toEqual([]);
  });

  test("GIVEN associatePublicIpAddress=true WHEN synthesized THEN the public IP is suppressed with the setting as reason", () => {
    const app = defaultApp({ associatePublicIpAddress: true });
    app.synth();
    expect(annotationsOf(app).filter((a) => a.path.startsWith("ec2-stack"))).toEqual([
      {
        level: "info",
        path: "ec2-stack/Instance/Instance",
        message: "[InstanceNoPublicIp] ec2-stack/Instance/Instance: suppressed: setting associatePublicIpAddress=true",
      },
    ]);
  });

  test("GIVEN the least-privilege permissions WHEN synthesized THEN its policy passes the checks", () => {
    const app = defaultApp({ permissions: "least-privilege", externalId: "cdktf-assume-role-test" });
    app.synth();
    expect(annotationsOf(app)).toEqual([]);
  });
});
