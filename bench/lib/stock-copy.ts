/**
 * The stock setup, built at bench time: a copy of the app in a temp dir, its deep provider
 * imports rewritten to root namespace imports, with the configuration `cdktf init --template
 * typescript` writes: `npx ts-node main.ts` with type-checking, jest with the ts-jest preset.
 * `node_modules` is a link to the project's, so both setups run the same packages.
 */
import * as fs from "fs";
import * as path from "path";
import { checkCodemod, readNamespaceIndex, rewriteDeepImports } from "./codemod";

/** What the copy leaves out: installed and generated files, this benchmark (but its documents), and the files it writes anew. */
const NOT_COPIED = new Set([
  "node_modules",
  ".git",
  ".gen",
  ".local",
  "cdktf.out",
  "coverage",
  "bench",
  "package-lock.json",
  "cdktf.json",
  "tsconfig.json",
  "jest.config.js",
]);

/** The stock copy of the app. */
export interface StockCopy {
  readonly dir: string;
  /** Source files whose imports the codemod rewrote, relative to the copy. */
  readonly rewritten: readonly string[];
}

function copyTree(from: string, to: string, skip: (name: string) => boolean): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target, () => false);
    else if (entry.isFile()) fs.copyFileSync(source, target);
  }
}

/** The benchmark's Markdown documents, without its code: the documents link to them, and a unit spec checks the links. */
function copyBenchDocuments(projectRoot: string, dir: string): void {
  const bench = path.join(projectRoot, "bench");
  for (const e of fs.readdirSync(bench, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith(".md")) continue;
    const target = path.join(dir, path.relative(projectRoot, path.join(e.parentPath, e.name)));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(e.parentPath, e.name), target);
  }
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((e) => {
    const file = path.join(e.parentPath, e.name);
    return e.isFile() && e.name.endsWith(".ts") && !file.includes(`${path.sep}node_modules${path.sep}`) ? [file] : [];
  });
}

/** The project's tsconfig without its `ts-node` block: ts-node then type-checks, as in a fresh `cdktf init` app. */
function stockTsconfig(projectRoot: string): string {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(projectRoot, "tsconfig.json"), "utf8"));
  delete tsconfig["ts-node"];
  return JSON.stringify(tsconfig, null, 2);
}

function stockCdktfJson(projectRoot: string): string {
  const cdktf = JSON.parse(fs.readFileSync(path.join(projectRoot, "cdktf.json"), "utf8"));
  return JSON.stringify({ ...cdktf, app: "npx ts-node main.ts" }, null, 2);
}

/**
 * The template's jest config (`preset: "ts-jest"`), with the project's unit specs as test files,
 * each its own, as jest runs test files by default: the template's `**\/__tests__/**\/*.ts`
 * would also take the helpers.
 */
const STOCK_JEST_CONFIG = `module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.spec.ts"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
};
`;

/** The template's jest setup: the matchers, and none of the project's speed-ups. */
const STOCK_JEST_SETUP = `import { Testing } from "cdktf";

Testing.setupJest();
`;

const SNAPSHOT_HEADER = "// Jest Snapshot v1, https://jestjs.io/docs/snapshot-testing";
const SNAPSHOT_ENTRY_RE = /^exports\[`((?:[^`\\]|\\.)*)`\] = `(?:[^`\\]|\\.)*`;$/gm;
const TOP_LEVEL_DESCRIBE_RE = /^describe\("((?:[^"\\]|\\.)*)"/gm;

/**
 * Moves the snapshots of the project's one unit test file into one file per spec, where jest
 * looks for them when each spec is a test file of its own: each snapshot goes to the spec whose
 * top-level `describe` starts its name. Stops if a snapshot matches no spec or several.
 */
function splitSnapshots(dir: string): void {
  const tests = path.join(dir, "__tests__");
  const suiteSnapshots = path.join(tests, "__snapshots__", "unit.test.ts.snap");
  const specs = tsFiles(tests)
    .filter((file) => file.endsWith(".spec.ts"))
    .map((file) => ({
      file,
      describes: [...fs.readFileSync(file, "utf8").matchAll(TOP_LEVEL_DESCRIBE_RE)].map((m) => m[1]),
    }));
  const bySpec = new Map<string, string[]>();
  for (const entry of fs.readFileSync(suiteSnapshots, "utf8").matchAll(SNAPSHOT_ENTRY_RE)) {
    const owners = specs.filter((spec) => spec.describes.some((d) => entry[1].startsWith(`${d} `)));
    if (owners.length !== 1) {
      throw new Error(`stock copy: snapshot "${entry[1]}" belongs to ${owners.length} spec files, not one`);
    }
    bySpec.set(owners[0].file, [...(bySpec.get(owners[0].file) ?? []), entry[0]]);
  }
  if (bySpec.size === 0) throw new Error(`stock copy: no snapshots in ${suiteSnapshots}`);
  for (const [spec, entries] of bySpec) {
    const target = path.join(path.dirname(spec), "__snapshots__", `${path.basename(spec)}.snap`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, `${SNAPSHOT_HEADER}\n\n${entries.join("\n\n")}\n`);
  }
  fs.rmSync(suiteSnapshots);
}

/** Builds the stock copy of the project in `dir`, which must not exist yet. */
export function buildStockCopy(projectRoot: string, dir: string): StockCopy {
  const index = readNamespaceIndex(projectRoot);
  checkCodemod(index);
  copyTree(projectRoot, dir, (name) => NOT_COPIED.has(name));
  copyBenchDocuments(projectRoot, dir);
  fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "tsconfig.json"), stockTsconfig(projectRoot));
  fs.writeFileSync(path.join(dir, "cdktf.json"), stockCdktfJson(projectRoot));
  fs.writeFileSync(path.join(dir, "jest.config.js"), STOCK_JEST_CONFIG);
  fs.writeFileSync(path.join(dir, "__tests__", "setup.ts"), STOCK_JEST_SETUP);
  splitSnapshots(dir);
  const rewritten: string[] = [];
  for (const file of tsFiles(dir)) {
    const text = fs.readFileSync(file, "utf8");
    const stock = rewriteDeepImports(path.relative(dir, file), text, index);
    if (stock === text) continue;
    fs.writeFileSync(file, stock);
    rewritten.push(path.relative(dir, file));
  }
  if (rewritten.length === 0) throw new Error("codemod: no file imports the provider by deep path; nothing to compare");
  return { dir, rewritten };
}
