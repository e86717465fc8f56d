/**
 * Which CDK CLI the project is installed with: HashiCorp's `cdktf-cli` (the default), or CDK
 * Terrain's `cdktn-cli` after the migration that docs/cdk-terrain.md describes. The
 * wrappers and the local sandbox run whichever package.json lists, so they work on both.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./project-root";

/** The CLI packages this project can run, by the name of their command. */
const CLI_PACKAGES = { cdktn: "cdktn-cli", cdktf: "cdktf-cli" } as const;

/** A CDK CLI of the project. */
export interface CdkCli {
  /** The command: `cdktf` or `cdktn`. */
  readonly name: keyof typeof CLI_PACKAGES;
  /** The npm package that provides it. */
  readonly packageName: string;
  /** The script node runs (the package's `bin` entry). */
  readonly bin: string;
}

/**
 * The CLI that the project's package.json lists (cdktn-cli wins if both are there: the migration
 * replaces cdktf-cli). Throws, naming the file, when it lists neither or the package is not installed.
 */
export function projectCli(projectRoot: string = PROJECT_ROOT): CdkCli {
  const manifest = path.join(projectRoot, "package.json");
  const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const listed = { ...pkg.dependencies, ...pkg.devDependencies };
  for (const [name, packageName] of Object.entries(CLI_PACKAGES) as [CdkCli["name"], string][]) {
    if (!(packageName in listed)) continue;
    const installed = path.join(projectRoot, "node_modules", packageName, "package.json");
    if (!fs.existsSync(installed))
      throw new Error(`${packageName} is listed in ${manifest} but not installed: run npm install`);
    const bin = (JSON.parse(fs.readFileSync(installed, "utf8")) as { bin: Record<string, string> }).bin[name];
    return { name, packageName, bin: path.join(path.dirname(installed), bin) };
  }
  throw new Error(`${manifest} lists neither cdktf-cli nor cdktn-cli in its dependencies`);
}
