/**
 * README's first command, `npm run local`, as written: it starts its own emulator, runs the
 * tutorial's steps, verifies them through the AWS API, destroys everything and ends with the
 * summary README shows, leaving no process and no files behind.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULTS } from "../../config";
import { EMULATOR_DEFAULT_ACCOUNT } from "../../scripts/lib/accounts";
import { DEFAULT_DESTINATION_ACCOUNT } from "../../scripts/lib/local-cloud";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";
import { CommandResult } from "../../scripts/lib/process";
import { ReadmeSession } from "./readme-session";
import { isAlive, processesMentioning, STEP_TIMEOUT_MS } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

/** The step names of the summary in README's "Try it" section, in order. */
function readmeSummarySteps(): string[] {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
  const summary = readme.slice(readme.indexOf("\nSummary\n"), readme.indexOf("```", readme.indexOf("\nSummary\n")));
  return [...summary.matchAll(/^ +\d+\.\d s {2}(.+)$/gm)].map((m) => m[1]);
}

describe("npm run local, as README gives it", () => {
  let logDir: string;
  let readme: ReadmeSession;
  let run: CommandResult;

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), "local-run-"));
    readme = new ReadmeSession({ env: { ...process.env, FORCE_COLOR: "0" }, logDir });
    run = await readme.run("npm run local");
  });

  afterAll(() => fs.rmSync(logDir, { recursive: true, force: true }));

  it("succeeds, with the summary README shows: the role, the instance in the destination account", () => {
    expect(run.code).toBe(0);
    const out = run.output;
    expect(out).toContain(`  role ARN         arn:aws:iam::${DEFAULT_DESTINATION_ACCOUNT}:role/${DEFAULTS.roleName}\n`);
    expect(out).toMatch(/^ {2}instance id {6}i-[0-9a-f]+$/m);
    expect(out).toContain(
      `  owning account   ${DEFAULT_DESTINATION_ACCOUNT} (ec2-stack's account_id output: ${DEFAULT_DESTINATION_ACCOUNT})\n`,
    );
    expect(out).toContain(`  source account   ${EMULATOR_DEFAULT_ACCOUNT} (cannot see the instance)\n`);
    const timed = [...out.slice(out.indexOf("\nSummary\n")).matchAll(/^ +\d+\.\d s {2}(.+)$/gm)].map((m) => m[1]);
    expect(timed).toEqual(readmeSummarySteps());
    expect(timed).toHaveLength(8);
  });

  it("stops its emulator and removes its files", () => {
    const started = /emulator http:\/\/127\.0\.0\.1:\d+ \(pid (\d+)\), files in (\S+)/.exec(run.output);
    expect(started).not.toBeNull();
    const [, pid, dir] = started!;
    expect(isAlive(Number(pid))).toBe(false);
    expect(fs.existsSync(dir)).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
  });

  it("ran README's command", () => {
    readme.expectAllRun();
  });
});
