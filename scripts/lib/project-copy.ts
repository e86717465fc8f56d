/** A fresh copy of the project, as a clean clone has it: what CI and the version matrix test. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * Copies the project at `root` into `to`: its tracked files and the untracked ones git does not
 * ignore, as they are in the working tree, or the tree of commit `ref`. No node_modules, no state.
 */
export function copyProject(root: string, to: string, ref?: string): void {
  fs.mkdirSync(to, { recursive: true });
  if (ref) {
    const archive = spawnSync("sh", ["-c", `git archive "$1" | tar -x -C "$2"`, "sh", ref, to], {
      cwd: root,
      encoding: "utf8",
    });
    if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${archive.stderr}`);
    return;
  }
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "utf8",
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split("\0").filter(Boolean)) {
    const from = path.join(root, file);
    if (!fs.existsSync(from)) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(from, path.join(to, file));
  }
}

/**
 * The environment for commands run in such a copy: this one without what the `npm run` that
 * started this process set (`npm_*`, `NODE`, `INIT_CWD`: they would point npm at this project).
 */
export function copyEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("npm_") && name !== "NODE" && name !== "INIT_CWD") copy[name] = value;
  }
  return copy;
}
