/**
 * Registry mode: the one download of hashicorp/aws into the shared plugin cache.
 *
 * Why one download and then a mirror, rather than `TF_PLUGIN_CACHE_DIR` on every run: the
 * end-to-end test files run in parallel, and Terraform's plugin cache is not safe for
 * concurrent writers; Terraform 1.4+ does not use a cached provider that the working
 * directory's lock file does not list (and every sandbox starts without one), so each would
 * download it again; and cdktf's own `terraform providers lock` never uses the cache. The
 * download happens here, once, under a lock; afterwards every run reads the cache as a
 * filesystem mirror, also offline.
 */
import * as fs from "fs";
import * as path from "path";
import { runCommand } from "./process";
import {
  AWS_PROVIDER_VERSION,
  hasAwsProvider,
  ProviderInstallation,
  terraformPlatform,
  unpackedAwsProvider,
} from "./terraform-cli-config";

const LOCK = ".download.lock";
const POLL_MS = 500;
/** A lock whose holder left no PID this long after taking it was left by a process that died. */
const ORPHAN_LOCK_MS = 60_000;

/** The provider could not be downloaded; the message is Terraform's error. */
export class ProviderDownloadError extends Error {
  constructor(readonly terraformOutput: string) {
    super(terraformError(terraformOutput));
    this.name = "ProviderDownloadError";
  }
}

/** Terraform's error in its output, on one line: its title and the paragraph after it. */
export function terraformError(output: string): string {
  const start = output.indexOf("Error: ");
  if (start < 0) return output.trim().split("\n").slice(-5).join(" ").trim();
  const [title, ...rest] = output
    .slice(start + "Error: ".length)
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, " ").trim());
  return rest.length > 0 ? `${title}: ${rest[0]}` : title;
}

/**
 * In registry mode, makes sure the plugin cache holds hashicorp/aws, downloading it with
 * Terraform if it does not; in mirror mode, does nothing. Processes that call this at the same
 * time download it once: one holds a lock in the cache while the others wait. The provider
 * appears in the cache only complete (renamed into place), so an interrupted download leaves
 * nothing that looks usable. Throws {@link ProviderDownloadError} when Terraform cannot get it.
 */
export async function installProvider(installation: ProviderInstallation): Promise<void> {
  const cache = installation.dir;
  if (installation.mode === "mirror" || hasAwsProvider(cache)) return;
  fs.mkdirSync(cache, { recursive: true });
  const lock = path.join(cache, LOCK);
  for (;;) {
    try {
      fs.mkdirSync(lock);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (orphaned(lock)) fs.rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (hasAwsProvider(cache)) return;
      continue;
    }
    try {
      fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
      if (!hasAwsProvider(cache)) await download(cache);
      return;
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Whether the process that took the lock is gone. */
function orphaned(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
  } catch {
    // Taken a moment ago and the PID not written yet, or its holder died in between.
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > ORPHAN_LOCK_MS;
    } catch {
      return false; // released meanwhile
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Runs terraform in the download's directory; throws with its error on failure. */
async function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const result = await runCommand("terraform", args, { cwd, env, timeoutMs: 30 * 60 * 1000 });
  if (result.code !== 0) throw new ProviderDownloadError(result.output);
}

/** Downloads hashicorp/aws with Terraform into a directory inside the cache, then renames it into place. */
async function download(cache: string): Promise<void> {
  const work = fs.mkdtempSync(path.join(cache, ".download-"));
  try {
    const cliConfig = path.join(work, "terraform.rc");
    // `direct` only: the registry, and not the user's ~/.terraform.d/plugins.
    fs.writeFileSync(cliConfig, "provider_installation {\n  direct {}\n}\n");
    const requirement = { aws: { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION } };
    fs.writeFileSync(
      path.join(work, "main.tf.json"),
      JSON.stringify({ terraform: { required_providers: requirement } }),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_DATA_DIR: path.join(work, ".terraform"),
      TF_PLUGIN_CACHE_DIR: "",
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
    };
    await terraform(["init", "-input=false", "-no-color"], work, env);
    const platform = terraformPlatform();
    const moves: [string, string][] = [];
    if (platform !== "linux_amd64") {
      // cdktf's lock step asks for linux_amd64 on every machine: its package, packed, as
      // `terraform providers mirror` writes it.
      await terraform(["providers", "mirror", "-platform=linux_amd64", "-no-color", "mirror"], work, env);
      const zip = path.join(
        "registry.terraform.io",
        "hashicorp",
        "aws",
        `terraform-provider-aws_${AWS_PROVIDER_VERSION}_linux_amd64.zip`,
      );
      moves.push([path.join(work, "mirror", zip), path.join(cache, zip)]);
    }
    // Without a plugin cache, init unpacks the provider into the data directory, in the
    // cache's own layout. It goes last: hasAwsProvider() looks for it.
    const unpacked = unpackedAwsProvider(platform);
    moves.push([path.join(work, ".terraform", "providers", unpacked), path.join(cache, unpacked)]);
    for (const [from, to] of moves) {
      if (fs.existsSync(to)) continue; // the user's own Terraform cached it already
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(from, to);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
