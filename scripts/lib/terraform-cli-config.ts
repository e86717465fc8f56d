import * as fs from "fs";
import * as path from "path";

/** Where this machine keeps the offline provider mirror, unless `TF_PROVIDER_MIRROR` says otherwise. */
export const DEFAULT_PROVIDER_MIRROR = "/opt/tf-plugins";

/** The provider mirror from the environment, or the default. */
export function providerMirror(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.TF_PROVIDER_MIRROR && env.TF_PROVIDER_MIRROR !== "" ? env.TF_PROVIDER_MIRROR : DEFAULT_PROVIDER_MIRROR;
}

/**
 * Writes a Terraform CLI config that installs HashiCorp's providers from a local
 * filesystem mirror only (no registry access) and returns its path. Terraform links
 * the unpacked provider instead of copying it, so `init` stays fast.
 */
export function writeTerraformCliConfig(dir: string, mirror: string = providerMirror()): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "terraform.rc");
  fs.writeFileSync(
    file,
    [
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      "  }",
      "  direct {",
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  return file;
}

/**
 * Environment for Terraform and the cdktf CLI that uses the mirror: the CLI config, the
 * mirror for cdktf's own `terraform providers lock` (which ignores the CLI config), and no
 * update checks.
 */
export function terraformEnv(cliConfigFile: string, mirror: string = providerMirror()): Record<string, string> {
  return {
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_CLI_ARGS_providers_lock: `-fs-mirror=${mirror}`,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
  };
}
