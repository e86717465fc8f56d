import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The AWS provider version the app is built for (@cdktf/provider-aws 20.1.0). */
export const AWS_PROVIDER_VERSION = "5.100.0";

/** Where an offline machine keeps its provider mirror, unless `TF_PROVIDER_MIRROR` says otherwise. */
export const DEFAULT_PROVIDER_MIRROR = "/opt/tf-plugins";

/** Directory of this project's plugin cache under the user's cache directory. */
const CACHE_SUBDIR = path.join("cdktf-cross-account-assume-role", "terraform-plugins");

/** The platform Terraform calls this machine, e.g. `linux_amd64` or `darwin_arm64`. */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const goos = platform === "win32" ? "windows" : platform;
  const goarch = ({ x64: "amd64", ia32: "386" } as Record<string, string>)[arch] ?? arch;
  return `${goos}_${goarch}`;
}

/**
 * The platforms whose hashicorp/aws package a run needs: this machine's, for `terraform init`,
 * and `linux_amd64`, because cdktf 0.21 runs `terraform providers lock -platform=linux_amd64`
 * on every stack that has no lock file yet, whatever the machine.
 */
export function requiredPlatforms(platform: string = terraformPlatform()): string[] {
  return [...new Set([platform, "linux_amd64"])];
}

/** Where hashicorp/aws for one platform is, unpacked, in a mirror, a plugin cache or a working directory's `.terraform/providers`. */
export function unpackedAwsProvider(platform: string = terraformPlatform()): string {
  return path.join("registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION, platform);
}

/**
 * Whether a directory holds hashicorp/aws at the app's version for every required platform,
 * in either layout Terraform reads from a filesystem mirror: unpacked (`5.100.0/linux_amd64/`,
 * also the layout of a plugin cache) or packed (`terraform-provider-aws_5.100.0_linux_amd64.zip`,
 * what `terraform providers mirror` writes).
 */
export function hasAwsProvider(dir: string, platforms: readonly string[] = requiredPlatforms()): boolean {
  const aws = path.join(dir, "registry.terraform.io", "hashicorp", "aws");
  return platforms.every(
    (p) =>
      fs.existsSync(path.join(dir, unpackedAwsProvider(p))) ||
      fs.existsSync(path.join(aws, `terraform-provider-aws_${AWS_PROVIDER_VERSION}_${p}.zip`)),
  );
}

/**
 * Where Terraform gets hashicorp/aws from. In both modes `dir` is a directory that the CLI
 * config reads as a filesystem mirror: no run asks the registry, so runs work offline and in
 * parallel.
 */
export type ProviderInstallation =
  | {
      /** A filesystem mirror the user provides. */
      readonly mode: "mirror";
      readonly dir: string;
      /** Where the mirror was found. */
      readonly foundBy: "TF_PROVIDER_MIRROR" | "default path";
    }
  | {
      /**
       * No mirror: Terraform downloads the provider from registry.terraform.io once, into the
       * shared plugin cache `dir` (see provider-cache.ts), and every run reads it from there.
       */
      readonly mode: "registry";
      readonly dir: string;
      /** The default mirror path, which does not hold the provider. */
      readonly defaultMirror: string;
    };

/** The plugin cache of registry mode: `TF_PLUGIN_CACHE_DIR` if the user has one, else under the user's cache directory. */
export function pluginCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.TF_PLUGIN_CACHE_DIR) return path.resolve(env.TF_PLUGIN_CACHE_DIR);
  const cacheHome = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache");
  return path.join(cacheHome, CACHE_SUBDIR);
}

/**
 * How this machine installs the provider: the mirror `TF_PROVIDER_MIRROR` names (whatever it
 * holds: the prerequisite check reports what it lacks), else the default mirror if it holds
 * the provider, else the registry through the plugin cache.
 */
export function providerInstallation(
  env: Readonly<Record<string, string | undefined>> = process.env,
  defaultMirror: string = DEFAULT_PROVIDER_MIRROR,
): ProviderInstallation {
  if (env.TF_PROVIDER_MIRROR) return { mode: "mirror", dir: env.TF_PROVIDER_MIRROR, foundBy: "TF_PROVIDER_MIRROR" };
  if (hasAwsProvider(defaultMirror)) return { mode: "mirror", dir: defaultMirror, foundBy: "default path" };
  return { mode: "registry", dir: pluginCacheDir(env), defaultMirror };
}

/**
 * Writes a Terraform CLI config that installs HashiCorp's providers from the installation's
 * directory only (no registry access) and returns its path. Terraform links an unpacked
 * provider instead of copying it, so `init` stays fast. Being a CLI config of its own, it also
 * keeps the user's `~/.terraformrc` and `~/.terraform.d/plugins` out of the runs.
 */
export function writeTerraformCliConfig(
  dir: string,
  installation: ProviderInstallation = providerInstallation(),
): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "terraform.rc");
  fs.writeFileSync(
    file,
    [
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(installation.dir)}`,
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
 * Environment for Terraform and the cdktf CLI: the CLI config; the same directory for cdktf's
 * own `terraform providers lock` (which ignores the CLI config and would otherwise download
 * the linux_amd64 package from the registry for every new stack directory); no plugin cache
 * of the user's (`TF_PLUGIN_CACHE_DIR` empty counts as unset), which would gain a link to the
 * mirror, or in registry mode be the very directory read as a mirror, which Terraform does not
 * support; and no update checks.
 *
 * Nor cdktf's (or cdktn's) own plugin cache: unless `CDKTF_DISABLE_PLUGIN_CACHE_ENV` is set, the
 * CLI sets an unset or empty `TF_PLUGIN_CACHE_DIR` to `~/.terraform.d/plugin-cache`, shared by
 * every run on the machine. Each `init` there replaces the cache's link to the mirror, and a
 * Terraform that starts its provider through that link at that moment fails ("fork/exec
 * .terraform/providers/...: no such file or directory"): seen in the end-to-end tier, whose
 * files run in parallel, and possible between the stacks of one parallel deploy.
 */
export function terraformEnv(
  cliConfigFile: string,
  installation: ProviderInstallation = providerInstallation(),
): Record<string, string> {
  return {
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_CLI_ARGS_providers_lock: `-fs-mirror=${installation.dir}`,
    TF_PLUGIN_CACHE_DIR: "",
    CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
  };
}
