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
import { NODE_VERSIONS_BLOCK, writeDocumentBlock } from "./lib/doc-blocks";
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
import { copyEnv, copyProject } from "./lib/project-copy";
import { PROJECT_ROOT } from "./lib/project-root";

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

/** The environment of a step: that Node first on PATH, nothing of the npm run that started this. */
function stepEnv(nodeBin: string): NodeJS.ProcessEnv {
  return { ...copyEnv(), PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`, FORCE_COLOR: "0" };
}

async function runVersion(version: string, ref: string | undefined, tmp: string): Promise<MatrixRow> {
  const started = Date.now();
  const nodeBin = await installNode(version);
  const project = path.join(tmp, `node-${version}`);
  copyProject(PROJECT_ROOT, project, ref);
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
    await writeDocumentBlock(PROJECT_ROOT, NODE_VERSIONS_BLOCK, `${table}\n\n${measured}`);
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
