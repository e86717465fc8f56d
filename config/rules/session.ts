/**
 * The settings of the trust policy and of ec2-stack's session that depend on each other: what
 * ec2-stack sends must be what the role accepts, and a session may not outlast what AWS allows.
 */
import { ROLE_PRINCIPAL } from "../../constructs/shared/aws-names";
import { Reader } from "../reader";
import { show } from "../show";
import { RoleSettings } from "../types";

/** AWS caps a session that a role session asks for (role chaining) at one hour. */
const ROLE_CHAINING_MAX_SECONDS = 3600;
/** The role's maximum session duration when `maxSessionDurationSeconds` is not set (IAM's default). */
const DEFAULT_MAX_SESSION_SECONDS = 3600;

/** Reads `requireMfa` and `mfaMaxAgeSeconds`, which applies only with it. */
export function readMfa(r: Reader): Pick<RoleSettings, "requireMfa" | "mfaMaxAgeSeconds"> {
  const requireMfa = r.get("requireMfa");
  const mfaMaxAgeSeconds = r.given("mfaMaxAgeSeconds");
  if (mfaMaxAgeSeconds !== undefined && !requireMfa) {
    r.fail("mfaMaxAgeSeconds", "it only applies with requireMfa=true; set requireMfa or remove mfaMaxAgeSeconds");
  }
  return { requireMfa, mfaMaxAgeSeconds };
}

/** The settings of the trust policy and of ec2-stack's session that depend on each other. */
export type TrustAndSession = Pick<
  RoleSettings,
  | "externalIds"
  | "externalId"
  | "requireSourceIdentity"
  | "sourceIdentity"
  | "sessionTags"
  | "maxSessionDurationSeconds"
  | "sessionDurationSeconds"
>;

/**
 * Reads the settings of {@link TrustAndSession} and checks them against each other.
 *
 * @param chainedFrom - the role session ec2-stack assumes the role from, if any, for messages.
 */
export function readTrustAndSession(
  r: Reader,
  trustedPrincipalArns: readonly string[],
  chainedFrom?: string,
): TrustAndSession {
  // externalIds: what the role accepts; externalId: what ec2-stack sends, so one of them.
  const externalId = r.given("externalId");
  const externalIds = r.given("externalIds");
  if (externalIds !== undefined && externalId !== undefined && !externalIds.includes(externalId)) {
    r.fail(
      "externalId",
      `must be one of externalIds ${show(externalIds)}: ec2-stack sends it, and the role accepts only those`,
    );
  } else if (externalIds !== undefined && externalIds.length > 1 && !r.has("externalId")) {
    r.fail("externalIds", "names several external ids; set externalId to the one ec2-stack sends");
  }

  const requireSourceIdentity = r.get("requireSourceIdentity");
  const sourceIdentity = r.given("sourceIdentity");
  if (requireSourceIdentity && !r.has("sourceIdentity")) {
    r.fail(
      "requireSourceIdentity",
      "the role then refuses every session without a source identity; set sourceIdentity, which ec2-stack sends",
    );
  }

  const maxSessionDurationSeconds = r.given("maxSessionDurationSeconds");
  const sessionDurationSeconds = r.given("sessionDurationSeconds");
  checkSessionDuration(r, { maxSessionDurationSeconds, sessionDurationSeconds }, trustedPrincipalArns, chainedFrom);

  return {
    externalIds: externalIds ?? (externalId !== undefined ? [externalId] : []),
    externalId: externalId ?? (externalIds?.length === 1 ? externalIds[0] : undefined),
    requireSourceIdentity,
    sourceIdentity,
    sessionTags: r.get("sessionTags"),
    maxSessionDurationSeconds,
    sessionDurationSeconds,
  };
}

/** ec2-stack's session may not outlast the role's maximum, nor one hour when it is role chaining. */
function checkSessionDuration(
  r: Reader,
  durations: Pick<RoleSettings, "maxSessionDurationSeconds" | "sessionDurationSeconds">,
  trustedPrincipalArns: readonly string[],
  chainedFrom: string | undefined,
): void {
  const { maxSessionDurationSeconds, sessionDurationSeconds } = durations;
  if (sessionDurationSeconds === undefined) return;
  const roleMax = maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_SECONDS;
  const maxIsValid = maxSessionDurationSeconds !== undefined || !r.has("maxSessionDurationSeconds");
  if (maxIsValid && sessionDurationSeconds > roleMax) {
    const which = maxSessionDurationSeconds === undefined ? "its default" : "maxSessionDurationSeconds";
    r.fail("sessionDurationSeconds", `must be at most the role's maximum session duration, ${roleMax} (${which})`);
  } else if (sessionDurationSeconds > ROLE_CHAINING_MAX_SECONDS && chainedFrom) {
    r.fail(
      "sessionDurationSeconds",
      `must be at most ${ROLE_CHAINING_MAX_SECONDS}: ec2-stack assumes the role from ${chainedFrom}, and AWS limits a ` +
        "session that a role session asks for (role chaining) to one hour",
    );
  } else if (
    sessionDurationSeconds > ROLE_CHAINING_MAX_SECONDS &&
    trustedPrincipalArns.length > 0 &&
    trustedPrincipalArns.every((arn) => ROLE_PRINCIPAL.test(arn))
  ) {
    r.fail(
      "sessionDurationSeconds",
      `must be at most ${ROLE_CHAINING_MAX_SECONDS}: every trusted principal is a role, and AWS limits a session ` +
        "that a role session asks for (role chaining) to one hour",
    );
  }
}
