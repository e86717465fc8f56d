/**
 * Several destinations: each target starts from the top-level values and overrides the settings
 * its declaration marks `perTarget()`; targets may not collide on IAM names in one account.
 */
import { readDeployment, RunContext } from "../deployment";
import { TARGET_KEYS } from "../derived";
import { RawSettings, Reader } from "../reader";
import { TARGETS_SHAPE } from "../settings";
import { show } from "../show";
import { DeploymentSettings, TargetSettings } from "../types";

const TARGET_NAME = /^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/;

/**
 * Reads `targets`; call it once the top-level values are known to be valid, as targets inherit
 * them. Problems go to `problems`, each named by its target (`targets[1].region`).
 */
export function readTargets(r: Reader, raw: RawSettings, problems: string[], where: RunContext): TargetSettings[] {
  if (!r.has("targets")) return [];
  const value = r.given("targets");
  if (!Array.isArray(value) || value.length === 0) {
    r.fail("targets", TARGETS_SHAPE);
    return [];
  }
  const targets: TargetSettings[] = [];
  const seen = new Set<string>();
  const from = r.from("targets");
  value.forEach((item: unknown, i: number) => {
    const label = `targets[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      problems.push(`${label} (${from}) is ${show(item)}; ${TARGETS_SHAPE}`);
      return;
    }
    const obj = item as Record<string, unknown>;
    const unknown = Object.keys(obj).filter((k) => k !== "name" && !(TARGET_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0) {
      problems.push(
        `${label} (${from}) has unknown setting ${unknown.map(show).join(", ")}; a target may set "name" and ${TARGET_KEYS.map((k) => `"${k}"`).join(", ")}`,
      );
    }
    const name = obj.name;
    if (typeof name !== "string" || !TARGET_NAME.test(name)) {
      problems.push(
        `${label}.name (${from}) is ${show(name)}; must be 1 to 24 lowercase letters, digits or dashes, starting and ending with a letter or digit`,
      );
      return;
    }
    if (seen.has(name)) {
      problems.push(`${label}.name (${from}) is ${show(name)}; target names must be unique`);
      return;
    }
    seen.add(name);
    // A target starts from the top-level raw values and overrides the keys it sets.
    const merged: RawSettings = { ...raw };
    for (const key of TARGET_KEYS) {
      if (key in obj) merged[key] = { value: obj[key], from };
    }
    const tr = new Reader(merged, `${label}.`);
    const d = readDeployment(tr, where);
    // The top level's own value is judged with cloudDynamicCredentials (rules/state.ts); a
    // target's must be too: the wait runs outside the providers, without their credentials.
    if (where.dynamicCredentials && "roleReadyTimeoutSeconds" in obj && d.roleReadyTimeoutSeconds > 0) {
      tr.fail(
        "roleReadyTimeoutSeconds",
        "must be 0 with cloudDynamicCredentials: the wait runs outside Terraform's providers and cannot use " +
          "HCP Terraform's credentials",
      );
    }
    problems.push(...tr.problems);
    targets.push({ name, ...d });
  });
  // Only between targets that are valid otherwise: a bad value's defaults would collide too.
  if (problems.length === 0) problems.push(...nameCollisions(targets, from));
  return targets;
}

/**
 * Targets that would create the same IAM role (and least-privilege policy) in one account. IAM
 * names are unique per account whatever the path, and case-insensitive: the second deploy would
 * fail with EntityAlreadyExists. Two targets are taken to share an account when both name the
 * same destinationAccountId, or, unless both name different ones, the same destinationProfile.
 */
function nameCollisions(targets: readonly TargetSettings[], from: string): string[] {
  const problems: string[] = [];
  targets.forEach((b, j) => {
    const i = targets.findIndex(
      (a, k) => k < j && sameAccount(a, b) && a.role.name.toLowerCase() === b.role.name.toLowerCase(),
    );
    if (i < 0) return;
    const a = targets[i];
    const where =
      a.destinationAccountId !== undefined && a.destinationAccountId === b.destinationAccountId
        ? `account ${a.destinationAccountId}`
        : `the account of profile ${show(a.destinationProfile)}`;
    problems.push(
      `targets[${j}] ("${b.name}") and targets[${i}] ("${a.name}") (${from}) both create the IAM role ${show(b.role.name)} ` +
        `and policy "${b.role.name}-ec2-deployer" in ${where}; IAM names are unique in an account: give one of them another roleName`,
    );
  });
  return problems;
}

function sameAccount(a: DeploymentSettings, b: DeploymentSettings): boolean {
  if (a.destinationAccountId !== undefined && b.destinationAccountId !== undefined) {
    return a.destinationAccountId === b.destinationAccountId;
  }
  return a.destinationProfile === b.destinationProfile;
}
