/**
 * Failure drills, part 1: interruptions and races on one emulator. An interrupted deploy, two
 * deploys of the same stack at once, and repeated deploys and destroys must leave exactly what
 * the state says: no instance outside the state, no lock left behind.
 *
 * Runs through `scripts/stack.ts` (`npm run deploy:ec2` ...), as users do, and with the command
 * docs/troubleshooting.md gives to find the instance in the state.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS } from "../../config";
import { describeInstance, describeRole, liveInstances } from "../../scripts/lib/checks";
import { LocalCloud } from "../../scripts/lib/local-cloud";
import { CommandResult } from "../../scripts/lib/process";
import { MANAGED_BY } from "../../constructs/shared/tags";
import { instanceIdsInState, localStateFile, readLocalState, runStackScript, stackScriptOk } from "./drill-support";
import { ReadmeSession, sandboxSession } from "./readme-session";
import { destroyedStacks } from "./cdktf-output";
import { cleanUp, planExitCode, STEP_TIMEOUT_MS, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

/** Terraform's line when it starts creating the instance. */
const CREATING_INSTANCE = /aws_instance\.\S+ \(Instance\/Instance\): Creating\.\.\./;
/**
 * The provider's debug line when it starts waiting for a launched instance to run: by then
 * RunInstances has answered and the provider holds the instance's id. Interrupting in that wait
 * is deterministic however loaded the machine is (a fixed delay after the launch was not).
 */
const WAITING_FOR_RUNNING = /Waiting for state to become: \[running\]/;

describe("failure drills: interruptions and races", () => {
  let cloud: LocalCloud;
  let readme: ReadmeSession;

  const live = (): Promise<string[]> => withClients(cloud, "destination", (c) => liveInstances(c, MANAGED_BY));
  /** The app's role as the destination account's API sees it, undefined once deleted. */
  const role = () => withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName));
  /** The state of an instance as the destination account's API sees it. */
  const instanceState = (id: string) =>
    withClients(cloud, "destination", async (c) => (await describeInstance(c, id))?.state);

  /** The local backend's lock: Terraform writes this file next to the state while it holds the lock. */
  const lockInfoFile = (stack: string): string =>
    path.join(cloud.stateDir, `.${path.basename(localStateFile(cloud, stack))}.lock.info`);

  beforeAll(async () => {
    cloud = await LocalCloud.start();
    readme = sandboxSession(cloud);
    await stackScriptOk(cloud, ["deploy", "iam-stack", "--auto-approve"]);
  });

  // The drills deploy through the npm scripts, which the sandbox does not track.
  afterAll(() => cleanUp(cloud, { bestEffort: ["ec2-stack", "iam-stack"] }));

  describe("a deploy interrupted (Ctrl-C) while the instance is being created", () => {
    let interrupted: CommandResult;
    /** The instance the interrupted run launched. */
    let launched: string | undefined;

    beforeAll(async () => {
      // GIVEN a deploy of ec2-stack whose instance has been launched (RunInstances answered,
      // the provider recorded the id) and that waits for it to run, as the provider does for
      // at least 10 s: its debug log says when that wait starts
      // WHEN its process group gets SIGINT, as a terminal's Ctrl-C sends it
      const providerLog = path.join(cloud.dir, "interrupted-deploy-provider.log");
      let pid: number | undefined;
      let watching: Promise<void> | undefined;
      let finished = false;
      const interruptOnceWaiting = async (): Promise<void> => {
        for (const deadline = Date.now() + 120000; !finished && Date.now() < deadline; ) {
          const log = fs.existsSync(providerLog) ? fs.readFileSync(providerLog, "utf8") : "";
          if (WAITING_FOR_RUNNING.test(log)) {
            [launched] = await live();
            if (!finished) process.kill(-pid!, "SIGINT");
            return;
          }
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      interrupted = await runStackScript(cloud, ["deploy", "ec2-stack", "--auto-approve"], {
        detached: true,
        env: { TF_LOG_PROVIDER: "DEBUG", TF_LOG_PATH: providerLog },
        onSpawn: (child) => (pid = child.pid),
        onOutput: (text) => {
          if (!watching && CREATING_INSTANCE.test(text)) watching = interruptOnceWaiting();
        },
      });
      finished = true;
      await watching;
      if (launched === undefined) {
        // Say why at once, rather than through every assertion below.
        throw new Error(
          `the deploy ended (exit ${interrupted.code ?? interrupted.signal}) without being interrupted while ` +
            `the instance was being created:\n${interrupted.output.split("\n").slice(-60).join("\n")}`,
        );
      }
    });

    it("stops with an error that says the run was interrupted and what to do", () => {
      expect(launched).toMatch(/^i-[0-9a-f]+$/);
      expect(interrupted.code).not.toBe(0);
      expect(interrupted.output).toContain("Interrupt received.");
      expect(interrupted.output).toContain(
        "The run was interrupted. Terraform finished the operations in flight and saved the state: " +
          "run the same command again to complete it.",
      );
    });

    it("keeps the launched instance in the state (tainted), the state file valid and no lock", async () => {
      // THEN the instance is not lost: the state records it, as unfinished
      const state = readLocalState(cloud, "ec2-stack");
      const instance = state!.resources.find((r) => r.mode === "managed" && r.type === "aws_instance");
      expect(instance?.instances).toEqual([expect.objectContaining({ status: "tainted" })]);
      expect(instanceIdsInState(state)).toEqual([launched]);
      expect(await live()).toEqual([launched]);
      expect(fs.existsSync(lockInfoFile("ec2-stack"))).toBe(false);
    });

    it("the command docs/troubleshooting.md gives shows the id of the instance in the state", async () => {
      // The sandbox's cdktf.out is in its directory, as the project's is in the project.
      const result = await readme.runOk(
        "(cd cdktf.out/stacks/ec2-stack && terraform state show aws_instance.Instance_43E3DA95 | grep ' id ')",
        { cwd: cloud.dir },
      );

      expect(result.output.trim()).toMatch(new RegExp(`^id\\s+= "${launched}"$`));
    });

    it("deploying again replaces it: exactly one instance, the one in the state, and no lock", async () => {
      // WHEN
      await stackScriptOk(cloud, ["deploy", "ec2-stack", "--auto-approve"]);

      // THEN
      const state = readLocalState(cloud, "ec2-stack");
      const inState = instanceIdsInState(state);
      expect(inState).toHaveLength(1);
      expect(inState[0]).not.toBe(launched);
      expect(await live()).toEqual(inState);
      expect(state!.outputs.instance_id.value).toBe(inState[0]);
      expect(fs.existsSync(lockInfoFile("ec2-stack"))).toBe(false);
      // No lock held: a plan that may not wait for one succeeds.
      const plan = await cloud.terraform("ec2-stack", [
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-lock-timeout=0s",
      ]);
      expect(plan.code).toBe(0);
    });
  });

  describe("repeating a deploy and a destroy", () => {
    it("a second deploy of each stack changes nothing", async () => {
      // GIVEN the instance and the role deployed
      const instance = instanceIdsInState(readLocalState(cloud, "ec2-stack"));
      expect(instance).toHaveLength(1);
      const roleBefore = await role();
      expect(roleBefore).toBeDefined();

      for (const stack of ["iam-stack", "ec2-stack"]) {
        const result = await stackScriptOk(cloud, ["deploy", stack, "--auto-approve"]);
        expect(result.output).toMatch(/No changes\.|0 added, 0 changed, 0 destroyed/);
        expect(await planExitCode(cloud, stack)).toBe(0);
      }
      // THEN the same instance runs, alone, and the same role is there
      expect(await live()).toEqual(instance);
      expect(await instanceState(instance[0])).toBe("running");
      expect((await role())?.arn).toBe(roleBefore!.arn);
    });

    it("a second destroy of ec2-stack destroys nothing", async () => {
      const [instance] = instanceIdsInState(readLocalState(cloud, "ec2-stack"));
      const first = await stackScriptOk(cloud, ["destroy", "ec2-stack", "--auto-approve"]);
      // the instance, and the pins of its region and subnet
      expect(first.output).toMatch(/Resources: 3 destroyed/);
      // The emulator: that instance is terminated, no other runs, and iam-stack's role is untouched.
      expect(await instanceState(instance)).toBe("terminated");
      expect(await live()).toEqual([]);
      expect(await role()).toBeDefined();

      const second = await stackScriptOk(cloud, ["destroy", "ec2-stack", "--auto-approve"]);
      expect(second.output).toMatch(/Resources: 0 destroyed|No changes/);
      expect(instanceIdsInState(readLocalState(cloud, "ec2-stack"))).toEqual([]);
      expect(await live()).toEqual([]);
      expect(await role()).toBeDefined();
    });
  });

  describe("two deploys of the same stack at once (separate output directories, one state)", () => {
    let results: CommandResult[];

    beforeAll(async () => {
      // GIVEN ec2-stack is not deployed (the drill above destroyed it)
      expect(instanceIdsInState(readLocalState(cloud, "ec2-stack"))).toEqual([]);
      // WHEN two users deploy it at the same moment
      results = await Promise.all(
        ["race-a", "race-b"].map((name) =>
          runStackScript(cloud, ["deploy", "ec2-stack", "--auto-approve"], { outDir: path.join(cloud.dir, name) }),
        ),
      );
    });

    it("one wins and the other fails on the state lock, saying what to do", () => {
      const codes = results.map((r) => r.code);
      expect(codes.filter((c) => c === 0)).toHaveLength(1);
      const loser = results.find((r) => r.code !== 0)!;
      expect(loser.output).toContain("Error acquiring the state lock");
      expect(loser.output).toMatch(
        /✖ The state of ec2-stack is locked by another run \(by \S+ for OperationTypeApply since .+\): nothing was changed\. Wait for that run to finish, then run this command again\. If no run is active any more \(one was killed\), release the lock with `terraform force-unlock [0-9a-f-]{36}` in \S+race-[ab]\/stacks\/ec2-stack\./,
      );
    });

    it("exactly one instance results, the one in the state, and no lock is left", async () => {
      const inState = instanceIdsInState(readLocalState(cloud, "ec2-stack"));
      expect(inState).toHaveLength(1);
      expect(await live()).toEqual(inState);
      expect(fs.existsSync(lockInfoFile("ec2-stack"))).toBe(false);
    });
  });

  describe("destroying everything in order, twice", () => {
    it("npm run destroy destroys ec2-stack, then iam-stack; a second one destroys nothing", async () => {
      // GIVEN the instance and the role deployed
      const [instance] = instanceIdsInState(readLocalState(cloud, "ec2-stack"));
      expect(await instanceState(instance)).toBe("running");
      expect(await role()).toBeDefined();

      const first = await stackScriptOk(cloud, ["destroy", "all", "--auto-approve"]);
      // The order, as the CLI reports it (the emulator keeps no time of deletion).
      expect(destroyedStacks(first.output)).toEqual([
        ["ec2-stack", 3],
        ["iam-stack", 3],
      ]);
      // What was destroyed, as the emulator says: the instance is terminated, the role is gone,
      // and both states are empty.
      expect(await instanceState(instance)).toBe("terminated");
      expect(await live()).toEqual([]);
      expect(await role()).toBeUndefined();
      expect(readLocalState(cloud, "ec2-stack")?.resources).toEqual([]);
      expect(readLocalState(cloud, "iam-stack")?.resources).toEqual([]);

      const second = await stackScriptOk(cloud, ["destroy", "all", "--auto-approve"]);
      expect(destroyedStacks(second.output)).toEqual([
        ["ec2-stack", 0],
        ["iam-stack", 0],
      ]);
      expect(await live()).toEqual([]);
      expect(await role()).toBeUndefined();
    });
  });

  it("ran docs/troubleshooting.md's command", () => {
    readme.expectAllRun();
  });
});
