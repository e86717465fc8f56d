import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AwsClients, destroyClients } from "../../scripts/lib/aws-clients";
import { LocalCloud } from "../../scripts/lib/local-cloud";
import { withoutStackPrefix } from "../../scripts/lib/terraform-diagnostics";

/** Jest timeout of one end-to-end step: a deploy or destroy takes 10 to 30 s here. */
export const STEP_TIMEOUT_MS = 5 * 60 * 1000;

/** Runs `fn` with SDK clients of a profile and closes them afterwards. */
export async function withClients<T>(
  cloud: LocalCloud,
  profile: string,
  fn: (c: AwsClients) => Promise<T>,
): Promise<T> {
  const clients = cloud.clients(profile);
  try {
    return await fn(clients);
  } finally {
    destroyClients(clients);
  }
}

/** `terraform plan -detailed-exitcode` on a deployed stack: 0 means no changes, 2 means changes. */
export async function planExitCode(cloud: LocalCloud, stack: string): Promise<number | null> {
  const plan = await cloud.terraform(stack, ["plan", "-detailed-exitcode", "-input=false", "-lock-timeout=30s"]);
  if (plan.code === 1) throw new Error(`terraform plan failed for ${stack}:\n${plan.output}`);
  return plan.code;
}

/** Every synthesized stack's JSON, by stack name. */
export function synthesizedStacks(outDir: string): Record<string, string> {
  const stacksDir = path.join(outDir, "stacks");
  return Object.fromEntries(
    fs.readdirSync(stacksDir).map((s) => [s, fs.readFileSync(path.join(stacksDir, s, "cdk.tf.json"), "utf8")]),
  );
}

/** Whether a process with this PID exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `text` (other than this query itself). */
export function processesMentioning(text: string): string[] {
  try {
    return execFileSync("pgrep", ["-af", text], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.includes("pgrep"));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Closes a cloud and checks that it left no process behind. Call from afterAll. */
export async function closeAndCheckNoLeftovers(cloud: LocalCloud | undefined): Promise<void> {
  if (!cloud) return;
  const { pid } = cloud.emulator;
  await cloud.close();
  expect(isAlive(pid)).toBe(false);
  expect(processesMentioning(cloud.dir)).toEqual([]);
  expect(fs.existsSync(cloud.dir)).toBe(false);
}

/**
 * The cleanup of an end-to-end test file, for afterAll: destroys whatever is still deployed
 * (nothing, when the tests got to the end), then stops the emulator, removes the temp files
 * and checks that no process is left, also when a destroy failed.
 *
 * `bestEffort` names stacks deployed outside `cloud.deploy` (e.g. through the npm scripts),
 * which the sandbox does not track: they are destroyed first, in the order given, and a
 * failure there (a stack that was never deployed) is not an error.
 */
export async function cleanUp(
  cloud: LocalCloud | undefined,
  options: { readonly bestEffort?: readonly string[] } = {},
): Promise<void> {
  if (!cloud) return;
  let errors: Error[] = [];
  try {
    for (const stack of options.bestEffort ?? []) {
      for (const { profile } of [cloud.source, ...cloud.destinations]) cloud.credentials.restore(profile);
      await cloud.destroy([stack], { ignoreDependents: true }).catch(() => undefined);
    }
    errors = await cloud.destroyRemaining();
  } finally {
    await closeAndCheckNoLeftovers(cloud);
  }
  if (errors.length > 0)
    throw new Error(`cleanup could not destroy everything:\n${errors.map((e) => e.message).join("\n")}`);
}

/** What is left of a failed cdktf command's output once cdktf's and Terraform's framing is taken off. */
export function plainText(output: string): string {
  return output
    .split("\n")
    .map((line) => withoutStackPrefix(line).replace(/^\s*│\s?/, ""))
    .join(" ")
    .replace(/\s+/g, " ");
}
