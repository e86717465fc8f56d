import * as fs from "fs";
import * as path from "path";
import { CdkCli, projectCli } from "../../scripts/lib/cdk-cli";
import { tempDir } from "../helpers";
import {
  cliPrerequisite,
  loadInChild,
  nodeMajor,
  PTY_MODULE,
  SDK_NODE_WARNING_OFF,
  sdkNodeNotice,
  SUPPORTED_NODE_MAJORS,
} from "../../scripts/lib/node-support";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";

/** HashiCorp's CLI in this project (after the move to CDK Terrain, no longer installed: only its path matters). */
const CDKTF_CLI: CdkCli = {
  name: "cdktf",
  packageName: "cdktf-cli",
  bin: path.join(PROJECT_ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf"),
};

/** What Node says when a native module was built for another Node (first line as Node 24 prints it). */
const DLOPEN_ERROR =
  "The module '/p/node_modules/@cdktf/node-pty-prebuilt-multiarch/build/Release/pty.node'\n" +
  "was compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 137.";

describe("the check that the cdktf CLI can run Terraform on this Node", () => {
  it("passes for the project's own CLI on the running Node: its pseudo-terminal module loads", () => {
    expect(cliPrerequisite(projectCli(PROJECT_ROOT))).toBeUndefined();
  });

  it("stops with the Node version, the module, Node's reason and what to do when the module does not load", () => {
    // GIVEN
    const refuse = (): string => DLOPEN_ERROR.split("\n")[0];

    // WHEN
    const missing = cliPrerequisite(CDKTF_CLI, refuse, "v24.21.0");

    // THEN
    expect(missing).toEqual({
      what:
        "the cdktf CLI cannot run Terraform on Node.js v24.21.0: its native module @cdktf/node-pty-prebuilt-multiarch " +
        "does not load (The module '/p/node_modules/@cdktf/node-pty-prebuilt-multiarch/build/Release/pty.node')",
      fix:
        "run `npm rebuild @cdktf/node-pty-prebuilt-multiarch` or `npm ci` with the Node.js you run now " +
        "(node_modules was installed with another one); supported: Node.js 20, 22, 24, 26",
    });
  });

  it("reads Node's own reason from a child that fails to load the module, and nothing from one that loads it", () => {
    // GIVEN a file that is no native module, and one that loads
    const broken = path.join(tempDir("pty"), "pty.node");
    fs.writeFileSync(broken, "garbage");

    // THEN
    expect(loadInChild(broken)).toMatch(/pty\.node: (invalid ELF header|file too short)$/);
    expect(loadInChild(require.resolve(PTY_MODULE))).toBeUndefined();
  });

  it("says to install when the module is not there at all", () => {
    // GIVEN a CLI whose directory has no node_modules above it
    const cli: CdkCli = {
      name: "cdktf",
      packageName: "cdktf-cli",
      bin: path.join(path.parse(PROJECT_ROOT).root, "bin", "cdktf"),
    };

    // THEN
    expect(cliPrerequisite(cli)?.what).toBe(
      `${PTY_MODULE}, which the cdktf CLI needs to run Terraform, is not installed`,
    );
  });

  it("does not apply to CDK Terrain's CLI, which runs Terraform without a native module", () => {
    // GIVEN
    const cdktn: CdkCli = { name: "cdktn", packageName: "cdktn-cli", bin: "/nowhere/cdktn" };
    const load = jest.fn();

    // THEN
    expect(cliPrerequisite(cdktn, load)).toBeUndefined();
    expect(load).not.toHaveBeenCalled();
  });
});

describe("the AWS SDK's Node version notice", () => {
  it("is one line on Node 20, and the SDK's own block is turned off for every process started", () => {
    // GIVEN
    const env: NodeJS.ProcessEnv = {};

    // WHEN
    const notice = sdkNodeNotice(env, "v20.20.2");

    // THEN
    expect(notice).toBe(
      "Note: Node.js v20.20.2 works here, but AWS SDK releases after the first week of January 2027 need " +
        "Node.js 22 or later; this project is tested on 22, 24, 26.",
    );
    expect(notice).not.toContain("\n");
    expect(env[SDK_NODE_WARNING_OFF]).toBe("true");
  });

  it("is said once per run: a process started by one that said it (or with the notice off) says nothing", () => {
    // GIVEN the environment a parent process passes on
    const env: NodeJS.ProcessEnv = {};
    sdkNodeNotice(env, "v20.20.2");

    // THEN
    expect(sdkNodeNotice(env, "v20.20.2")).toBeUndefined();
    expect(sdkNodeNotice({ [SDK_NODE_WARNING_OFF]: "true" }, "v20.20.2")).toBeUndefined();
  });

  it.each(["v22.23.5", "v24.22.3", "v26.12.1"])("says nothing on %s, where the SDK has nothing to say", (version) => {
    const env: NodeJS.ProcessEnv = {};
    expect(sdkNodeNotice(env, version)).toBeUndefined();
    expect(env[SDK_NODE_WARNING_OFF]).toBe("true");
  });
});

describe("what the project says it supports", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    engines: { node: string };
    devDependencies: Record<string, string>;
    overrides: Record<string, string>;
  };

  it("engines admits the majors the matrix proves, up to the last one (CDK Terrain's CLI needs 22.19 at least)", () => {
    const [, low, high] = /^>=(\d+)(?:\.\d+\.\d+)? <(\d+)$/.exec(pkg.engines.node) ?? [];
    expect(SUPPORTED_NODE_MAJORS).toContain(Number(low));
    expect(Number(high)).toBe(SUPPORTED_NODE_MAJORS[SUPPORTED_NODE_MAJORS.length - 1] + 1);
  });

  it(".nvmrc names a supported major", () => {
    const nvmrc = fs.readFileSync(path.join(PROJECT_ROOT, ".nvmrc"), "utf8").trim();
    expect(SUPPORTED_NODE_MAJORS).toContain(nodeMajor(`v${nvmrc}.0.0`));
  });

  it("the CLI's pseudo-terminal module is the maintained fork, for the CLI's own copy too (override)", () => {
    expect(pkg.devDependencies[PTY_MODULE]).toBe("npm:@homebridge/node-pty-prebuilt-multiarch@0.14.1");
    expect(pkg.overrides[PTY_MODULE]).toBe(`$${PTY_MODULE}`);
  });
});
