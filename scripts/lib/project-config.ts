import * as fs from "fs";
import * as path from "path";
import { AppConfig, loadConfig } from "../../config";
import { PROJECT_ROOT } from "./project-root";

/**
 * The app's settings as `cdktf synth` sees them: the `context` block of cdktf.json, then the
 * environment, validated by {@link loadConfig}. Scripts that act beside the app (bootstrapping
 * the state bucket, guarding a destroy) read the settings here, so that they agree with the app.
 *
 * @throws ConfigError listing every invalid setting.
 */
export function loadProjectConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  projectRoot: string = PROJECT_ROOT,
): AppConfig {
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(projectRoot, "cdktf.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  const context = cdktfJson.context ?? {};
  return loadConfig({ context: (key) => context[key], env, cwd: projectRoot });
}
