/**
 * The stock setup, built at bench time: a copy of the app in a temp dir, its deep provider
 * imports rewritten to root namespace imports, with the configuration `cdktf init --template
 * typescript` writes: `npx ts-node main.ts` with type-checking, jest with the ts-jest preset.
 * `node_modules` is a link to the project's, so both setups run the same packages.
 */
import * as fs from "fs";
import * as path from "path";
import { checkCodemod, readNamespaceIndex, rewriteDeepImports } from "./codemod";

/** What the copy leaves out: installed and generated files, this benchmark, and the files it writes anew. */
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
 * The template's jest config (`preset: "ts-jest"`), selecting the same test files as the
 * project's "unit" project: the template's `**\/__tests__/**\/*.ts` would also take the helpers.
 */
const STOCK_JEST_CONFIG = `module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/e2e/"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
};
`;

/** Builds the stock copy of the project in `dir`, which must not exist yet. */
export function buildStockCopy(projectRoot: string, dir: string): StockCopy {
  const index = readNamespaceIndex(projectRoot);
  checkCodemod(index);
  copyTree(projectRoot, dir, (name) => NOT_COPIED.has(name));
  fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.writeFileSync(path.join(dir, "tsconfig.json"), stockTsconfig(projectRoot));
  fs.writeFileSync(path.join(dir, "cdktf.json"), stockCdktfJson(projectRoot));
  fs.writeFileSync(path.join(dir, "jest.config.js"), STOCK_JEST_CONFIG);
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
