/**
 * CDK Terrain as a supported path. The migration steps of docs/cdk-terrain.md, as written, in a temporary copy of
 * the project; then, there, the unit suite and the tutorial's end-to-end test through the cdktn
 * CLI; and cdktf and cdktn synthesize the same stacks apart from the CDK version they record.
 *
 * The copy starts from this project's installed node_modules (hard links, so it costs little
 * disk and time), as a user's migration starts from an installed project: `npm install` then
 * changes only what moves, from the npm cache where it can. cdktn-cli needs Node 22.19 or later;
 * on an older Node the copy's commands run with Node 22 from the npm package
 * `node-<platform>-<arch>`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectCli } from "../../scripts/lib/cdk-cli";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";
import { runCommand } from "../../scripts/lib/process";
import { ReadmeSession } from "./readme-session";
import { synthesizedStacks } from "./support";

/** Each step may install packages or run a whole end-to-end test. */
jest.setTimeout(15 * 60 * 1000);

/** The Node that runs cdktn-cli 0.24.0 when this one is older than it needs (`engines`: >=22.19.0). */
const NODE_FOR_CDKTN = "22.23.5";
const CDKTN_NEEDS_NODE = [22, 19];

/** What the copy leaves out: installed, generated and local files (node_modules comes as links), and mutation testing's working copies. */
const NOT_COPIED = new Set(["node_modules", ".git", ".gen", ".local", "cdktf.out", "coverage", ".stryker-tmp"]);

/** A directory of this project, without what it installed or generated. */
function copyProject(to: string): void {
  fs.cpSync(PROJECT_ROOT, to, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(PROJECT_ROOT, source);
      return !NOT_COPIED.has(relative.split(path.sep)[0]) && !/\.tfstate/.test(path.basename(source));
    },
  });
}

/**
 * Hard links of this project's node_modules in the copy. npm rewrites one file in place, its
 * record of the tree (.package-lock.json): that one is a copy, so that the project's stays as it is.
 */
function linkNodeModules(to: string): void {
  const from = path.join(PROJECT_ROOT, "node_modules");
  const sameDevice = fs.statSync(from).dev === fs.statSync(path.dirname(to)).dev;
  // Hard links need one file system; otherwise a full copy (slower, same result).
  const cp = spawnSync("cp", [sameDevice ? "-al" : "-a", from, path.join(to, "node_modules")], { encoding: "utf8" });
  if (cp.status !== 0) throw new Error(`copying node_modules failed: ${cp.stderr}`);
  const record = path.join(to, "node_modules", ".package-lock.json");
  if (fs.existsSync(record)) {
    fs.rmSync(record);
    fs.copyFileSync(path.join(from, ".package-lock.json"), record);
  }
}

/** The directory of a Node that runs cdktn-cli: this one's, or Node 22 installed from the npm registry. */
async function nodeForCdktn(dir: string): Promise<string> {
  const [major, minor] = process.versions.node.split(".").map(Number);
  const [needMajor, needMinor] = CDKTN_NEEDS_NODE;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return path.dirname(process.execPath);
  const name = `node-${process.platform}-${process.arch}`;
  const install = await runCommand(
    "npm",
    [
      "install",
      "--prefix",
      dir,
      "--no-save",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      `${name}@${NODE_FOR_CDKTN}`,
    ],
    { timeoutMs: 5 * 60 * 1000 },
  );
  if (install.code !== 0) throw new Error(`installing ${name}@${NODE_FOR_CDKTN} failed:\n${install.output}`);
  return path.join(dir, "node_modules", name, "bin");
}

/** A synthesized stack's JSON without the CDK version it records (`//.metadata.version`). */
function withoutVersion(json: string): { stack: unknown; version: unknown } {
  const stack = JSON.parse(json) as { "//": { metadata: { version?: string } } };
  const { version } = stack["//"].metadata;
  delete stack["//"].metadata.version;
  return { stack, version };
}

/** A package's manifest in a node_modules directory. */
const manifest = (root: string, name: string): { name: string; version: string } =>
  JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8"));

describe("the move to CDK Terrain, as docs/cdk-terrain.md gives it, in a copy of the project", () => {
  let tmp: string;
  let copy: string;
  let env: NodeJS.ProcessEnv;
  let readme: ReadmeSession;
  /** Before the copy: files of this project's node_modules changed after it are written through a link. */
  let marker: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cdk-terrain-"));
    copy = path.join(tmp, "project");
    marker = path.join(tmp, "marker");
    fs.writeFileSync(marker, "");
    copyProject(copy);
    linkNodeModules(copy);
    const nodeBin = await nodeForCdktn(path.join(tmp, "node"));
    env = { ...process.env, PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`, FORCE_COLOR: "0" };
    readme = new ReadmeSession({ projectRoot: copy, env, logDir: tmp });
  });

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("the documented steps replace cdktf and cdktf-cli by cdktn and cdktn-cli; the provider stays, on cdktn", async () => {
    // WHEN
    await readme.runOk("npm pkg delete devDependencies.cdktf-cli");
    await readme.runOk(
      "npm pkg set dependencies.cdktf=npm:cdktn@0.24.0 'overrides.cdktf=$cdktf' dependencies.constructs=10.6.0 devDependencies.cdktn-cli=0.24.0",
    );
    await readme.runOk("npm pkg set scripts.get='cdktn get' scripts.synth='cdktn synth' engines.node='>=22.19.0 <27'");
    await readme.runOk("npm install");

    // THEN the code's `cdktf` is cdktn, also for the prebuilt provider, and the CLI is cdktn's
    expect(manifest(copy, "cdktf")).toMatchObject({ name: "cdktn", version: "0.24.0" });
    expect(manifest(copy, "@cdktf/provider-aws").version).toBe("20.1.0");
    expect(fs.existsSync(path.join(copy, "node_modules", "@cdktf", "provider-aws", "node_modules", "cdktf"))).toBe(
      false,
    );
    expect(manifest(copy, "constructs").version).toBe("10.6.0");
    expect(fs.existsSync(path.join(copy, "node_modules", "cdktf-cli"))).toBe(false);
    expect(projectCli(copy)).toMatchObject({ name: "cdktn", packageName: "cdktn-cli" });
    expect(manifest(copy, "cdktn-cli").version).toBe("0.24.0");
  });

  it("leaves this project's own node_modules untouched", () => {
    // A file npm wrote through a hard link would be newer than the marker in both trees.
    const find = spawnSync(
      "find",
      [path.join(copy, "node_modules"), "-type", "f", "-links", "+1", "-newer", marker, "-print"],
      {
        encoding: "utf8",
      },
    );
    expect(find.status).toBe(0);
    expect(find.stdout).toBe("");
    expect(manifest(PROJECT_ROOT, "cdktf")).toMatchObject({ name: "cdktf", version: "0.21.0" });
  });

  it("the unit suite passes there", async () => {
    const result = await readme.runOk("npm run test:unit", { cwd: copy });

    expect(result.output).toMatch(/^jest: \d+ passed, 0 failed$/m);
  });

  it("cdktn synthesizes the same stacks as cdktf, apart from the CDK version they record", async () => {
    // GIVEN the same settings for both (the state directory is part of the synthesized backend)
    const same = { STATE_DIR: path.join(tmp, "state"), CDKTF_OUTPUT: path.join(tmp, "cdktn.out") };

    // WHEN
    await readme.runOk("npm run synth", { cwd: copy, env: same });
    const cdktfOut = path.join(tmp, "cdktf.out");
    const cdktf = await runCommand("npm", ["run", "synth"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...same, CDKTF_OUTPUT: cdktfOut },
      timeoutMs: 5 * 60 * 1000,
    });
    expect(cdktf.code).toBe(0);

    // THEN
    // iam-stack's role wait runs the project's own script, by its absolute path: the copy's.
    const inProject = (root: string, json: string): string =>
      json.replaceAll(JSON.stringify(root).slice(1, -1), "<project>");
    const byCdktn = Object.fromEntries(
      Object.entries(synthesizedStacks(same.CDKTF_OUTPUT)).map(([s, json]) => [s, inProject(copy, json)]),
    );
    const byCdktf = Object.fromEntries(
      Object.entries(synthesizedStacks(cdktfOut)).map(([s, json]) => [s, inProject(PROJECT_ROOT, json)]),
    );
    expect(byCdktn["iam-stack"]).toContain("<project>/constructs/wait-until-assumable.js");
    expect(Object.keys(byCdktn).sort()).toEqual(["ec2-stack", "iam-stack"]);
    expect(Object.keys(byCdktf).sort()).toEqual(Object.keys(byCdktn).sort());
    for (const name of Object.keys(byCdktn)) {
      const [n, f] = [withoutVersion(byCdktn[name]), withoutVersion(byCdktf[name])];
      expect([n.version, f.version]).toEqual(["0.24.0", "0.21.0"]);
      expect(n.stack).toEqual(f.stack);
    }
  });

  it("the tutorial's end-to-end test passes there, through the cdktn CLI", async () => {
    // GIVEN no cdktf CLI in the copy: every CLI run of the test is cdktn's
    expect(fs.existsSync(path.join(copy, "node_modules", "cdktf-cli"))).toBe(false);

    // WHEN
    const jest = path.join(copy, "node_modules", "jest", "bin", "jest.js");
    const result = await runCommand(
      "node",
      [jest, "--ci", path.join("__tests__", "e2e", "tutorial.e2e.test.ts"), "--selectProjects", "tutorial"],
      { cwd: copy, env, timeoutMs: 14 * 60 * 1000 },
    );

    // THEN
    expect(result.output).toMatch(/^jest: \d+ passed, 0 failed$/m);
    expect(result.output).toContain("Test Suites: 1 passed, 1 total");
    expect(result.code).toBe(0);
  });

  it("ran the documented CDK Terrain steps, in their order", () => {
    readme.expectAllRun();
  });
});
