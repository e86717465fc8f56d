/**
 * The documents show measured figures only between markers that name the command writing them;
 * the commands write them there themselves, so that the figures are their output, dated:
 *
 *   <!-- NAME: begin, written by `COMMAND` -->  ...  <!-- NAME: end -->
 */
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";

/** The project root, where the documents are. */
const ROOT = path.resolve(__dirname, "..", "..");

/** One block of a document that a command writes. */
export interface DocBlock {
  /** The block's name in its markers, e.g. "scale benchmark". */
  readonly name: string;
  /** The command that writes it, as the user types it. */
  readonly command: string;
  /** The document it is in, relative to the project root: `README.md`, `CONTRIBUTING.md`. */
  readonly file: string;
}

export const NODE_VERSIONS_BLOCK: DocBlock = {
  name: "node versions",
  command: "npm run test:node-versions",
  file: "README.md",
};

/** The two markers of a block. */
export function markers(block: DocBlock): { begin: string; end: string } {
  return {
    begin: `<!-- ${block.name}: begin, written by \`${block.command}\` -->`,
    end: `<!-- ${block.name}: end -->`,
  };
}

/** What is between a block's markers in `text`, trimmed; throws when the document lacks the markers. */
export function readBlock(text: string, block: DocBlock): string {
  const { begin, end } = markers(block);
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${block.file} has no "${begin}" ... "${end}" block`);
  return text.slice(from + begin.length, to).trim();
}

/** Replaces what is between a block's markers with `content`, formatted as the project's prettier config says. */
export async function writeDocBlock(block: DocBlock, content: string, root: string = ROOT): Promise<void> {
  const file = path.join(root, block.file);
  const text = fs.readFileSync(file, "utf8");
  readBlock(text, block);
  const { begin, end } = markers(block);
  const updated = `${text.slice(0, text.indexOf(begin) + begin.length)}\n\n${content}\n\n${text.slice(text.indexOf(end))}`;
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(updated, { ...options, filepath: file }));
}
