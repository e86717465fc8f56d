import * as fs from "fs";
import * as path from "path";
import { SETTINGS } from "../../config";
import { DECLARATIONS } from "../../config/settings";
import {
  commonSettingsBlock,
  README_SETTINGS_MARKERS,
  settingsReference,
  withSettingsBlock,
} from "../../scripts/lib/settings-docs";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";

const read = (file: string): string => fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8");

/** The first two cells of each row of a Markdown table that starts with a setting's key. */
function keyAndEnvRows(markdown: string): { key: string; env: string }[] {
  return [...markdown.matchAll(/^\| `([a-zA-Z]+)` +\| `([A-Z][A-Z_]+)` /gm)].map(([, key, env]) => ({ key, env }));
}

describe("The settings reference", () => {
  it("docs/settings.md is what `npm run docs:settings` writes from the declarations, every column", () => {
    expect(read("docs/settings.md")).toBe(settingsReference());
  });

  it("README's settings block is what `npm run docs:settings` writes, every column", () => {
    const readme = read("README.md");

    expect(readme).toBe(withSettingsBlock(readme, commonSettingsBlock()));
  });

  it("lists every setting once, with its environment variable, in the order of the declarations", () => {
    expect(keyAndEnvRows(settingsReference())).toEqual(SETTINGS.map(({ key, env }) => ({ key, env })));
  });

  it("shows in README the settings declared common, and only those", () => {
    // GIVEN
    const common = Object.entries(DECLARATIONS)
      .filter(([, setting]) => setting.isCommon)
      .map(([key]) => key);

    // THEN
    expect(keyAndEnvRows(commonSettingsBlock()).map((r) => r.key)).toEqual(common);
    expect(common.length).toBeGreaterThanOrEqual(8);
    expect(common.length).toBeLessThanOrEqual(12);
  });

  it("fails the check when a row is edited by hand", () => {
    // GIVEN README whose block says another default
    const original = read("README.md");
    const blockStart = original.indexOf(README_SETTINGS_MARKERS.begin);
    const readme = original.slice(0, blockStart) + original.slice(blockStart).replace("`t2.micro`", "`t3.micro`");

    // THEN
    expect(readme).not.toBe(withSettingsBlock(readme, commonSettingsBlock()));
  });

  it("replaces only what is between the markers", () => {
    // GIVEN
    const readme = `before\n${README_SETTINGS_MARKERS.begin}\nold\n${README_SETTINGS_MARKERS.end}\nafter\n`;

    // THEN
    expect(withSettingsBlock(readme, "| new |")).toBe(
      `before\n${README_SETTINGS_MARKERS.begin}\n\n| new |\n\n${README_SETTINGS_MARKERS.end}\nafter\n`,
    );
  });

  it("refuses a README without the markers, naming them", () => {
    expect(() => withSettingsBlock("no block here", "| new |")).toThrow(
      'README.md has no "<!-- settings: begin, written by `npm run docs:settings` -->" ... "<!-- settings: end -->" block',
    );
  });
});
