/**
 * The documents' commands in an end-to-end test, as a user types them into one shell: each command's
 * text is taken from the document when the test runs (README.md, CONTRIBUTING.md or docs/*.md), it runs through
 * `sh -c` in the project, and the variables it exports carry over to the next command.
 *
 * A test may run only the commands that E2E_RUNS (__tests__/tooling/readme-commands.ts) lists for its
 * file, in that order, and {@link ReadmeSession.expectAllRun} fails it unless it ran them all:
 * the list that readme.spec.ts checks against the documents is what the test runs.
 */
import * as fs from "fs";
import * as path from "path";
import { LocalCloud } from "../../scripts/lib/local-cloud";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";
import { CommandResult, expectCommandOk, runCommand } from "../../scripts/lib/process";
import { documentCommands, DocumentCommand, E2E_RUNS } from "../tooling/readme-commands";

/** Variables the shell sets for itself: not the user's exports. */
const SHELL_OWN = new Set(["PWD", "OLDPWD", "SHLVL", "_"]);

/** Where and how a session's commands run. */
export interface ReadmeSessionOptions {
  /** The project the commands run in; its documents are the ones read. @default this project */
  readonly projectRoot?: string;
  /** The shell's environment at the start. */
  readonly env: NodeJS.ProcessEnv;
  /** Directory of the session's log (every command and its output) and its own files. */
  readonly logDir: string;
}

/** Options of one command's run. */
export interface ReadmeRunOptions {
  /** @default the project root */
  readonly cwd?: string;
  /** Variables for this command only. */
  readonly env?: Readonly<Record<string, string>>;
  /** @default 10 minutes */
  readonly timeoutMs?: number;
}

/** Runs this test file's README commands, in order (see the module). */
export class ReadmeSession {
  /** The test file, as E2E_RUNS names it. */
  readonly testFile: string;
  private readonly list: readonly string[];
  private readonly commands: readonly DocumentCommand[];
  private readonly projectRoot: string;
  private readonly logDir: string;
  private env: NodeJS.ProcessEnv;
  private ran = 0;
  /** Index in `commands` of the last command run. */
  private at = -1;

  constructor(options: ReadmeSessionOptions) {
    this.testFile = path.basename(expect.getState().testPath ?? "");
    const list = E2E_RUNS[this.testFile];
    if (!list) throw new Error(`E2E_RUNS in __tests__/tooling/readme-commands.ts has no list for ${this.testFile}`);
    this.list = list;
    this.projectRoot = options.projectRoot ?? PROJECT_ROOT;
    this.commands = documentCommands(this.projectRoot);
    this.env = { ...options.env };
    this.logDir = options.logDir;
  }

  /**
   * Runs the next command of this test's list, which must be `command`, as the documents give it.
   * Resolves with how it ended; a command that fails does not throw (see {@link runOk}).
   */
  async run(command: string, options: ReadmeRunOptions = {}): Promise<CommandResult> {
    const expected = this.list[this.ran];
    if (command !== expected) {
      throw new Error(
        `${this.testFile} must run its README commands in the order of E2E_RUNS: next is ` +
          `${expected === undefined ? "none" : `\`${expected}\``}, not \`${command}\``,
      );
    }
    // The same text may stand in several places: the first one after the previous command's.
    const at = (from: number): number => this.commands.findIndex((c, i) => i > from && c.command === command);
    const index = at(this.at) >= 0 ? at(this.at) : at(-1);
    if (index < 0)
      throw new Error(`no shell block of README.md, CONTRIBUTING.md or docs/*.md has \`${command}\` any more`);
    const written = this.commands[index];
    this.at = index;
    this.ran++;

    const envFile = path.join(this.logDir, "readme-session.env");
    fs.rmSync(envFile, { force: true });
    const script = `${written.command}\n__status=$?\nenv -0 > '${envFile}'\nexit $__status\n`;
    const env = { ...this.env, ...options.env };
    const result = await runCommand("sh", ["-c", script], {
      cwd: options.cwd ?? this.projectRoot,
      env,
      timeoutMs: options.timeoutMs ?? 10 * 60 * 1000,
      // A group of its own, so that a timeout stops npm, the CLI and Terraform together.
      detached: true,
    });
    this.keepExports(env, envFile);
    fs.appendFileSync(
      path.join(this.logDir, "readme-commands.log"),
      `$ ${written.command}    (${written.file}:${written.line})\n${result.output}\n` +
        `(exit ${result.code ?? result.signal}, ${result.elapsedMs} ms)\n`,
    );
    return result;
  }

  /** Like {@link run}, but throws with the end of the output when the command fails. */
  async runOk(command: string, options: ReadmeRunOptions = {}): Promise<CommandResult> {
    return expectCommandOk(`\`${command}\``, await this.run(command, options));
  }

  /** The variables a command changed become the shell's for the next command. */
  private keepExports(before: NodeJS.ProcessEnv, envFile: string): void {
    if (!fs.existsSync(envFile)) return;
    for (const entry of fs.readFileSync(envFile, "utf8").split("\0")) {
      const eq = entry.indexOf("=");
      if (eq <= 0) continue;
      const [name, value] = [entry.slice(0, eq), entry.slice(eq + 1)];
      if (!SHELL_OWN.has(name) && before[name] !== value) this.env[name] = value;
    }
  }

  /** Fails unless the test ran every command of its list. Call it in the file's last test. */
  expectAllRun(): void {
    const missing = this.list.slice(this.ran);
    if (missing.length > 0) {
      throw new Error(
        `${this.testFile} ran ${this.ran} of the ${this.list.length} README commands E2E_RUNS lists for it; ` +
          `not run: ${missing.map((c) => `\`${c}\``).join(", ")}`,
      );
    }
  }
}

/**
 * The environment of README commands in a sandbox: the sandbox's own (profiles `source` and
 * `destination`, the emulator's endpoint through AWS_ENDPOINT_URL, the offline provider mirror),
 * plus what the user does by hand. The user approves each plan at cdktf's prompt; here cdktf reads
 * it from CDKTF_AUTO_APPROVE (cdktf takes every option from a `CDKTF_` variable too). Its output
 * goes to the sandbox's directory (CDKTF_OUTPUT), not to the project's cdktf.out.
 */
export function sandboxSession(cloud: LocalCloud, env: Readonly<Record<string, string>> = {}): ReadmeSession {
  return new ReadmeSession({
    env: cloud.env({ CDKTF_AUTO_APPROVE: "true", CDKTF_OUTPUT: cloud.outDir, ...env }),
    logDir: cloud.logDir,
  });
}
