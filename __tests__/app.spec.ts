import { TerraformStack } from "cdktf";
import { defineStacks } from "../app";
import { Ec2Stack } from "../stacks/ec2-stack";
import { IamStack } from "../stacks/iam-stack";
import { Block, configFrom, onlyProvider, stackJson, synthApp, testApp } from "./helpers";

/** Names of the app's stacks, in the order they were defined. */
function stackNames(app: ReturnType<typeof testApp>): string[] {
  return app.node.children.filter(TerraformStack.isStack).map((s) => s.node.id);
}

const TARGETS = [
  { name: "dev", destinationProfile: "dev-admin", destinationAccountId: "222222222222", roleName: "dev-deployer" },
  {
    name: "staging",
    destinationProfile: "staging-admin",
    destinationAccountId: "333333333333",
    roleName: "stg-deployer",
  },
  { name: "prod", destinationProfile: "prod-admin", destinationAccountId: "444444444444", roleName: "prod-deployer" },
];

describe("defineStacks", () => {
  it("defines exactly iam-stack and ec2-stack without targets", () => {
    // GIVEN
    const app = testApp();

    // WHEN
    const pairs = defineStacks(app, configFrom());

    // THEN
    expect(stackNames(app)).toEqual(["iam-stack", "ec2-stack"]);
    expect(pairs).toHaveLength(1);
    expect(pairs[0].iam).toBeInstanceOf(IamStack);
    expect(pairs[0].ec2).toBeInstanceOf(Ec2Stack);
  });

  it("deploys each ec2 stack after its own iam stack only", () => {
    // WHEN
    const { pairs } = synthApp({ targets: TARGETS });

    // THEN
    expect(pairs).toHaveLength(TARGETS.length);
    for (const pair of pairs) {
      expect(pair.ec2.dependencies).toEqual([pair.iam]);
      expect(pair.iam.dependencies).toEqual([]);
    }
  });

  it("defines a pair of stacks per target, named after it", () => {
    // GIVEN
    const app = testApp();

    // WHEN
    const pairs = defineStacks(app, configFrom({ targets: TARGETS }));

    // THEN
    expect(stackNames(app)).toEqual([
      "iam-stack-dev",
      "ec2-stack-dev",
      "iam-stack-staging",
      "ec2-stack-staging",
      "iam-stack-prod",
      "ec2-stack-prod",
    ]);
    expect(pairs.map((p) => [p.iam.node.id, p.ec2.node.id])).toEqual([
      ["iam-stack-dev", "ec2-stack-dev"],
      ["iam-stack-staging", "ec2-stack-staging"],
      ["iam-stack-prod", "ec2-stack-prod"],
    ]);
  });

  it("creates each target's role with that target's destination provider", () => {
    // WHEN
    const { pairs } = synthApp({ targets: TARGETS });

    // THEN
    expect(pairs).toHaveLength(TARGETS.length);
    pairs.forEach((pair, i) => {
      const json = stackJson(pair.iam);
      expect(json.provider?.aws).toContainEqual({
        alias: "destination",
        profile: TARGETS[i].destinationProfile,
        region: "us-east-1",
        allowed_account_ids: [TARGETS[i].destinationAccountId],
      });
      expect(Object.values(json.resource?.aws_iam_role ?? {}).map((r) => r.name)).toEqual([TARGETS[i].roleName]);
    });
  });

  it("makes each target's ec2 stack assume its own target's role, with no cross-wiring", () => {
    // WHEN
    const { pairs } = synthApp({ targets: TARGETS });

    // THEN
    expect(pairs).toHaveLength(TARGETS.length);
    pairs.forEach((pair, i) => {
      const name = TARGETS[i].name;
      const ec2 = stackJson(pair.ec2);
      const iam = stackJson(pair.iam);
      const provider = onlyProvider(ec2);
      const [assumeRole] = provider.assume_role as Block[];
      const match = /^\$\{data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)\}$/.exec(
        assumeRole.role_arn as string,
      );
      expect(match).not.toBeNull();
      const [, remoteStateId, output] = match!;
      // The remote state is the iam stack of the same target, and only that one.
      expect(Object.keys(ec2.data?.terraform_remote_state ?? {})).toEqual([remoteStateId]);
      expect(remoteStateId).toBe(`cross-stack-reference-input-iam-stack-${name}`);
      expect(ec2.data?.terraform_remote_state[remoteStateId]).toMatchObject({
        backend: "local",
        config: { path: `/project/terraform.iam-stack-${name}.tfstate` },
      });
      // ...whose output is that stack's role ARN.
      expect(iam.output?.[output]?.value).toMatch(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/);
      expect(assumeRole.session_name).toBe(`cdktf-ec2-stack-${name}`);
      expect(provider.allowed_account_ids).toEqual([TARGETS[i].destinationAccountId]);
      expect(ec2.terraform?.backend).toEqual({ local: { path: `/project/terraform.ec2-stack-${name}.tfstate` } });
      // No other target's name appears in this pair's ec2 stack.
      const others = TARGETS.filter((t) => t.name !== name).map((t) => `-${t.name}`);
      for (const other of others) expect(JSON.stringify(ec2)).not.toContain(`stack${other}`);
    });
  });

  it("reads each target's role from its own S3 state key", () => {
    // WHEN
    const { pairs } = synthApp({ targets: TARGETS, backend: "s3", stateBucket: "my-state" });

    // THEN
    expect(pairs).toHaveLength(TARGETS.length);
    pairs.forEach((pair, i) => {
      const name = TARGETS[i].name;
      const ec2 = stackJson(pair.ec2);
      expect(Object.values(ec2.data?.terraform_remote_state ?? {})).toEqual([
        expect.objectContaining({
          backend: "s3",
          config: expect.objectContaining({ key: `cdktf-assume-role/iam-stack-${name}.tfstate` }),
        }),
      ]);
      expect(stackJson(pair.iam).terraform?.backend?.s3).toMatchObject({
        key: `cdktf-assume-role/iam-stack-${name}.tfstate`,
      });
      expect(ec2.terraform?.backend?.s3).toMatchObject({ key: `cdktf-assume-role/ec2-stack-${name}.tfstate` });
    });
  });
});
