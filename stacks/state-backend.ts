import * as path from "path";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { StateSettings } from "../config";

/**
 * Configures where a stack keeps its state: one state per stack, locally as
 * `<dir>/terraform.<stack>.tfstate` or in S3 as `<prefix>/<stack>.tfstate`.
 * A stack that reads another stack's outputs gets a remote-state data source
 * with the same settings from CDKTF.
 */
export function configureStateBackend(stack: TerraformStack, stackName: string, state: StateSettings): void {
  if (state.backend === "s3") {
    new S3Backend(stack, {
      bucket: state.bucket!,
      key: `${state.keyPrefix}/${stackName}.tfstate`,
      region: state.region,
      profile: state.profile,
      encrypt: true,
      dynamodbTable: state.lock === "dynamodb" ? state.lockTable : undefined,
    });
    if (state.lock === "lockfile") {
      // S3-native locking (Terraform 1.10+); cdktf 0.21's S3Backend has no field for it.
      stack.addOverride("terraform.backend.s3.use_lockfile", true);
    }
    return;
  }
  new LocalBackend(stack, { path: path.join(state.dir, `terraform.${stackName}.tfstate`) });
}
