import * as path from "path";
import {
  describeProviderInstallation,
  providerDownloadFailed,
  providerPrerequisite,
} from "../../scripts/lib/prerequisites";
import { ProviderDownloadError, terraformError } from "../../scripts/lib/provider-cache";
import { providerInstallation, requiredPlatforms } from "../../scripts/lib/terraform-cli-config";
import { providerMirror, tempDir } from "../helpers";

/** `terraform init` on a machine without network, as Terraform 1.11 prints it. */
const OFFLINE_INIT = `
Initializing the backend...
Initializing provider plugins...
- Finding hashicorp/aws versions matching "5.100.0"...

Error: Failed to query available provider packages

Could not retrieve the list of available versions for provider hashicorp/aws:
could not connect to registry.terraform.io: failed to request discovery
document: Get "https://registry.terraform.io/.well-known/terraform.json":
dial tcp: lookup registry.terraform.io on 10.255.255.53:53: no such host

To see which modules are currently depending on hashicorp/aws and what
versions are specified, run the following command:
    terraform providers
`;

const PLATFORMS = requiredPlatforms().join(" and ");
const MIRROR_FLAGS = requiredPlatforms()
  .map((p) => `-platform=${p}`)
  .join(" ");

/** Registry mode with a plugin cache of its own and no directory at the default mirror path. */
function registryMode(cache: string = tempDir("cache")) {
  const defaultMirror = path.join(tempDir("no-mirror"), "opt", "tf-plugins");
  const installation = providerInstallation({ TF_PLUGIN_CACHE_DIR: cache }, defaultMirror);
  if (installation.mode !== "registry") throw new Error(`expected registry mode, got ${installation.mode}`);
  return installation;
}

describe("the prerequisite check of the AWS provider", () => {
  describe("in mirror mode", () => {
    it("says which mirror it uses and how it was found", () => {
      // GIVEN
      const found = providerMirror("unpacked");
      const named = providerMirror("packed");

      // THEN
      expect(describeProviderInstallation(providerInstallation({}, found))).toBe(
        `hashicorp/aws 5.100.0 from the filesystem mirror ${found} (found at the default path)`,
      );
      expect(describeProviderInstallation(providerInstallation({ TF_PROVIDER_MIRROR: named }, found))).toBe(
        `hashicorp/aws 5.100.0 from the filesystem mirror ${named} (TF_PROVIDER_MIRROR)`,
      );
    });

    it("misses nothing when the mirror has the provider", () => {
      const named = providerMirror("packed");
      expect(providerPrerequisite(providerInstallation({ TF_PROVIDER_MIRROR: named }))).toBeUndefined();
    });

    it("reports a named mirror without the provider, with how to fill it or to use the registry instead", () => {
      // GIVEN
      const named = tempDir("empty-mirror");

      // WHEN
      const missing = providerPrerequisite(providerInstallation({ TF_PROVIDER_MIRROR: named }));

      // THEN
      expect(missing).toEqual({
        what: `the filesystem mirror ${named} (TF_PROVIDER_MIRROR) has no hashicorp/aws 5.100.0 for ${PLATFORMS}`,
        fix:
          `on a machine with registry access, run \`terraform providers mirror ${MIRROR_FLAGS} ${named}\` in a ` +
          "directory whose configuration requires hashicorp/aws 5.100.0 (and copy it here); " +
          "or unset TF_PROVIDER_MIRROR to let Terraform download it from the registry",
      });
    });
  });

  describe("in registry mode", () => {
    it("misses nothing before the download is tried", () => {
      expect(providerPrerequisite(registryMode())).toBeUndefined();
    });

    it("says that Terraform downloads the provider once, where to, and why there is no mirror", () => {
      // GIVEN
      const installation = registryMode();

      // THEN
      expect(describeProviderInstallation(installation)).toBe(
        `hashicorp/aws 5.100.0 from registry.terraform.io, downloaded once into ${installation.dir} ` +
          `(no filesystem mirror: TF_PROVIDER_MIRROR is not set and ${installation.defaultMirror} ` +
          `has no hashicorp/aws 5.100.0 for ${PLATFORMS})`,
      );
    });

    it("says when an earlier run has downloaded it", () => {
      const installation = registryMode(providerMirror("unpacked"));
      expect(describeProviderInstallation(installation)).toMatch(
        /^hashicorp\/aws 5\.100\.0 from registry\.terraform\.io, already downloaded into /,
      );
    });

    it("without network, reports Terraform's reason on one line and both ways out", () => {
      // GIVEN
      const installation = registryMode();

      // WHEN
      const missing = providerDownloadFailed(installation, new ProviderDownloadError(OFFLINE_INIT).message);

      // THEN
      expect(missing).toEqual({
        what:
          "Terraform could not download hashicorp/aws 5.100.0 from registry.terraform.io (no filesystem mirror: " +
          `TF_PROVIDER_MIRROR is not set and ${installation.defaultMirror} has no hashicorp/aws 5.100.0 for ${PLATFORMS}): ` +
          "Failed to query available provider packages: Could not retrieve the list of available versions for " +
          "provider hashicorp/aws: could not connect to registry.terraform.io: failed to request discovery document: " +
          'Get "https://registry.terraform.io/.well-known/terraform.json": dial tcp: lookup registry.terraform.io ' +
          "on 10.255.255.53:53: no such host",
        fix:
          "connect to the internet (Terraform honours HTTPS_PROXY) and run again; or give it a filesystem mirror: " +
          `on a machine with registry access, run \`terraform providers mirror ${MIRROR_FLAGS} DIR\` in a directory ` +
          "whose configuration requires hashicorp/aws 5.100.0, copy DIR here and set TF_PROVIDER_MIRROR=DIR",
      });
    });
  });
});

describe("terraformError", () => {
  it("falls back to the last five lines when Terraform printed no error block", () => {
    expect(terraformError("a\nb\nc\nd\ne\nf\nkilled\n")).toBe("c d e f killed");
  });
});
