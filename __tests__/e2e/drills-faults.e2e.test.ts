/**
 * Failure drills, faults of real AWS that the emulator lacks, injected by a proxy in front of it
 * (scripts/lib/fault-proxy.ts): every cdktf, Terraform and script run goes through the proxy,
 * while the checks below ask the emulator directly.
 *
 * - IAM propagation: for 15 s after a role is created, STS refuses to let anyone assume it, as
 *   AWS does until the new role has propagated. ec2-stack assumes iam-stack's role as its first
 *   act, so a deploy of both in one go, or one right after the other, meets the refusal.
 * - Throttling: a fifth of the calls to EC2, IAM and STS get AWS's throttling error; the AWS
 *   provider must retry them until a deploy and a destroy converge.
 *
 * Each drill has a sandbox of its own, so that a failure of one leaves the other's faults alone.
 */
import { DEFAULTS } from "../../config";
import { describeInstance, describeRole, liveInstances } from "../../scripts/lib/checks";
import { FaultCounters } from "../../scripts/lib/fault-proxy";
import { DEFAULT_DESTINATION_ACCOUNT, LocalCloud } from "../../scripts/lib/local-cloud";
import { CommandResult, expectCommandOk } from "../../scripts/lib/process";
import { MANAGED_BY } from "../../constructs/shared/tags";
import { instanceIdsInState, readLocalState, stackScriptOk } from "./drill-support";
import { errorDiagnostics, isThrottlingError } from "../../scripts/lib/terraform-diagnostics";
import { cleanUp, STEP_TIMEOUT_MS, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

/** A step that deploys or destroys more than once, under load and with retried calls. */
const LONG_STEP_TIMEOUT_MS = 2 * STEP_TIMEOUT_MS;
/** How long a new role cannot be assumed: longer than the gap between the two stacks' runs. */
const PROPAGATION_DELAY_MS = 15 * 1000;
/** The share of EC2, IAM and STS calls throttled. */
const THROTTLE_SHARE = 0.2;
/** Seed of the proxy's choice of throttled calls: in the test names, to reproduce a failure. */
const THROTTLE_SEED = 20250607;
/** The managed policy the role gets with the default permissions (`ec2-full-access`). */
const EC2_FULL_ACCESS = "arn:aws:iam::aws:policy/AmazonEC2FullAccess";

/** Runs of one step at most: the first, and re-runs after a failure that throttling caused. */
const MAX_RUNS = 3;
/** Re-runs in the whole throttling drill at most: more would mean the retries do not absorb throttling. */
const MAX_RERUNS = 2;

/** A run that failed and was run again, with the diagnostics that allowed it. */
interface Rerun {
  readonly step: string;
  readonly run: number;
  readonly diagnostics: readonly string[];
}

/** Every throttling answer the proxy has given so far. */
function throttledSoFar(cloud: LocalCloud): number {
  return Object.values(cloud.faults!.counters().throttled).reduce((sum, n) => sum + (n ?? 0), 0);
}

/**
 * Why a failed run may not run again, or undefined when it may: only when it ended on its own
 * (not killed at the step's timeout), printed at least one error, every error is a throttling error
 * that outlasted the AWS SDK's retries, and the proxy throttled calls during that very run. Text
 * elsewhere in the output does not count: with a fifth of calls throttled, the readiness wait
 * prints "cannot be assumed yet (Throttling: Rate exceeded)" in most runs that succeed.
 */
function rerunRefusal(result: CommandResult, throttledDuringRun: number): string | undefined {
  if (result.signal !== null) return `it was killed (${result.signal})`;
  const diagnostics = errorDiagnostics(result.output);
  if (diagnostics.length === 0) return "it printed no error";
  const other = diagnostics.filter((d) => !isThrottlingError(d));
  if (other.length > 0) return `not every error is throttling: ${other.join(" | ")}`;
  if (throttledDuringRun === 0) return "the proxy throttled no call during that run";
  return undefined;
}

/**
 * Runs a step until it succeeds, at most {@link MAX_RUNS} times, and records each re-run in
 * `reruns`. Most calls the AWS provider retries many times, but the SDK gives some (the
 * provider's own sts:AssumeRole among them) 3 attempts: at a fifth of calls throttled, about one
 * such call in 125 fails a run. What AWS promises then is that the state stays consistent and
 * the same command converges, so a re-run is allowed, only after a failure that throttling alone
 * caused ({@link rerunRefusal}); the checks after the step show that nothing was created twice or
 * left behind, and the drill's last test bounds and reports the re-runs.
 */
async function converge(
  cloud: LocalCloud,
  reruns: Rerun[],
  label: string,
  run: () => Promise<CommandResult>,
): Promise<void> {
  for (let runs = 1; ; runs++) {
    const throttledBefore = throttledSoFar(cloud);
    const result = await run();
    if (result.code === 0) return;
    const refusal = rerunRefusal(result, throttledSoFar(cloud) - throttledBefore);
    if (refusal !== undefined) expectCommandOk(`${label} (not run again: ${refusal})`, result, 60);
    if (runs >= MAX_RUNS) expectCommandOk(`${label} (failed ${runs} times, each on throttling)`, result, 60);
    reruns.push({ step: label, run: runs, diagnostics: errorDiagnostics(result.output) });
  }
}

/** What the destination account's API says about the app's role and instances. */
function destination(cloud: LocalCloud) {
  return {
    role: () => withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName)),
    live: () => withClients(cloud, "destination", (c) => liveInstances(c, MANAGED_BY)),
    instance: (id: string) => withClients(cloud, "destination", (c) => describeInstance(c, id)),
  };
}

/** The one instance ec2-stack's state records: it runs, in the destination account. */
async function expectInstanceRunning(cloud: LocalCloud): Promise<void> {
  const inState = instanceIdsInState(readLocalState(cloud, "ec2-stack"));
  expect(inState).toHaveLength(1);
  const view = await destination(cloud).instance(inState[0]);
  expect(view).toMatchObject({ ownerId: DEFAULT_DESTINATION_ACCOUNT, state: "running" });
  expect(await destination(cloud).live()).toEqual(inState);
}

describe("failure drills: a new role cannot be assumed for 15 s (IAM propagation)", () => {
  let cloud: LocalCloud;
  const counters = (): FaultCounters => cloud.faults!.counters();
  const refusals = (c: FaultCounters, roleArn: string): number => c.accessDenied[roleArn] ?? 0;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ faults: { propagationDelayMs: PROPAGATION_DELAY_MS } });
  });

  // Deployed through plain cdktf and the npm scripts, which the sandbox does not track.
  afterAll(() => cleanUp(cloud, { bestEffort: ["ec2-stack", "iam-stack"] }));

  it(
    "`cdktf deploy iam-stack ec2-stack` succeeds, although STS refused the new role at first",
    async () => {
      // WHEN
      const result = await cloud.cdktf(["deploy", "iam-stack", "ec2-stack", "--auto-approve"]);

      // THEN
      expectCommandOk("cdktf deploy iam-stack ec2-stack", result, 60);
      const role = await destination(cloud).role();
      expect(role).toBeDefined();
      expect(counters().rolesCreated).toEqual([role!.arn]);
      expect(refusals(counters(), role!.arn)).toBeGreaterThan(0);
      await expectInstanceRunning(cloud);
    },
    LONG_STEP_TIMEOUT_MS,
  );

  it(
    "after a destroy, `npm run deploy:iam` then `npm run deploy:ec2` succeed through a new delay",
    async () => {
      // GIVEN nothing deployed (`npm run destroy`)
      await stackScriptOk(cloud, ["destroy", "all", "--auto-approve"]);
      expect(await destination(cloud).role()).toBeUndefined();
      expect(await destination(cloud).live()).toEqual([]);
      const before = counters();

      // WHEN
      await stackScriptOk(cloud, ["deploy", "iam-stack", "--auto-approve"]);
      await stackScriptOk(cloud, ["deploy", "ec2-stack", "--auto-approve"]);

      // THEN the role was created again, refused again for a while, and the instance runs
      const after = counters();
      const role = await destination(cloud).role();
      expect(after.rolesCreated).toEqual([...before.rolesCreated, role!.arn]);
      expect(refusals(after, role!.arn)).toBeGreaterThan(refusals(before, role!.arn));
      await expectInstanceRunning(cloud);
    },
    LONG_STEP_TIMEOUT_MS,
  );
});

describe(`failure drills: ${THROTTLE_SHARE * 100} % of EC2, IAM and STS calls throttled (seed ${THROTTLE_SEED})`, () => {
  let cloud: LocalCloud;
  let instanceId: string;
  let destroyed = false;
  const reruns: Rerun[] = [];

  beforeAll(async () => {
    cloud = await LocalCloud.start({ faults: { throttleShare: THROTTLE_SHARE, seed: THROTTLE_SEED } });
  });

  // Deployed through plain cdktf, which the sandbox does not track; nothing is left once the destroy passed.
  afterAll(() => cleanUp(cloud, { bestEffort: destroyed ? [] : ["ec2-stack", "iam-stack"] }));

  it(
    "a deploy of both stacks converges: the role, its policy attachment and the instance exist",
    async () => {
      // WHEN (not cloud.deploy: its --ignore-missing-stack-dependencies lets cdktf start
      // ec2-stack before iam-stack has its outputs)
      await converge(cloud, reruns, "cdktf deploy iam-stack ec2-stack", () =>
        cloud.cdktf(["deploy", "iam-stack", "ec2-stack", "--auto-approve"]),
      );

      // THEN
      const role = await destination(cloud).role();
      expect(role).toBeDefined();
      expect(role!.accountId).toBe(DEFAULT_DESTINATION_ACCOUNT);
      expect(role!.attachedPolicyArns).toEqual([EC2_FULL_ACCESS]);
      await expectInstanceRunning(cloud);
      instanceId = instanceIdsInState(readLocalState(cloud, "ec2-stack"))[0];
    },
    LONG_STEP_TIMEOUT_MS,
  );

  it(
    "a destroy of both stacks converges: no instance, no role, empty states",
    async () => {
      // WHEN (each stack on its own, ec2-stack first, as `npx cdktf destroy '*'` orders them)
      for (const stack of ["ec2-stack", "iam-stack"]) {
        await converge(cloud, reruns, `cdktf destroy ${stack}`, () =>
          cloud.cdktf(["destroy", stack, "--auto-approve", "--ignore-missing-stack-dependencies"]),
        );
      }

      // THEN
      expect(await destination(cloud).live()).toEqual([]);
      expect((await destination(cloud).instance(instanceId))?.state).toBe("terminated");
      expect(await destination(cloud).role()).toBeUndefined();
      expect(readLocalState(cloud, "ec2-stack")?.resources).toEqual([]);
      expect(readLocalState(cloud, "iam-stack")?.resources).toEqual([]);
      destroyed = true;
    },
    LONG_STEP_TIMEOUT_MS,
  );

  it("the calls of both runs went through the proxy, and each of EC2, IAM and STS was throttled", () => {
    const { forwarded, throttled } = cloud.faults!.counters();

    // Created once each, whatever was throttled: a throttled call never reaches the emulator.
    expect(forwarded.ec2?.RunInstances).toBe(1);
    expect(forwarded.iam?.CreateRole).toBe(1);
    expect(forwarded.ec2?.TerminateInstances).toBeGreaterThan(0);
    expect(forwarded.iam?.DeleteRole).toBeGreaterThan(0);
    expect(forwarded.sts?.AssumeRole).toBeGreaterThan(0);
    expect(throttled.ec2).toBeGreaterThan(0);
    expect(throttled.iam).toBeGreaterThan(0);
    expect(throttled.sts).toBeGreaterThan(0);
  });

  it(`the steps converged with at most ${MAX_RERUNS} re-runs in all, each after throttling alone`, () => {
    // Reported whatever the outcome, so that a rising count shows before it fails.
    const report = reruns.map((r) => `${r.step}, run ${r.run}: ${r.diagnostics.join(" | ")}`);
    process.stdout.write(
      `throttling drill: ${reruns.length} re-run(s)${report.map((line) => `\n  ${line}`).join("")}\n`,
    );
    for (const rerun of reruns) expect(rerun.diagnostics.every(isThrottlingError)).toBe(true);
    expect(reruns.length).toBeLessThanOrEqual(MAX_RERUNS);
  });
});
