/**
 * One configuration, two destination accounts: a role and an instance per target, deployed,
 * verified and destroyed independently.
 */
import { DEFAULTS } from "../../config";
import { MANAGED_BY } from "../../stacks/tags";
import { describeInstance, describeRole, liveInstances, trustedPrincipals } from "../../scripts/lib/checks";
import { EMULATOR_DEFAULT_ACCOUNT } from "../../scripts/lib/accounts";
import { LocalCloud } from "../../scripts/lib/local-cloud";
import { cleanUp, STEP_TIMEOUT_MS, synthesizedStacks, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

const TARGETS = [
  { name: "team-a", profile: "team-a", accountId: "222222222222", instanceType: "t3.micro" },
  { name: "team-b", profile: "team-b", accountId: "333333333333", instanceType: "t2.micro" },
] as const;

describe("two targets in two destination accounts", () => {
  let cloud: LocalCloud;
  const instanceIds: Record<string, string> = {};

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      destinations: TARGETS.map((t) => ({ profile: t.profile, accountId: t.accountId })),
      settings: {
        TARGETS: JSON.stringify(
          TARGETS.map((t) => ({
            name: t.name,
            destinationProfile: t.profile,
            destinationAccountId: t.accountId,
            instanceType: t.instanceType,
          })),
        ),
      },
    });
  });

  afterAll(() => cleanUp(cloud));

  it("deploys every target's iam stack with one glob, each role in its own account", async () => {
    const outputs = await cloud.deploy(["iam-stack-*"]);

    for (const t of TARGETS) {
      expect(outputs[`iam-stack-${t.name}`].role_arn).toBe(`arn:aws:iam::${t.accountId}:role/${DEFAULTS.roleName}`);
      const role = await withClients(cloud, t.profile, (c) => describeRole(c, DEFAULTS.roleName));
      expect(trustedPrincipals(role!)).toEqual([`arn:aws:iam::${EMULATOR_DEFAULT_ACCOUNT}:root`]);
    }
    expect(Object.keys(synthesizedStacks(cloud.outDir)).sort()).toEqual([
      "ec2-stack-team-a",
      "ec2-stack-team-b",
      "iam-stack-team-a",
      "iam-stack-team-b",
    ]);
  });

  it("deploys each target's ec2 stack with the source profile only; each instance lands in its own account", async () => {
    for (const t of TARGETS) cloud.credentials.hide(t.profile);

    const outputs = await cloud.deploy(TARGETS.map((t) => `ec2-stack-${t.name}`));

    for (const t of TARGETS) {
      const out = outputs[`ec2-stack-${t.name}`];
      expect(out.account_id).toBe(t.accountId);
      instanceIds[t.name] = out.instance_id;
      const seen = await withClients(cloud, t.profile, (c) => describeInstance(c, out.instance_id));
      expect(seen).toMatchObject({ ownerId: t.accountId, state: "running" });
      expect(seen!.instance.InstanceType).toBe(t.instanceType);
    }
    // No cross-wiring: neither account sees the other's instance.
    const [a, b] = TARGETS;
    expect(await withClients(cloud, a.profile, (c) => describeInstance(c, instanceIds[b.name]))).toBeUndefined();
    expect(await withClients(cloud, b.profile, (c) => describeInstance(c, instanceIds[a.name]))).toBeUndefined();
  });

  it("destroying one target leaves the other's role and instance in place", async () => {
    const [a, b] = TARGETS;
    await cloud.destroy([`ec2-stack-${a.name}`], { ignoreDependents: true });
    cloud.credentials.restore(a.profile);
    await cloud.destroy([`iam-stack-${a.name}`], { ignoreDependents: true });

    expect(await withClients(cloud, a.profile, (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
    expect(await withClients(cloud, a.profile, (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    expect(await withClients(cloud, b.profile, (c) => liveInstances(c, MANAGED_BY))).toEqual([instanceIds[b.name]]);
    expect(await withClients(cloud, b.profile, (c) => describeRole(c, DEFAULTS.roleName))).toBeDefined();
  });

  it("then destroys the other target, leaving nothing in either account", async () => {
    const b = TARGETS[1];
    await cloud.destroy([`ec2-stack-${b.name}`], { ignoreDependents: true });
    cloud.credentials.restore(b.profile);
    await cloud.destroy([`iam-stack-${b.name}`], { ignoreDependents: true });

    for (const t of TARGETS) {
      expect(await withClients(cloud, t.profile, (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
      expect(await withClients(cloud, t.profile, (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    }
  });
});
