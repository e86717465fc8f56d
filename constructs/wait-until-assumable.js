// @ts-check
/**
 * Waits until a role can be assumed: run by iam-stack (a local-exec provisioner of a
 * terraform_data resource) right after it creates the role or changes its trust.
 *
 * IAM is eventually consistent: for seconds (rarely, minutes) after CreateRole, sts:AssumeRole on
 * the new role may answer AccessDenied. ec2-stack's provider assumes the role as its first act,
 * so without this wait `cdktf deploy iam-stack ec2-stack` could fail half-way. This calls
 * sts:AssumeRole the way ec2-stack's provider will (same profile or OIDC token, same hub roles
 * first, external id, source identity, session tags) until it succeeds twice in a row, two seconds apart, retrying AccessDenied,
 * throttling and network errors with backoff, and fails with what to do once the timeout is
 * over. Any other error (no credentials, a malformed request) fails at once. The credentials
 * it gets are never printed or stored.
 *
 * Plain JavaScript, so that Terraform can run it with `node` and nothing else; the AWS SDK comes
 * from the app's node_modules. Settings come from the environment the provisioner sets:
 * WAIT_ROLE_ARN, WAIT_REGION, WAIT_TIMEOUT_SECONDS; WAIT_PROFILE, or WAIT_WEB_IDENTITY_ROLE_ARN
 * and WAIT_WEB_IDENTITY_TOKEN_FILE; optionally WAIT_HUB_ROLE_ARNS (a JSON list),
 * WAIT_EXTERNAL_ID, WAIT_SOURCE_IDENTITY, WAIT_SESSION_TAGS (a JSON object).
 */
"use strict";

const fs = require("fs");

// The AWS SDK warns on every start under Node 20 that its releases from 2027 need Node 22: said
// once per run by the project, it would otherwise repeat in every deploy's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } = require("@aws-sdk/client-sts");

/** Errors that a role still propagating (or a busy STS) answers with: worth another try. */
const RETRYABLE = new Set([
  "AccessDenied",
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "ServiceUnavailable",
  "InternalFailure",
  "IDPCommunicationError",
]);
const SUCCESSES_NEEDED = 2;
const CONFIRM_AFTER_MS = 2000;
const MAX_BACKOFF_MS = 5000;

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {string} name
 */
function required(env, name) {
  const value = env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
}

/** @param {NodeJS.ProcessEnv} env */
function readSettings(env) {
  const timeoutSeconds = Number(required(env, "WAIT_TIMEOUT_SECONDS"));
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) {
    throw new Error(`WAIT_TIMEOUT_SECONDS is ${JSON.stringify(env.WAIT_TIMEOUT_SECONDS)}; a whole number, at least 1`);
  }
  /** @type {Record<string, string>} */
  const tags = env.WAIT_SESSION_TAGS ? JSON.parse(env.WAIT_SESSION_TAGS) : {};
  /** @type {string[]} */
  const hubs = env.WAIT_HUB_ROLE_ARNS ? JSON.parse(env.WAIT_HUB_ROLE_ARNS) : [];
  const webIdentity = env.WAIT_WEB_IDENTITY_ROLE_ARN
    ? { roleArn: env.WAIT_WEB_IDENTITY_ROLE_ARN, tokenFile: required(env, "WAIT_WEB_IDENTITY_TOKEN_FILE") }
    : undefined;
  return {
    roleArn: required(env, "WAIT_ROLE_ARN"),
    profile: webIdentity ? undefined : required(env, "WAIT_PROFILE"),
    webIdentity,
    hubs,
    region: required(env, "WAIT_REGION"),
    timeoutSeconds,
    externalId: env.WAIT_EXTERNAL_ID || undefined,
    sourceIdentity: env.WAIT_SOURCE_IDENTITY || undefined,
    tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

/** @typedef {ReturnType<typeof readSettings>} Settings */

/**
 * Network errors: the connection refused, reset or timed out, DNS failing or not answering. The
 * network between the runner and STS, not the role: a proxy restarting or a DNS blip must not
 * fail the apply, so they are retried until the timeout like a refusal.
 */
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
]);

/**
 * The error's code if it is worth another try, else undefined. An AWS service error has its code
 * as its name; Node's system errors are named "Error" and carry the code in `code`, and the SDK
 * may wrap one as the `cause` of its own error: all three are read.
 * @param {unknown} err
 */
function retryableCode(err) {
  if (typeof err !== "object" || err === null) return undefined;
  const e = /** @type {{ name?: unknown, code?: unknown, cause?: { code?: unknown }, $retryable?: unknown }} */ (err);
  const codes = [e.name, e.code, e.cause?.code].filter(
    /** @returns {c is string} */ (c) => typeof c === "string" && c !== "" && c !== "Error",
  );
  const known = codes.find((c) => RETRYABLE.has(c) || NETWORK.has(c));
  if (known !== undefined) return known;
  if (e.$retryable) return codes[0] ?? "retryable error";
  return undefined;
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The credentials of a session, for the next call.
 * @param {import("@aws-sdk/client-sts").Credentials | undefined} c
 */
function credentialsOf(c) {
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error("STS answered without credentials");
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/**
 * An STS client signed in as ec2-stack's provider is before it assumes the role: the profile, or
 * the OIDC token's session, then each hub role in turn. Built anew for every try, since a hub
 * session could expire during a long wait. One attempt per call: the SDK's own retries would
 * hide each answer from the loop in main().
 * @param {Settings} s
 */
async function signedIn(s) {
  const options = { region: s.region, maxAttempts: 1 };
  let sts = new STSClient(s.profile !== undefined ? { ...options, profile: s.profile } : options);
  if (s.webIdentity !== undefined) {
    const token = fs.readFileSync(s.webIdentity.tokenFile, "utf8").trim();
    const session = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: s.webIdentity.roleArn,
        RoleSessionName: "cdktf-role-ready",
        WebIdentityToken: token,
      }),
    );
    sts = new STSClient({ ...options, credentials: credentialsOf(session.Credentials) });
  }
  for (const hub of s.hubs) {
    const session = await sts.send(new AssumeRoleCommand({ RoleArn: hub, RoleSessionName: "cdktf-role-ready" }));
    sts = new STSClient({ ...options, credentials: credentialsOf(session.Credentials) });
  }
  return sts;
}

/**
 * Who assumes the role, for messages.
 * @param {Settings} s
 */
function signInName(s) {
  const who = s.webIdentity ? `the web identity of ${s.webIdentity.roleArn}` : `profile "${s.profile}"`;
  return s.hubs.length > 0 ? `${who} through ${s.hubs.join(", ")}` : who;
}

async function main() {
  const s = readSettings(process.env);
  const who = signInName(s);
  const deadline = Date.now() + s.timeoutSeconds * 1000;
  let successes = 0;
  let refusals = 0;
  let otherFailures = 0;
  let backoff = 1000;
  /** @type {string | undefined} */
  let last;
  for (;;) {
    try {
      const sts = await signedIn(s);
      await sts.send(
        new AssumeRoleCommand({
          RoleArn: s.roleArn,
          RoleSessionName: "cdktf-role-ready",
          DurationSeconds: 900,
          ExternalId: s.externalId,
          SourceIdentity: s.sourceIdentity,
          Tags: s.tags.length > 0 ? s.tags : undefined,
        }),
      );
      successes += 1;
      if (successes >= SUCCESSES_NEEDED) {
        const parts = [
          refusals > 0 ? `${refusals} refusal${refusals === 1 ? "" : "s"} while IAM propagated` : "",
          otherFailures > 0 ? `${otherFailures} throttled or failed call${otherFailures === 1 ? "" : "s"}` : "",
        ].filter((p) => p !== "");
        const after = parts.length > 0 ? ` after ${parts.join(" and ")}` : "";
        console.log(`Role ${s.roleArn} can be assumed with ${who}${after}.`);
        return;
      }
      await sleep(CONFIRM_AFTER_MS);
      continue;
    } catch (err) {
      const code = retryableCode(err);
      const message = err instanceof Error ? err.message : String(err);
      if (code === undefined) {
        // STS in a region the account has not enabled refuses its credentials as if they were invalid.
        const name = /** @type {{ name?: unknown }} */ (err).name;
        const regionHint =
          name === "InvalidClientTokenId" || name === "RegionDisabledException"
            ? ` If ${s.region} is an opt-in region that the signing-in account has not enabled, set stsRegion to a region it has (such as us-east-1).`
            : "";
        throw new Error(`sts:AssumeRole of ${s.roleArn} with ${who} failed: ${message}.${regionHint}`);
      }
      successes = 0;
      if (code === "AccessDenied") refusals += 1;
      else otherFailures += 1;
      last = `${code}: ${message}`;
    }
    if (Date.now() + backoff > deadline) break;
    console.log(`Role ${s.roleArn} cannot be assumed yet (${last}); trying again in ${backoff / 1000} s.`);
    await sleep(backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
  throw new Error(
    `Role ${s.roleArn} still cannot be assumed with ${who} after ${s.timeoutSeconds} s ` +
      `(${refusals + otherFailures} failed tries; last: ${last}). Either IAM is still propagating (deploy again: Terraform waits ` +
      "again), or the role's trust policy does not let this principal in: check trustedPrincipalArns, " +
      "hubRoleArns, externalId, requireMfa and sourceIdentity. roleReadyTimeoutSeconds sets how long to wait " +
      "(0: do not wait).",
  );
}

// Run by Terraform as a script; required by the unit tests for retryableCode.
if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}

module.exports = { retryableCode };
