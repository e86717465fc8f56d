/** Where the state lives: the settings each backend requires, and how the backend signs in. */
import * as path from "path";
import { Reader } from "../reader";
import { show } from "../show";
import { BackendType, DeploymentSettings, StateSettings } from "../types";

type ExecutionMode = StateSettings["cloudExecutionMode"];

/**
 * Reads the state settings; their defaults follow the deployment's (region, profile, sign-in).
 *
 * @param cwd - the directory a relative `stateDir` is resolved against.
 */
export function readState(r: Reader, deployment: DeploymentSettings, cwd: string): StateSettings {
  const backend = r.get("backend");
  const cloudOrganization = r.given("cloudOrganization");
  if (backend === "cloud" && !r.has("cloudOrganization")) {
    r.fail("cloudOrganization", 'is required with backend "cloud": the HCP Terraform organization of the workspaces');
  }
  const cloudHostname = r.get("cloudHostname");
  const cloudWorkspacePrefix = r.get("cloudWorkspacePrefix");
  const stateProfile = r.given("stateProfile");
  const dir = r.get("stateDir");
  const bucket = r.given("stateBucket");
  const lock = r.get("stateLock");
  const lockTable = r.given("stateLockTable");
  // Only when it is not set at all: a set but invalid one has its own problem already.
  if (backend === "s3" && !r.has("stateBucket")) {
    r.fail("stateBucket", 'is required with backend "s3" (run `npm run bootstrap-state` to create one)');
  }
  if (lock === "dynamodb" && !r.has("stateLockTable")) {
    r.fail("stateLockTable", 'is required with stateLock "dynamodb"');
  }
  return {
    backend,
    dir: path.resolve(cwd, dir),
    bucket,
    // "prefix/" and "prefix" name the same objects: `<prefix>/<stack>.tfstate`.
    keyPrefix: r.get("stateKeyPrefix").replace(/\/+$/, ""),
    region: r.given("stateRegion") ?? deployment.region,
    profile: stateProfile ?? deployment.sourceProfile,
    lock,
    lockTable,
    kmsKeyId: r.given("stateKmsKeyId"),
    webIdentity:
      deployment.sourceAuth === "web-identity" && !r.has("stateProfile")
        ? { roleArn: deployment.sourceRoleArn!, tokenFile: deployment.webIdentityTokenFile! }
        : undefined,
    cloudOrganization,
    cloudHostname,
    cloudWorkspacePrefix,
    cloudDynamicCredentials: readDynamicCredentials(r, backend, deployment),
    cloudExecutionMode: readExecutionMode(r, backend, deployment),
  };
}

/**
 * Which sign-in works where the workspaces run Terraform. Remote runs (HCP Terraform's workers)
 * and agent runs have none of this machine's profiles or token files: the providers must sign in
 * with dynamic credentials, which HCP Terraform gives to those runs only. A local run is this
 * machine's: profiles (or the token) work, and there are no dynamic credentials.
 */
function readExecutionMode(r: Reader, backend: BackendType, deployment: DeploymentSettings): ExecutionMode {
  const mode = r.get("cloudExecutionMode");
  if (backend !== "cloud") return mode;
  // A bad value has its own problem; what depends on it is not judged.
  if (r.has("cloudExecutionMode") && r.given("cloudExecutionMode") === undefined) return mode;
  const dynamic = r.given("cloudDynamicCredentials") === true;
  if (mode !== "local" && !dynamic) {
    const what =
      deployment.sourceAuth === "web-identity"
        ? `the token file ${show(deployment.webIdentityTokenFile)} (webIdentityTokenFile)`
        : `the profiles ${show(deployment.sourceProfile)} (sourceProfile) and ${show(deployment.destinationProfile)} (destinationProfile)`;
    const where = mode === "agent" ? "HCP Terraform agents" : "HCP Terraform's workers";
    r.fail(
      "cloudExecutionMode",
      `${where} run Terraform there and do not have ${what}, so every run would fail: set cloudDynamicCredentials ` +
        'to true (with the workspaces\' dynamic provider credentials), or cloudExecutionMode to "local" and the ' +
        "workspaces' execution mode to Local",
    );
  } else if (mode === "local" && dynamic) {
    r.fail(
      "cloudExecutionMode",
      "HCP Terraform gives dynamic credentials to remote and agent runs only, and a local run has none: set " +
        'cloudExecutionMode to "remote" or "agent" (as the workspaces are), or cloudDynamicCredentials to false ' +
        "and sign in with profiles",
    );
  }
  return mode;
}

/** HCP Terraform's dynamic credentials are one way to sign in; they exclude the others. */
function readDynamicCredentials(r: Reader, backend: BackendType, deployment: DeploymentSettings): boolean {
  const dynamic = r.get("cloudDynamicCredentials");
  if (!dynamic) return false;
  if (backend !== "cloud") {
    r.fail("cloudDynamicCredentials", 'it applies only with backend "cloud" (HCP Terraform gives the credentials)');
  } else if (deployment.sourceAuth === "web-identity") {
    r.fail("cloudDynamicCredentials", 'sourceAuth is "web-identity" too; the providers sign in one way: choose one');
  } else if (deployment.roleReadyTimeoutSeconds > 0) {
    r.fail(
      "cloudDynamicCredentials",
      "roleReadyTimeoutSeconds is set too: the wait runs outside Terraform's providers and cannot use HCP Terraform's " +
        "credentials; set roleReadyTimeoutSeconds to 0",
    );
  }
  return true;
}
