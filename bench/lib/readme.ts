/** Writes a block of a document that a command measured (the blocks and their documents: readme-blocks.ts). */
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import { markers, readBlock, ReadmeBlock } from "./readme-blocks";

/**
 * Replaces what is between a block's markers in its document (`block.file` under `projectRoot`)
 * with `content`, formatted as the project's prettier config says.
 */
export async function writeDocumentBlock(projectRoot: string, block: ReadmeBlock, content: string): Promise<void> {
  const file = path.join(projectRoot, block.file);
  const document = fs.readFileSync(file, "utf8");
  readBlock(document, block);
  const { begin, end } = markers(block);
  const updated = `${document.slice(0, document.indexOf(begin) + begin.length)}\n\n${content}\n\n${document.slice(document.indexOf(end))}`;
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(updated, { ...options, filepath: file }));
}
