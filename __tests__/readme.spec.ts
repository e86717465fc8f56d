import * as fs from "fs";
import * as path from "path";
import { SETTINGS } from "../config";

const ROOT = path.join(__dirname, "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;

/** Rows of README's settings table: the first two cells of each row. */
function settingsTableRows(): { key: string; env: string }[] {
  const row = /^\|\s*`([a-zA-Z]+)`\s*\|\s*`([A-Z][A-Z_]+)`/;
  return readme
    .split("\n")
    .map((line) => row.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, key, env]) => ({ key, env }));
}

describe("README", () => {
  it("documents every setting with its environment variable, in the order of config.ts", () => {
    expect(settingsTableRows()).toEqual(SETTINGS.map(({ key, env }) => ({ key, env })));
  });

  it("names only npm scripts that exist", () => {
    const named = [...readme.matchAll(/npm run ([a-z][\w:-]*)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const name of new Set(named)) expect(Object.keys(scripts)).toContain(name);
  });

  it("gives `npm test` as the test command, and it runs lint, format check, type-check and jest in CI mode", () => {
    expect(readme).toContain("npm test ");
    expect(scripts.test).toContain("npm run lint");
    expect(scripts.lint).toMatch(/^eslint /);
    expect(scripts.test).toContain("npm run format:check");
    expect(scripts["format:check"]).toMatch(/^prettier --check /);
    expect(scripts.test).toContain("npm run typecheck");
    expect(scripts.typecheck).toBe("tsc --noEmit");
    expect(scripts.test).toMatch(/jest --ci/);
  });

  it("links only documents that exist", () => {
    const links = [...readme.matchAll(/\]\(((?:docs|bench)\/[^)#]+)\)/g)].map((m) => m[1]);
    for (const link of links) expect(fs.existsSync(path.join(ROOT, link))).toBe(true);
  });
});
