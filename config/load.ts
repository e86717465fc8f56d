/** Reads, validates and resolves all settings. */
import { readDeployment } from "./deployment";
import { ConfigError } from "./errors";
import { ConfigSources, gather, Reader } from "./reader";
import { readState } from "./rules/state";
import { readTargets } from "./rules/targets";
import { DECLARATIONS } from "./settings";
import { AppConfig } from "./types";

/**
 * Reads, validates and resolves all settings.
 *
 * @throws ConfigError listing every invalid setting.
 */
export function loadConfig(sources: ConfigSources): AppConfig {
  const raw = gather(sources);
  const r = new Reader(raw);
  // The backend's own problems are reported by readState; here it only picks a default.
  const cloudBackend = raw.backend?.value === "cloud";
  // Likewise: whether the sessions are HCP Terraform's role sessions, without reporting a bad value.
  const dynamicRaw = raw.cloudDynamicCredentials?.value;
  const dynamicCredentials =
    cloudBackend && dynamicRaw !== undefined && DECLARATIONS.cloudDynamicCredentials.parse(dynamicRaw).value === true;
  const where = { cloudBackend, dynamicCredentials };
  const deployment = readDeployment(r, where);
  const state = readState(r, deployment, sources.cwd ?? process.cwd());
  // Whatever the assembly does not read is still checked: a declaration is enough for that.
  r.readTheRest(["targets"]);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  // Targets inherit the top-level values, so they are read once those are known to be valid.
  const targetProblems: string[] = [];
  const targets = readTargets(r, raw, targetProblems, where);
  const problems = [...r.problems, ...targetProblems];
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...deployment, state, targets };
}
