import * as path from "path";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { StateSettings } from "./types";

/** The file that keeps a stack's state with the local backend: `<dir>/terraform.<stack>.tfstate`. */
export function localStateFile(dir: string, stackName: string): string {
  return path.join(dir, `terraform.${stackName}.tfstate`);
}

/** The S3 object key that keeps a stack's state with the s3 backend: `<prefix>/<stack>.tfstate`. */
export function s3StateKey(keyPrefix: string, stackName: string): string {
  return `${keyPrefix}/${stackName}.tfstate`;
}

/** The HCP Terraform workspace that keeps a stack's state with the cloud backend: `<prefix><stack>`. */
export function cloudStateWorkspace(workspacePrefix: string, stackName: string): string {
  return `${workspacePrefix}${stackName}`;
}

/**
 * Configures where a stack keeps its state: one state per stack, locally as
 * `<dir>/terraform.<stack>.tfstate`, in S3 as `<prefix>/<stack>.tfstate`, or in the HCP
 * Terraform workspace `<prefix><stack>` (runs, state, locking and history there).
 * A stack that reads another stack's outputs gets a remote-state data source
 * with the same settings from CDKTF (for HCP Terraform: the `remote` backend's data source
 * on the producing workspace, which must share its state with the consuming one).
 */
export function configureStateBackend(stack: TerraformStack, stackName: string, state: StateSettings): void {
  if (state.backend === "cloud") {
    new CloudBackend(stack, {
      organization: state.cloudOrganization!,
      hostname: state.cloudHostname,
      workspaces: new NamedCloudWorkspace(cloudStateWorkspace(state.cloudWorkspacePrefix, stackName)),
    });
    return;
  }
  if (state.backend === "s3") {
    const web = state.webIdentity;
    new S3Backend(stack, {
      bucket: state.bucket!,
      key: s3StateKey(state.keyPrefix, stackName),
      region: state.region,
      // In a pipeline with OIDC, the backend signs in with the token as the providers do.
      profile: web ? undefined : state.profile,
      assumeRoleWithWebIdentity: web
        ? { roleArn: web.roleArn, webIdentityTokenFile: web.tokenFile, sessionName: `cdktf-${stackName}-state` }
        : undefined,
      encrypt: true,
      // Without a key, the backend asks for SSE-S3 (AES256) on every write, which overrides the
      // bucket's SSE-KMS default: a bucket policy that requires aws:kms then refuses every write.
      kmsKeyId: state.kmsKeyId,
      dynamodbTable: state.lock === "dynamodb" ? state.lockTable : undefined,
    });
    if (state.lock === "lockfile") {
      // S3-native locking (Terraform 1.10+); cdktf 0.21's S3Backend has no field for it.
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
    }
    return;
  }
  new LocalBackend(stack, { path: localStateFile(state.dir, stackName) });
}
