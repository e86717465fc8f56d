import * as fs from "fs";
import * as path from "path";
import {
  hasAwsProvider,
  pluginCacheDir,
  ProviderInstallation,
  providerInstallation,
  requiredPlatforms,
  terraformEnv,
  terraformPlatform,
  writeTerraformCliConfig,
} from "../../scripts/lib/terraform-cli-config";
import { providerMirror, tempDir } from "../helpers";

const CACHE_HOME = "/home/dev/.cache";
const CACHE = "/home/dev/.cache/cdktf-cross-account-assume-role/terraform-plugins";

describe("terraformPlatform and requiredPlatforms", () => {
  it("name platforms as Terraform does", () => {
    expect(terraformPlatform("linux", "x64")).toBe("linux_amd64");
    expect(terraformPlatform("darwin", "arm64")).toBe("darwin_arm64");
    expect(terraformPlatform("win32", "x64")).toBe("windows_amd64");
    expect(terraformPlatform("linux", "ia32")).toBe("linux_386");
  });

  it("require linux_amd64 on every machine, for cdktf's lock step", () => {
    expect(requiredPlatforms("linux_amd64")).toEqual(["linux_amd64"]);
    expect(requiredPlatforms("darwin_arm64")).toEqual(["darwin_arm64", "linux_amd64"]);
  });
});

describe("hasAwsProvider", () => {
  it("finds the provider unpacked (a plugin cache's layout) or packed (what `terraform providers mirror` writes)", () => {
    expect(hasAwsProvider(providerMirror("unpacked"))).toBe(true);
    expect(hasAwsProvider(providerMirror("packed"))).toBe(true);
  });

  it("needs every required platform", () => {
    // GIVEN a mirror for a Mac only
    const dir = providerMirror("unpacked", ["darwin_arm64"]);

    // THEN
    expect(hasAwsProvider(dir, ["darwin_arm64"])).toBe(true);
    expect(hasAwsProvider(dir, ["darwin_arm64", "linux_amd64"])).toBe(false);
  });

  it("needs version 5.100.0", () => {
    // GIVEN
    const dir = tempDir("other-version");
    fs.mkdirSync(path.join(dir, "registry.terraform.io", "hashicorp", "aws", "5.99.0", "linux_amd64"), {
      recursive: true,
    });

    // THEN
    expect(hasAwsProvider(dir, ["linux_amd64"])).toBe(false);
    expect(hasAwsProvider(tempDir("empty"), ["linux_amd64"])).toBe(false);
  });
});

describe("providerInstallation", () => {
  it("uses the mirror TF_PROVIDER_MIRROR names, whatever it holds (the prerequisite check reports what it lacks)", () => {
    // GIVEN a default mirror that has the provider, and an empty one named
    const named = tempDir("named");

    // WHEN
    const installation = providerInstallation({ TF_PROVIDER_MIRROR: named }, providerMirror("unpacked"));

    // THEN
    expect(installation).toEqual({ mode: "mirror", dir: named, foundBy: "TF_PROVIDER_MIRROR" });
  });

  it("uses the default mirror when it holds the provider, in either layout", () => {
    for (const layout of ["unpacked", "packed"] as const) {
      const defaultMirror = providerMirror(layout);
      expect(providerInstallation({ XDG_CACHE_HOME: CACHE_HOME }, defaultMirror)).toEqual({
        mode: "mirror",
        dir: defaultMirror,
        foundBy: "default path",
      });
    }
  });

  it("uses the registry through the plugin cache when there is no mirror", () => {
    // GIVEN no directory at the default path; TF_PROVIDER_MIRROR empty counts as unset
    const defaultMirror = path.join(tempDir("no-mirror"), "opt", "tf-plugins");

    // WHEN
    const installation = providerInstallation({ TF_PROVIDER_MIRROR: "", XDG_CACHE_HOME: CACHE_HOME }, defaultMirror);

    // THEN
    expect(installation).toEqual({ mode: "registry", dir: CACHE, defaultMirror });
  });

  it("uses the registry when the default mirror lacks a required platform", () => {
    // GIVEN
    const defaultMirror = providerMirror("unpacked", ["freebsd_arm"]);

    // THEN
    expect(providerInstallation({ XDG_CACHE_HOME: CACHE_HOME }, defaultMirror)).toEqual({
      mode: "registry",
      dir: CACHE,
      defaultMirror,
    });
  });
});

describe("pluginCacheDir", () => {
  it("is the user's own TF_PLUGIN_CACHE_DIR if set", () => {
    expect(pluginCacheDir({ TF_PLUGIN_CACHE_DIR: "/var/cache/terraform", XDG_CACHE_HOME: CACHE_HOME })).toBe(
      "/var/cache/terraform",
    );
  });

  it("is under XDG_CACHE_HOME, else under ~/.cache", () => {
    expect(pluginCacheDir({ XDG_CACHE_HOME: CACHE_HOME, HOME: "/elsewhere" })).toBe(CACHE);
    expect(pluginCacheDir({ HOME: "/home/dev" })).toBe(CACHE);
  });
});

describe("writeTerraformCliConfig", () => {
  const MIRROR: ProviderInstallation = { mode: "mirror", dir: "/opt/tf-plugins", foundBy: "default path" };
  const REGISTRY: ProviderInstallation = { mode: "registry", dir: CACHE, defaultMirror: "/opt/tf-plugins" };

  /** The config Terraform gets when it installs HashiCorp's providers from `dir` and nothing else from anywhere. */
  const configReading = (dir: string): string =>
    [
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = "${dir}"`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      "  }",
      "  direct {",
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      "  }",
      "}",
      "",
    ].join("\n");

  it("in mirror mode, reads the providers from the mirror only", () => {
    // WHEN
    const file = writeTerraformCliConfig(tempDir("cli"), MIRROR);

    // THEN
    expect(path.basename(file)).toBe("terraform.rc");
    expect(fs.readFileSync(file, "utf8")).toBe(configReading("/opt/tf-plugins"));
  });

  it("in registry mode, reads the providers from the plugin cache that the one download filled", () => {
    expect(fs.readFileSync(writeTerraformCliConfig(tempDir("cli"), REGISTRY), "utf8")).toBe(configReading(CACHE));
  });

  it("gives cdktf's lock step the same directory, and keeps the user's and cdktf's plugin caches out, in both modes", () => {
    expect(terraformEnv("/run/terraform.rc", MIRROR)).toEqual({
      TF_CLI_CONFIG_FILE: "/run/terraform.rc",
      TF_CLI_ARGS_providers_lock: "-fs-mirror=/opt/tf-plugins",
      TF_PLUGIN_CACHE_DIR: "",
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
    });
    expect(terraformEnv("/run/terraform.rc", REGISTRY)).toEqual({
      TF_CLI_CONFIG_FILE: "/run/terraform.rc",
      TF_CLI_ARGS_providers_lock: `-fs-mirror=${CACHE}`,
      TF_PLUGIN_CACHE_DIR: "",
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: "1",
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
    });
  });
});
