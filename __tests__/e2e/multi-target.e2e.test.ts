/**
 * One configuration, two destination accounts: a role and an instance per target, deployed,
 * verified and destroyed per target or all at once, with the commands docs/targets.md gives for several
 * targets, as written.
 */
import { DEFAULTS } from "../../config";
import { MANAGED_BY } from "../../constructs/shared/tags";
import { describeInstance, describeRole, liveInstances, trustedPrincipals } from "../../scripts/lib/checks";
import { EMULATOR_DEFAULT_ACCOUNT } from "../../scripts/lib/accounts";
import { LocalCloud } from "../../scripts/lib/local-cloud";
import { readLocalState } from "./drill-support";
import { ReadmeSession, sandboxSession } from "./readme-session";
import { destroyedStacks } from "./cdktf-output";
import { cleanUp, STEP_TIMEOUT_MS, synthesizedStacks, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

const TARGETS = [
  { name: "team-a", profile: "team-a", accountId: "222222222222", instanceType: "t3.micro" },
  { name: "team-b", profile: "team-b", accountId: "333333333333", instanceType: "t2.micro" },
] as const;
const [A, B] = TARGETS;

/** The stacks of both targets, ec2 stacks first: the clean-up's order. */
const STACKS = [...TARGETS.map((t) => `ec2-stack-${t.name}`), ...TARGETS.map((t) => `iam-stack-${t.name}`)];

describe("two targets in two destination accounts, with the commands of docs/targets.md", () => {
  let cloud: LocalCloud;
  let readme: ReadmeSession;
  const instanceIds: Record<string, string> = {};

  const instanceIdOf = (target: string): unknown =>
    readLocalState(cloud, `ec2-stack-${target}`)?.outputs.instance_id?.value;
  const live = (profile: string): Promise<string[]> => withClients(cloud, profile, (c) => liveInstances(c, MANAGED_BY));
  const role = (profile: string): ReturnType<typeof describeRole> =>
    withClients(cloud, profile, (c) => describeRole(c, DEFAULTS.roleName));

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
    readme = sandboxSession(cloud);
  });

  // The npm scripts deploy outside the sandbox's bookkeeping, hence the stacks named here.
  afterAll(() => cleanUp(cloud, { bestEffort: STACKS }));

  it("npm run deploy:iam deploys every target's role, each in its own account", async () => {
    await readme.runOk("npm run deploy:iam");

    for (const t of TARGETS) {
      const found = await role(t.profile);
      expect(found?.arn).toBe(`arn:aws:iam::${t.accountId}:role/${DEFAULTS.roleName}`);
      expect(trustedPrincipals(found!)).toEqual([`arn:aws:iam::${EMULATOR_DEFAULT_ACCOUNT}:root`]);
    }
    expect(Object.keys(synthesizedStacks(cloud.outDir)).sort()).toEqual([
      "ec2-stack-team-a",
      "ec2-stack-team-b",
      "iam-stack-team-a",
      "iam-stack-team-b",
    ]);
  });

  it("npm run deploy:ec2 -- --target team-a deploys that target's instance only, with the source profile only", async () => {
    for (const t of TARGETS) cloud.credentials.hide(t.profile);

    await readme.runOk("npm run deploy:ec2 -- --target team-a");

    instanceIds[A.name] = instanceIdOf(A.name) as string;
    expect(await live(A.profile)).toEqual([instanceIds[A.name]]);
    expect(await live(B.profile)).toEqual([]);
    expect(readLocalState(cloud, `ec2-stack-${B.name}`)).toBeUndefined();
  });

  it("npm run deploy:ec2 deploys every target's instance, each in its own account; team-a's is unchanged", async () => {
    await readme.runOk("npm run deploy:ec2");

    expect(instanceIdOf(A.name)).toBe(instanceIds[A.name]);
    instanceIds[B.name] = instanceIdOf(B.name) as string;
    for (const t of TARGETS) {
      expect(readLocalState(cloud, `ec2-stack-${t.name}`)?.outputs.account_id.value).toBe(t.accountId);
      const seen = await withClients(cloud, t.profile, (c) => describeInstance(c, instanceIds[t.name]));
      expect(seen).toMatchObject({ ownerId: t.accountId, state: "running" });
      expect(seen!.instance.InstanceType).toBe(t.instanceType);
    }
    // No cross-wiring: neither account sees the other's instance.
    expect(await withClients(cloud, A.profile, (c) => describeInstance(c, instanceIds[B.name]))).toBeUndefined();
    expect(await withClients(cloud, B.profile, (c) => describeInstance(c, instanceIds[A.name]))).toBeUndefined();
  });

  it("npm run destroy -- --target team-a destroys its instance, then its role; team-b's stay", async () => {
    for (const t of TARGETS) cloud.credentials.restore(t.profile);

    const { output } = await readme.runOk("npm run destroy -- --target team-a");

    // ec2-stack's three: the instance and the pins of its region and subnet.
    expect(destroyedStacks(output)).toEqual([
      ["ec2-stack-team-a", 3],
      ["iam-stack-team-a", 3],
    ]);
    expect(await live(A.profile)).toEqual([]);
    expect(await role(A.profile)).toBeUndefined();
    expect(await live(B.profile)).toEqual([instanceIds[B.name]]);
    expect(await role(B.profile)).toBeDefined();
  });

  it(
    "npm run destroy destroys every instance, then every role, leaving nothing in either account",
    async () => {
      const { output } = await readme.runOk("npm run destroy");

      const reported = destroyedStacks(output);
      expect(reported.map(([stack]) => stack).sort()).toEqual([...STACKS].sort());
      const lastEc2 = Math.max(...reported.flatMap(([s], i) => (s.startsWith("ec2-") ? [i] : [])));
      const firstIam = Math.min(...reported.flatMap(([s], i) => (s.startsWith("iam-") ? [i] : [])));
      expect(lastEc2).toBeLessThan(firstIam);
      expect(reported.filter(([, n]) => n !== 0)).toEqual([
        ["ec2-stack-team-b", 3],
        ["iam-stack-team-b", 3],
      ]);
      for (const t of TARGETS) {
        expect(await live(t.profile)).toEqual([]);
        expect(await role(t.profile)).toBeUndefined();
      }
      // Two cdktf runs of two stacks each: twice a single step's time.
    },
    2 * STEP_TIMEOUT_MS,
  );

  it("ran every command docs/targets.md gives for several targets, in its order", () => {
    readme.expectAllRun();
  });
});
