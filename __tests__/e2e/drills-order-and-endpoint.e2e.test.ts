/**
 * Failure drills, part 2, on one emulator: stacks deployed or destroyed in the wrong order, and
 * an AWS endpoint that cannot be reached. Each failure must change nothing, end in bounded time
 * with a message that says what to do, and leave a state from which the next run converges.
 *
 * Runs through `scripts/stack.ts` (`npm run deploy:ec2` ...), as users do, and recovers with
 * README's plain-cdktf command for destroying every stack.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS } from "../../config";
import { describeRole, liveInstances } from "../../scripts/lib/checks";
import { freePort } from "../../scripts/lib/emulator";
import { LocalCloud } from "../../scripts/lib/local-cloud";
import { CommandResult } from "../../scripts/lib/process";
import { MANAGED_BY } from "../../constructs/shared/tags";
import { instanceIdsInState, localStateFile, readLocalState, runStackScript, stackScriptOk } from "./drill-support";
import { ReadmeSession, sandboxSession } from "./readme-session";
import { destroyedStacks } from "./cdktf-output";
import { cleanUp, planExitCode, STEP_TIMEOUT_MS, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

/** How long a run against an unreachable endpoint may take before it gives up. */
const UNREACHABLE_BOUND_MS = 120 * 1000;

describe("failure drills: wrong order and an unreachable endpoint", () => {
  let cloud: LocalCloud;
  let readme: ReadmeSession;

  const live = (): Promise<string[]> => withClients(cloud, "destination", (c) => liveInstances(c, MANAGED_BY));
  const role = (): ReturnType<typeof describeRole> =>
    withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName));
  const stateText = (stack: string): string | undefined => {
    const file = localStateFile(cloud, stack);
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  };

  beforeAll(async () => {
    cloud = await LocalCloud.start();
    readme = sandboxSession(cloud);
  });

  // The drills deploy through the npm scripts, which the sandbox does not track.
  afterAll(() => cleanUp(cloud, { bestEffort: ["ec2-stack", "iam-stack"] }));

  describe("deploying ec2-stack before iam-stack", () => {
    it("fails, telling the user to deploy iam-stack first; nothing is created", async () => {
      // WHEN
      const result = await runStackScript(cloud, ["deploy", "ec2-stack", "--auto-approve"]);

      // THEN Terraform's raw error is followed by what to do
      expect(result.code).toBe(1);
      expect(result.output).toContain("Error: Unable to find remote state");
      expect(result.output).toContain(
        "✖ iam-stack has not been deployed (no outputs in its state): run `npm run deploy:iam` first, " +
          "then run this command again.",
      );
      expect(await live()).toEqual([]);
      expect(instanceIdsInState(readLocalState(cloud, "ec2-stack"))).toEqual([]);
    });

    it("with targets, names the target's stacks and the command for that target", async () => {
      const result = await runStackScript(cloud, ["deploy", "ec2-stack-blue", "--auto-approve"], {
        env: { TARGETS: JSON.stringify([{ name: "blue" }]) },
        outDir: path.join(cloud.dir, "targets.out"),
      });

      expect(result.code).toBe(1);
      expect(result.output).toContain(
        "✖ iam-stack-blue has not been deployed (no outputs in its state): " +
          "run `npm run deploy:iam -- --target blue` first, then run this command again.",
      );
      expect(await live()).toEqual([]);
    });

    it("an unknown stack is refused before cdktf runs", async () => {
      const result = await runStackScript(cloud, ["deploy", "web-stack"]);

      expect(result.code).toBe(2);
      expect(result.output).toContain('unknown stack "web-stack"; this configuration has iam-stack, ec2-stack');
      expect(result.output).not.toContain("Synthesizing");
    });
  });

  describe("the AWS endpoint cannot be reached", () => {
    const STACKS = ["iam-stack", "ec2-stack"];
    let closedPort: number;
    /** Each stack's state before its deploy, and how that deploy ended. */
    const runs = new Map<string, { before: string | undefined; result: CommandResult }>();

    beforeAll(async () => {
      await stackScriptOk(cloud, ["deploy", "iam-stack", "--auto-approve"]);
      // A loopback port that nothing listens on: the emulator keeps running, and its data.
      closedPort = await freePort();
      // GIVEN each stack's state; WHEN both deploy against the closed port, at the same time
      // (each mostly waits for the SDK's retries), each with its own output directory
      await Promise.all(
        STACKS.map(async (stack) => {
          const before = stateText(stack);
          const result = await runStackScript(cloud, ["deploy", stack, "--auto-approve"], {
            env: { AWS_ENDPOINT_URL: `http://127.0.0.1:${closedPort}` },
            outDir: path.join(cloud.dir, `unreachable-${stack}`),
          });
          runs.set(stack, { before, result });
        }),
      );
    });

    it.each(STACKS)(
      "a deploy of %s fails in bounded time, saying the endpoint cannot be reached; the state is unchanged",
      async (stack) => {
        const { before, result } = runs.get(stack)!;
        const endpoint = `http://127.0.0.1:${closedPort}`;

        // THEN
        expect(result.code).toBe(1);
        expect(result.elapsedMs).toBeLessThan(UNREACHABLE_BOUND_MS);
        expect(result.output.replace(/\s+/g, " ")).toContain(
          `dial tcp 127.0.0.1:${closedPort}: connect: connection refused`,
        );
        expect(result.output).toContain(
          `✖ Cannot reach the AWS endpoint ${endpoint} (connection refused). Check the network connection, ` +
            "any proxy, and AWS_ENDPOINT_URL if you set one. The state keeps whatever was done before the failure: " +
            "run the same command again once the endpoint answers.",
        );
        expect(stateText(stack)).toEqual(before);
        expect(await live()).toEqual([]);
      },
    );

    it("once the endpoint answers again, a deploy converges", async () => {
      await stackScriptOk(cloud, ["deploy", "ec2-stack", "--auto-approve"]);

      const inState = instanceIdsInState(readLocalState(cloud, "ec2-stack"));
      expect(inState).toHaveLength(1);
      expect(await live()).toEqual(inState);
      expect(await planExitCode(cloud, "iam-stack")).toBe(0);
      expect(await planExitCode(cloud, "ec2-stack")).toBe(0);
    });
  });

  describe("destroying iam-stack while ec2-stack still has resources", () => {
    it("plain cdktf refuses: ec2-stack depends on it", async () => {
      const result = await cloud.cdktf(["destroy", "iam-stack", "--auto-approve"]);

      expect(result.code).not.toBe(0);
      expect(result.output).toContain(
        "The following dependant stacks are not included in the stacks to run: ec2-stack. " +
          "Either add them or add the --ignore-missing-stack-dependencies flag.",
      );
      expect(await role()).toBeDefined();
    });

    it("plain cdktf destroy without a stack name refuses: there is more than one stack", async () => {
      const result = await cloud.cdktf(["destroy", "--auto-approve"]);

      expect(result.code).not.toBe(0);
      expect(result.output).toContain("Found more than one stack, please specify a target stack");
      expect(await role()).toBeDefined();
      expect(await live()).toHaveLength(1);
    });

    it("the wrapper refuses too, naming what ec2-stack still holds and how to go on", async () => {
      const result = await runStackScript(cloud, ["destroy", "iam-stack", "--auto-approve"]);

      expect(result.code).toBe(1);
      expect(result.output).toMatch(
        /^Refusing to destroy iam-stack: ec2-stack still has 1 resource in its state \(aws_instance\.Instance_[0-9A-F]+\)\. ec2-stack reaches the destination account only through iam-stack's role: without it, those resources could no longer be changed or destroyed by this app\.$/m,
      );
      expect(result.output).toContain("Destroy ec2-stack first:  npm run destroy:ec2\n");
      expect(result.output).toContain("To destroy iam-stack anyway, on purpose:  npm run destroy:iam -- --force\n");
      expect(result.output).not.toContain("Synthesizing");
      expect(await role()).toBeDefined();
    });

    it("--force destroys it on purpose; ec2-stack then cannot be destroyed until iam-stack is back", async () => {
      // WHEN
      await stackScriptOk(cloud, ["destroy", "iam-stack", "--auto-approve", "--force"]);

      // THEN
      expect(await role()).toBeUndefined();
      const result = await runStackScript(cloud, ["destroy", "ec2-stack", "--auto-approve"]);
      expect(result.code).toBe(1);
      expect(result.output).toContain("Error: Unsupported attribute");
      expect(result.output).toContain(
        "✖ iam-stack has not been deployed (no outputs in its state): run `npm run deploy:iam` first, then destroy again.",
      );
      expect(await live()).toHaveLength(1);
    });

    it("recovers: deploy iam-stack, then README's `npx cdktf destroy '*'` destroys ec2-stack, then iam-stack", async () => {
      await stackScriptOk(cloud, ["deploy", "iam-stack", "--auto-approve"]);

      const { output } = await readme.runOk("npx cdktf destroy '*'");

      // ec2-stack: the instance, and the pins of its region and subnet
      expect(destroyedStacks(output)).toEqual([
        ["ec2-stack", 3],
        ["iam-stack", 3],
      ]);
      expect(await live()).toEqual([]);
      expect(await role()).toBeUndefined();
    });

    it("ran README's command", () => {
      readme.expectAllRun();
    });
  });
});
