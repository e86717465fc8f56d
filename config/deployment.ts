/** Assembles the settings of one iam-stack/ec2-stack pair from a {@link Reader}. */
import { Reader } from "./reader";
import { readImage } from "./rules/image";
import { readPermissions } from "./rules/permissions";
import { readMfa, readTrustAndSession } from "./rules/session";
import { readSourceSignIn } from "./rules/sign-in";
import { DeploymentSettings } from "./types";

/** Where Terraform runs and how its providers sign in, as far as the settings of one pair depend on it. */
export interface RunContext {
  /** Whether the state is in HCP Terraform (whose workers have no node: the wait defaults to 0). */
  readonly cloudBackend: boolean;
  /** Whether the providers sign in with HCP Terraform's dynamic credentials (role sessions). */
  readonly dynamicCredentials: boolean;
}

/**
 * Reads the settings of one iam/ec2 pair. The order of the reads is the order in which their
 * problems are reported.
 *
 * @param where - where Terraform runs and signs in, which changes a default and a limit.
 */
export function readDeployment(r: Reader, where: RunContext): DeploymentSettings {
  const { cloudBackend, dynamicCredentials } = where;
  const mfa = readMfa(r);
  const permissions = readPermissions(r);
  const instanceName = r.get("instanceName");
  const image = readImage(r);
  const subnetId = r.given("subnetId");
  const securityGroupIds = r.get("securityGroupIds");
  const region = r.get("region");
  const stsRegion = r.given("stsRegion");
  const sourceProfile = r.get("sourceProfile");
  const source = readSourceSignIn(r);
  const destinationProfile = r.get("destinationProfile");
  const sourceAccountId = r.given("sourceAccountId");
  const destinationAccountId = r.given("destinationAccountId");
  const name = r.get("roleName");
  const rolePath = r.get("rolePath");
  // With hubs, the destination role trusts the last of them, unless told otherwise.
  const trustedPrincipalArns = r.given("trustedPrincipalArns") ?? source.hubRoleArns.slice(-1);
  const principalOrgId = r.given("principalOrgId");
  const chainedFrom =
    source.hubRoleArns.length > 0
      ? `the hub role ${source.hubRoleArns[source.hubRoleArns.length - 1]}`
      : dynamicCredentials
        ? // HCP Terraform signs in as TFC_AWS_RUN_ROLE_ARN: the provider's session is a role session.
          "the role session of HCP Terraform's dynamic credentials (cloudDynamicCredentials)"
        : source.sourceAuth === "web-identity"
          ? `the web-identity session of ${source.sourceRoleArn ?? "sourceRoleArn"}`
          : undefined;
  const trustAndSession = readTrustAndSession(r, trustedPrincipalArns, chainedFrom);
  return {
    region,
    stsRegion,
    sourceProfile,
    ...source,
    destinationProfile,
    sourceAccountId,
    destinationAccountId,
    role: {
      name,
      path: rolePath,
      trustedPrincipalArns,
      ...trustAndSession,
      ...mfa,
      principalOrgId,
      permissionsBoundaryArn: r.given("permissionsBoundaryArn"),
      ...permissions,
    },
    // HCP Terraform runs Terraform on its own workers, which have neither node nor this project.
    roleReadyTimeoutSeconds:
      r.given("roleReadyTimeoutSeconds") ?? (cloudBackend ? 0 : r.get("roleReadyTimeoutSeconds")),
    instance: {
      type: r.get("instanceType"),
      name: instanceName,
      ...image,
      subnetId,
      securityGroupIds,
      associatePublicIpAddress: r.get("associatePublicIpAddress"),
      rootVolumeSizeGib: r.get("rootVolumeSizeGib"),
    },
    tags: r.get("tags"),
  };
}
