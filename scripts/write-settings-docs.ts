/**
 * `npm run docs:settings`: writes docs/settings.md and README's table of common settings from
 * the settings' declarations (config/settings/). Run it after adding or changing a setting; a
 * unit test fails until then.
 */
import * as fs from "fs";
import * as path from "path";
import { commonSettingsBlock, settingsReference, withSettingsBlock } from "./lib/settings-docs";

const ROOT = path.join(__dirname, "..");
const reference = path.join(ROOT, "docs", "settings.md");
const readme = path.join(ROOT, "README.md");

fs.writeFileSync(reference, settingsReference());
fs.writeFileSync(readme, withSettingsBlock(fs.readFileSync(readme, "utf8"), commonSettingsBlock()));
console.log(`Wrote ${path.relative(ROOT, reference)} and the settings block of ${path.relative(ROOT, readme)}.`);
