/**
 * README's Performance section shows the scale benchmark's summary between two markers; the
 * benchmark writes it there itself, so that README's figures are the command's output.
 */
import * as fs from "fs";
import * as prettier from "prettier";

const BEGIN = "<!-- scale benchmark: begin, written by `npm run bench` -->";
const END = "<!-- scale benchmark: end -->";

/** Replaces what is between the markers in README with `summary`, formatted as the project's prettier config says. */
export async function writeReadmeSummary(readmeFile: string, summary: string): Promise<void> {
  const readme = fs.readFileSync(readmeFile, "utf8");
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${readmeFile} has no "${BEGIN}" ... "${END}" block to write to`);
  const updated = `${readme.slice(0, begin + BEGIN.length)}\n\n${summary}\n\n${readme.slice(end)}`;
  const options = (await prettier.resolveConfig(readmeFile)) ?? {};
  fs.writeFileSync(readmeFile, await prettier.format(updated, { ...options, filepath: readmeFile }));
}
