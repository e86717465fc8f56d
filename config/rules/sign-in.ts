/** How the source principal signs in, and the roles between it and the destination role. */
import { Reader } from "../reader";
import { DeploymentSettings } from "../types";

/** The settings of the source's sign-in. */
export type SourceSettings = Pick<
  DeploymentSettings,
  "sourceAuth" | "sourceRoleArn" | "webIdentityTokenFile" | "hubRoleArns"
>;

/** Reads `sourceAuth` and the settings that apply only with one of its values. */
export function readSourceSignIn(r: Reader): SourceSettings {
  const sourceAuth = r.get("sourceAuth");
  // A bad sourceAuth has its own problem; the settings that depend on it are then not judged.
  const authInvalid = r.has("sourceAuth") && r.given("sourceAuth") === undefined;
  const sourceRoleArn = r.given("sourceRoleArn");
  const webIdentityTokenFile = r.given("webIdentityTokenFile");
  const webIdentity = sourceAuth === "web-identity";
  for (const key of ["sourceRoleArn", "webIdentityTokenFile"] as const) {
    if (webIdentity && !r.has(key)) {
      r.fail(key, 'is required with sourceAuth "web-identity"');
    } else if (!webIdentity && !authInvalid && r.has(key)) {
      r.fail(key, 'it applies only with sourceAuth "web-identity"; set sourceAuth or remove it');
    }
  }
  return {
    sourceAuth,
    sourceRoleArn: webIdentity ? sourceRoleArn : undefined,
    webIdentityTokenFile: webIdentity ? webIdentityTokenFile : undefined,
    hubRoleArns: r.get("hubRoleArns"),
  };
}
