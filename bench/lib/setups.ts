/**
 * The two setups the benchmark compares, as the commands a developer runs in each:
 *
 * - this project: `node --require ts-node/register main.ts` (ts-node transpiling with swc, no
 *   type-check), deep provider imports, jest with @swc/jest and the unit specs as one test file;
 * - stock, as `cdktf init --template typescript` sets it up: `npx ts-node main.ts` (type-checking),
 *   root namespace imports, jest with the ts-jest preset and each spec a test file of its own;
 *   built by {@link buildStockCopy}.
 */
import * as fs from "fs";
import * as path from "path";
import { SETTINGS } from "../../config";
import { Command } from "./measure";

/** An app that can be synthesized directly and through the CLI. */
export interface SynthCommands {
  /** The app's own synth, without the CLI, as the CLI would start it. */
  appSynth(outdir: string): Command;
  /** `cdktf synth` end to end. */
  cdktfSynth(outdir: string): Command;
}

/** One of the two setups. */
export interface Setup extends SynthCommands {
  readonly name: "project" | "stock";
  /** Directory of the app: the project itself, or the stock copy. */
  readonly dir: string;
  /** The unit test suite, or only the tests of one stack. */
  unitTests(cacheDir: string, only?: OneStackTests): Command;
}

/**
 * The tests of one stack, as a developer runs them in each setup: this project's unit suite is
 * one jest test file, so by test name (`-t`); stock runs the spec file as a test file of its own.
 */
export interface OneStackTests {
  /** The stack's spec file, relative to the app. */
  readonly file: string;
  /** The name of the spec's outermost `describe`. */
  readonly describe: string;
}

/**
 * The environment of every run: this one without the app's settings (they would change what
 * is synthesized), a fixed state directory (it appears in the synthesized backends), no
 * colours, and no calls to HashiCorp's version checkpoint.
 */
export function benchEnv(stateDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const { env: name } of SETTINGS) delete env[name];
  return { ...env, STATE_DIR: stateDir, FORCE_COLOR: "0", CHECKPOINT_DISABLE: "1" };
}

function appEnv(env: NodeJS.ProcessEnv, outdir: string): NodeJS.ProcessEnv {
  // What cdktf synth sets for the app: the output directory and cdktf.json's context.
  return { ...env, CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: "{}" };
}

function cdktfSynth(dir: string, env: NodeJS.ProcessEnv, outdir: string): Command {
  return { command: "npx", args: ["cdktf", "synth", "--output", outdir], cwd: dir, env };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `npx jest --ci` in `dir` with its own cache directory, and `args`. */
function jest(dir: string, env: NodeJS.ProcessEnv, cacheDir: string, args: readonly string[]): Command {
  return { command: "npx", args: ["jest", "--ci", "--cacheDirectory", cacheDir, ...args], cwd: dir, env };
}

/** This project's setup, in `dir`. */
export function projectSetup(dir: string, env: NodeJS.ProcessEnv): Setup {
  return {
    name: "project",
    dir,
    appSynth: (outdir) => ({
      command: process.execPath,
      args: ["--require", "ts-node/register", "main.ts"],
      cwd: dir,
      env: appEnv(env, outdir),
    }),
    cdktfSynth: (outdir) => cdktfSynth(dir, env, outdir),
    unitTests: (cacheDir, only) =>
      jest(dir, env, cacheDir, [
        "--selectProjects",
        "unit",
        ...(only ? ["--testNamePattern", `^${escapeRegExp(only.describe)} `] : []),
      ]),
  };
}

/** The stock setup, in the stock copy `dir`. */
export function stockSetup(dir: string, env: NodeJS.ProcessEnv): Setup {
  return {
    name: "stock",
    dir,
    appSynth: (outdir) => ({ command: "npx", args: ["ts-node", "main.ts"], cwd: dir, env: appEnv(env, outdir) }),
    cdktfSynth: (outdir) => cdktfSynth(dir, env, outdir),
    // A positional pattern would be taken for a project name: select the file by option.
    unitTests: (cacheDir, only) =>
      jest(dir, env, cacheDir, only ? ["--testPathPatterns", `${escapeRegExp(only.file)}$`] : []),
  };
}

/**
 * An app that only does `new App().synth()`, run through the CLI: what `cdktf synth` costs
 * whatever the app (it runs `terraform version` and more before and after the app).
 */
export function emptyApp(dir: string, projectRoot: string, env: NodeJS.ProcessEnv): SynthCommands {
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "main.js"), 'const { App } = require("cdktf");\nnew App().synth();\n');
  const cdktfJson = { language: "typescript", app: "node main.js", sendCrashReports: "false", context: {} };
  fs.writeFileSync(path.join(dir, "cdktf.json"), JSON.stringify(cdktfJson, null, 2));
  return {
    appSynth: (outdir) => ({ command: process.execPath, args: ["main.js"], cwd: dir, env: appEnv(env, outdir) }),
    cdktfSynth: (outdir) => cdktfSynth(dir, env, outdir),
  };
}
