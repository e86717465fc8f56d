/** Writes a block of README that a command measured (the blocks: readme-blocks.ts). */
import * as fs from "fs";
import * as prettier from "prettier";
import { markers, readBlock, ReadmeBlock } from "./readme-blocks";

/** Replaces what is between a block's markers in README with `content`, formatted as the project's prettier config says. */
export async function writeReadmeBlock(readmeFile: string, block: ReadmeBlock, content: string): Promise<void> {
  const readme = fs.readFileSync(readmeFile, "utf8");
  readBlock(readme, block);
  const { begin, end } = markers(block);
  const updated = `${readme.slice(0, readme.indexOf(begin) + begin.length)}\n\n${content}\n\n${readme.slice(readme.indexOf(end))}`;
  const options = (await prettier.resolveConfig(readmeFile)) ?? {};
  fs.writeFileSync(readmeFile, await prettier.format(updated, { ...options, filepath: readmeFile }));
}
