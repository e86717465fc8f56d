import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { commandExists } from "./process";
import { providerMirror } from "./terraform-cli-config";

/** The AWS provider version the app is built for (@cdktf/provider-aws 20.1.0). */
export const AWS_PROVIDER_VERSION = "5.100.0";

/** A missing prerequisite and how to get it. */
export interface MissingPrerequisite {
  readonly what: string;
  readonly fix: string;
}

/** Checks what the local run needs; returns what is missing (empty when all is there). */
export function checkPrerequisites(
  env: Readonly<Record<string, string | undefined>> = process.env,
): MissingPrerequisite[] {
  const missing: MissingPrerequisite[] = [];
  if (!commandExists("terraform")) {
    missing.push({
      what: "terraform (1.10 or later) is not on PATH",
      fix: "install Terraform from https://developer.hashicorp.com/terraform/install and put it on PATH",
    });
  } else {
    const out = spawnSync("terraform", ["version", "-json"], { encoding: "utf8" }).stdout ?? "";
    const version = /"terraform_version":\s*"(\d+)\.(\d+)/.exec(out);
    if (version && (Number(version[1]) < 1 || (Number(version[1]) === 1 && Number(version[2]) < 10))) {
      missing.push({
        what: `terraform ${version[1]}.${version[2]} is too old`,
        fix: "install Terraform 1.10 or later",
      });
    }
  }
  const mirror = providerMirror(env);
  const providerDir = path.join(mirror, "registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION);
  if (!fs.existsSync(providerDir)) {
    missing.push({
      what: `the provider mirror has no hashicorp/aws ${AWS_PROVIDER_VERSION} (looked in ${providerDir})`,
      fix:
        `run \`terraform providers mirror ${mirror}\` in a directory whose configuration requires ` +
        `hashicorp/aws ${AWS_PROVIDER_VERSION} on a machine with registry access, or set TF_PROVIDER_MIRROR to a mirror that has it`,
    });
  }
  const python = env.MOTO_PYTHON ?? "python3";
  if (spawnSync(python, ["-c", "import moto.server"], { stdio: "ignore" }).status !== 0) {
    missing.push({
      what: `the AWS emulator moto is not importable by ${python}`,
      fix: `run \`${python} -m pip install 'moto[server]==5.2.1'\` (or set MOTO_PYTHON to a Python that has it)`,
    });
  }
  return missing;
}
