/**
 * What the running Node.js means for this project: whether the cdktf CLI's native module loads
 * on it, and the AWS SDK's notice about Node 20, said once per run instead of once per process.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import type { CdkCli } from "./cdk-cli";
import type { MissingPrerequisite } from "./prerequisites";

/** The Node.js majors the version matrix (`npm run test:node-versions`) proves; `engines` agrees. */
export const SUPPORTED_NODE_MAJORS = [20, 22, 24, 26] as const;

/** The pseudo-terminal module in which the cdktf CLI runs Terraform: native code, built per Node ABI. */
export const PTY_MODULE = "@cdktf/node-pty-prebuilt-multiarch";

/** The first Node.js major whose AWS SDK releases (after early January 2027) the SDK still supports. */
const SDK_NEXT_MIN_MAJOR = 22;

/** The variable with which the AWS SDK for JavaScript v3 keeps its Node version notice to itself. */
export const SDK_NODE_WARNING_OFF = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";

/** The major version of a `process.version` string such as `v24.21.0`. */
export function nodeMajor(version: string = process.version): number {
  return Number(/^v?(\d+)\./.exec(version)?.[1] ?? NaN);
}

/**
 * Loads a native module in a child Node (the same binary), so that a failure can neither crash
 * nor clutter this process (the module's loader prints its own stack before it throws): the
 * first line of the error, or undefined when it loads.
 */
export function loadInChild(modulePath: string): string | undefined {
  const script =
    "console.error = () => {};" +
    `try { require(${JSON.stringify(modulePath)}); } catch (e) {` +
    " process.stdout.write(String(e && e.message).split('\\n')[0]); process.exit(1); }";
  const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  if (child.status === 0) return undefined;
  return child.stdout || `exit ${child.status}${child.signal ? `, ${child.signal}` : ""}`;
}

/**
 * Whether the CLI's pseudo-terminal module loads on the running Node: undefined when it does (or
 * when the CLI has none: CDK Terrain's cdktn runs Terraform without one), else what to do. A module
 * built for another Node fails with ERR_DLOPEN_FAILED deep inside the CLI, after it has started;
 * this says it before anything runs.
 */
export function cliPrerequisite(
  cli: CdkCli,
  load: (modulePath: string) => string | undefined = loadInChild,
  version: string = process.version,
): MissingPrerequisite | undefined {
  if (cli.name !== "cdktf") return undefined;
  let resolved: string;
  try {
    resolved = require.resolve(PTY_MODULE, { paths: [path.dirname(cli.bin)] });
  } catch {
    return {
      what: `${PTY_MODULE}, which the cdktf CLI needs to run Terraform, is not installed`,
      fix: "run `npm ci` in the project",
    };
  }
  const reason = load(resolved);
  if (reason === undefined) return undefined;
  return {
    what: `the cdktf CLI cannot run Terraform on Node.js ${version}: its native module ${PTY_MODULE} does not load (${reason})`,
    fix:
      `run \`npm rebuild ${PTY_MODULE}\` or \`npm ci\` with the Node.js you run now (node_modules was installed with another one); ` +
      `supported: Node.js ${SUPPORTED_NODE_MAJORS.join(", ")}`,
  };
}

/**
 * Turns the AWS SDK's Node version notice off for this process and every process it starts (cdktf,
 * Terraform, the readiness wait), and returns the one line to say instead: undefined where the SDK
 * has nothing to say, and where it is off already (a parent process said the line, or the user
 * turned the notice off). Without this, the SDK prints its eight-line block once in every process.
 */
export function sdkNodeNotice(
  env: NodeJS.ProcessEnv = process.env,
  version: string = process.version,
): string | undefined {
  if (env[SDK_NODE_WARNING_OFF] === "true") return undefined;
  env[SDK_NODE_WARNING_OFF] = "true";
  if (nodeMajor(version) >= SDK_NEXT_MIN_MAJOR) return undefined;
  return (
    `Note: Node.js ${version} works here, but AWS SDK releases after the first week of January 2027 need Node.js ${SDK_NEXT_MIN_MAJOR} or later; ` +
    `this project is tested on ${SUPPORTED_NODE_MAJORS.filter((m) => m >= SDK_NEXT_MIN_MAJOR).join(", ")}.`
  );
}
