/**
 * `npm run test:node-versions`: the project on the Node.js versions users have. For each version,
 * in a fresh copy of the project: `npm ci`, the unit tests, and the tutorial end to end against
 * the emulator (`npm run local`), with that Node first on PATH. Node comes from the npm registry's
 * `node-<platform>-<arch>` package (the release binaries), cached per version. Prints a table and
 * exits 1 if any step failed.
 *
 *   npm run test:node-versions                          22, 24 and 26 (the newest release of each)
 *   npm run test:node-versions -- --versions 24,26.12.1 majors (newest release) or exact versions
 *   npm run test:node-versions -- --ref b5a3555         a commit instead of the working tree
 *
 * The default run, of the working tree, writes its table into README.md.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeDocBlock, NODE_VERSIONS_BLOCK } from "./lib/doc-blocks";
import { describeMachine } from "./lib/machine";
import {
  MATRIX_STEPS,
  MatrixRow,
  StepName,
  StepOutcome,
  failureReason,
  matrixPassed,
  newestOfEachMajor,
  renderMatrix,
} from "./lib/node-matrix";
import { runCommand } from "./lib/process";

const PROJECT_ROOT = path.resolve(__dirname, "..");
const DEFAULT_MAJORS = [22, 24, 26];
const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;
/** Each step's limit: a clean install, the unit suite, one tutorial run, with room for a slow machine. */
const STEP_TIMEOUT_MS = 15 * 60 * 1000;

function usage(): never {
  console.error("usage: npm run test:node-versions [-- --versions 22,24,26] [-- --ref REV]");
  process.exit(2);
}

function parseArgs(args: readonly string[]): { versions: string[]; ref?: string } {
  let versions = DEFAULT_MAJORS.map(String);
  let ref: string | undefined;
  for (let i = 0; i < args.length; i += 2) {
    const value = args[i + 1];
    if (value === undefined) usage();
    if (args[i] === "--versions") versions = value.split(",").filter(Boolean);
    else if (args[i] === "--ref") ref = value;
    else usage();
  }
  if (versions.length === 0 || versions.some((v) => !/^\d+(\.\d+\.\d+)?$/.test(v))) usage();
  return { versions, ref };
}

/** Exact versions: a major becomes its newest release on the registry. */
function resolveVersions(requested: readonly string[]): string[] {
  const majors = requested.filter((v) => !v.includes(".")).map(Number);
  if (majors.length === 0) return [...requested];
  const view = spawnSync("npm", ["view", NODE_PACKAGE, "versions", "--json"], { encoding: "utf8" });
  if (view.status !== 0) throw new Error(`npm view ${NODE_PACKAGE} failed:\n${view.stderr}`);
  const newest = newestOfEachMajor(JSON.parse(view.stdout) as string[], majors);
  return requested.map((v) => (v.includes(".") ? v : newest[majors.indexOf(Number(v))]));
}

/** The bin directory of Node `version`, installed from the registry once into the user's cache. */
async function installNode(version: string): Promise<string> {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const prefix = path.join(cacheHome, "cdktf-cross-account-assume-role", "node", version);
  const bin = path.join(prefix, "node_modules", NODE_PACKAGE, "bin");
  if (fs.existsSync(path.join(bin, "node"))) return bin;
  const args = ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", `${NODE_PACKAGE}@${version}`];
  const install = await runCommand("npm", args, { timeoutMs: STEP_TIMEOUT_MS });
  if (install.code !== 0) throw new Error(`installing ${NODE_PACKAGE}@${version} failed:\n${install.output}`);
  return bin;
}

/** A fresh copy of the project's tracked files: of the working tree, or of commit `ref`. */
function copyProject(to: string, ref: string | undefined): void {
  fs.mkdirSync(to, { recursive: true });
  if (ref) {
    const archive = spawnSync("sh", ["-c", `git archive "$1" | tar -x -C "$2"`, "sh", ref, to], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${archive.stderr}`);
    return;
  }
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    const from = path.join(PROJECT_ROOT, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(from, path.join(to, file));
  }
}

/** The environment of a step: that Node first on PATH, nothing of the npm run that started this. */
function stepEnv(nodeBin: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("npm_") && name !== "NODE" && name !== "INIT_CWD") env[name] = value;
  }
  env.PATH = `${nodeBin}${path.delimiter}${process.env.PATH}`;
  env.FORCE_COLOR = "0";
  return env;
}

async function runVersion(version: string, ref: string | undefined, tmp: string): Promise<MatrixRow> {
  const started = Date.now();
  const nodeBin = await installNode(version);
  const project = path.join(tmp, `node-${version}`);
  copyProject(project, ref);
  const steps: Partial<Record<StepName, StepOutcome>> = {};
  for (const step of MATRIX_STEPS) {
    console.log(`v${version}: ${step.command.join(" ")}`);
    const [command, ...args] = step.command;
    const result = await runCommand(command, args, { cwd: project, env: stepEnv(nodeBin), timeoutMs: STEP_TIMEOUT_MS });
    const passed = result.code === 0;
    const seconds = result.elapsedMs / 1000;
    fs.writeFileSync(path.join(tmp, `node-${version}-${step.name.replace(/\W+/g, "-")}.log`), result.output);
    steps[step.name] = passed ? { passed, seconds } : { passed, seconds, reason: failureReason(result.output) };
    console.log(`v${version}: ${step.name} ${passed ? "passed" : "FAILED"} in ${seconds.toFixed(1)} s`);
    if (!passed) break;
  }
  fs.rmSync(project, { recursive: true, force: true });
  return { version, steps, seconds: (Date.now() - started) / 1000 };
}

async function main(): Promise<number> {
  const { versions: requested, ref } = parseArgs(process.argv.slice(2));
  const versions = resolveVersions(requested);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "node-versions-"));
  const rows: MatrixRow[] = [];
  for (const version of versions) rows.push(await runVersion(version, ref, tmp));
  const table = renderMatrix(rows);
  const machine = describeMachine();
  const what = ref ? `commit ${ref}` : "the working tree";
  console.log(`\n${table}\n\nTested ${what}; logs in ${tmp}.`);
  const isDefaultRun = !ref && requested.join(",") === DEFAULT_MAJORS.join(",");
  if (isDefaultRun) {
    const measured =
      `Measured ${machine.date} on ${machine.cpuCount} CPUs, terraform ${machine.terraform}, ` +
      `each version in a fresh copy of the project (\`npm ci\`, \`npm run test:unit\`, \`npm run local\`).`;
    await writeDocBlock(NODE_VERSIONS_BLOCK, `${table}\n\n${measured}`);
    console.log(`Written to ${NODE_VERSIONS_BLOCK.file}.`);
  }
  const passed = matrixPassed(rows);
  if (passed) fs.rmSync(tmp, { recursive: true, force: true });
  return passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`FAILED: ${(err as Error).message}`);
    process.exit(1);
  },
);
