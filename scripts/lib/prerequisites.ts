import { spawnSync } from "child_process";
import { projectCli } from "./cdk-cli";
import { cliPrerequisite } from "./node-support";
import { commandExists } from "./process";
import {
  AWS_PROVIDER_VERSION,
  hasAwsProvider,
  ProviderInstallation,
  providerInstallation,
  requiredPlatforms,
} from "./terraform-cli-config";

/** A missing prerequisite and how to get it. */
export interface MissingPrerequisite {
  readonly what: string;
  readonly fix: string;
}

/** What the check found: how the AWS provider is installed, and what is missing. */
export interface PrerequisiteReport {
  readonly provider: ProviderInstallation;
  /** Empty when all is there. */
  readonly missing: readonly MissingPrerequisite[];
}

const PROVIDER = `hashicorp/aws ${AWS_PROVIDER_VERSION}`;

/** Why registry mode: there is no mirror. */
function noMirror(defaultMirror: string): string {
  return `no filesystem mirror: TF_PROVIDER_MIRROR is not set and ${defaultMirror} has no ${PROVIDER} for ${requiredPlatforms().join(" and ")}`;
}

/** How to get the provider into a mirror `dir` from a machine that has registry access. */
function mirrorHowTo(dir: string): string {
  const platforms = requiredPlatforms()
    .map((p) => `-platform=${p}`)
    .join(" ");
  return (
    `on a machine with registry access, run \`terraform providers mirror ${platforms} ${dir}\` in a directory ` +
    `whose configuration requires ${PROVIDER}`
  );
}

/** One line for the user: where the provider comes from in this mode. */
export function describeProviderInstallation(installation: ProviderInstallation): string {
  if (installation.mode === "mirror") {
    const by = installation.foundBy === "TF_PROVIDER_MIRROR" ? "TF_PROVIDER_MIRROR" : "found at the default path";
    return `${PROVIDER} from the filesystem mirror ${installation.dir} (${by})`;
  }
  const when = hasAwsProvider(installation.dir) ? "already downloaded" : "downloaded once";
  return `${PROVIDER} from registry.terraform.io, ${when} into ${installation.dir} (${noMirror(installation.defaultMirror)})`;
}

/**
 * What is missing for the provider: only a mirror the user named that lacks it. In registry mode
 * nothing is known to be missing until the download is tried ({@link providerDownloadFailed}).
 */
export function providerPrerequisite(installation: ProviderInstallation): MissingPrerequisite | undefined {
  if (installation.mode === "registry" || hasAwsProvider(installation.dir)) return undefined;
  return {
    what: `the filesystem mirror ${installation.dir} (TF_PROVIDER_MIRROR) has no ${PROVIDER} for ${requiredPlatforms().join(" and ")}`,
    fix: `${mirrorHowTo(installation.dir)} (and copy it here); or unset TF_PROVIDER_MIRROR to let Terraform download it from the registry`,
  };
}

/** The missing prerequisite when the registry download failed, with Terraform's reason (e.g. no network). */
export function providerDownloadFailed(
  installation: Extract<ProviderInstallation, { mode: "registry" }>,
  reason: string,
): MissingPrerequisite {
  return {
    what: `Terraform could not download ${PROVIDER} from registry.terraform.io (${noMirror(installation.defaultMirror)}): ${reason}`,
    fix: `connect to the internet (Terraform honours HTTPS_PROXY) and run again; or give it a filesystem mirror: ${mirrorHowTo("DIR")}, copy DIR here and set TF_PROVIDER_MIRROR=DIR`,
  };
}

/** Checks what the local run needs; says how it gets the AWS provider and what is missing. */
export function checkPrerequisites(
  env: Readonly<Record<string, string | undefined>> = process.env,
): PrerequisiteReport {
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
  const cliMissing = cliPrerequisite(projectCli());
  if (cliMissing) missing.push(cliMissing);
  const provider = providerInstallation(env);
  const providerMissing = providerPrerequisite(provider);
  if (providerMissing) missing.push(providerMissing);
  const python = env.MOTO_PYTHON ?? "python3";
  if (spawnSync(python, ["-c", "import moto.server"], { stdio: "ignore" }).status !== 0) {
    missing.push({
      what: `the AWS emulator moto is not importable by ${python}`,
      fix: `run \`${python} -m pip install 'moto[server]==5.2.1'\` (or set MOTO_PYTHON to a Python that has it)`,
    });
  }
  return { provider, missing };
}
