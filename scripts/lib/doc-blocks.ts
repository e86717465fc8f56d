/**
 * The documents show measured figures only between markers that name the command writing them;
 * the commands write them there themselves, so that the figures are their output, dated:
 *
 *   <!-- NAME: begin, written by `COMMAND` -->  ...  <!-- NAME: end -->
 */
import * as fs from "fs";
import * as path from "path";
/** One block of a document that a command writes. */
export interface DocBlock {
  /** The block's name in its markers, e.g. "scale benchmark". */
  readonly name: string;
  /** The command that writes it, as the user types it. */
  readonly command: string;
  /** The document that holds it, relative to the project root. */
  readonly file: "README.md" | "CONTRIBUTING.md";
}

export const LOCAL_RUN_BLOCK: DocBlock = {
  name: "local run summary",
  command: "npm run bench",
  file: "README.md",
};
export const TEST_RUN_BLOCK: DocBlock = { name: "test run", command: "npm run bench -- --tiers", file: "README.md" };
export const NODE_VERSIONS_BLOCK: DocBlock = {
  name: "node versions",
  command: "npm run test:node-versions",
  file: "README.md",
};
export const MUTATION_BLOCK: DocBlock = {
  name: "mutation testing",
  command: "npm run mutate",
  file: "CONTRIBUTING.md",
};
export const PERFORMANCE_BLOCK: DocBlock = {
  name: "performance",
  command: "npm run bench",
  file: "CONTRIBUTING.md",
};
export const SCALE_BLOCK: DocBlock = { name: "scale benchmark", command: "npm run bench", file: "CONTRIBUTING.md" };

/** Every block the documents have, for the test that checks each document has its blocks, once. */
export const DOC_BLOCKS: readonly DocBlock[] = [
  LOCAL_RUN_BLOCK,
  TEST_RUN_BLOCK,
  NODE_VERSIONS_BLOCK,
  MUTATION_BLOCK,
  PERFORMANCE_BLOCK,
  SCALE_BLOCK,
];

/** The two markers of a block. */
export function markers(block: DocBlock): { begin: string; end: string } {
  return {
    begin: `<!-- ${block.name}: begin, written by \`${block.command}\` -->`,
    end: `<!-- ${block.name}: end -->`,
  };
}

/** What is between a block's markers in `document` (the text of `block.file`), trimmed; throws when it lacks the markers. */
export function readBlock(document: string, block: DocBlock): string {
  const { begin, end } = markers(block);
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${block.file} has no "${begin}" ... "${end}" block`);
  return document.slice(from + begin.length, to).trim();
}

/**
 * Replaces what is between a block's markers in its document (`block.file` under `projectRoot`)
 * with `content`, formatted as the project's prettier config says.
 */
export async function writeDocumentBlock(projectRoot: string, block: DocBlock, content: string): Promise<void> {
  const file = path.join(projectRoot, block.file);
  const document = fs.readFileSync(file, "utf8");
  readBlock(document, block);
  const { begin, end } = markers(block);
  const updated = `${document.slice(0, document.indexOf(begin) + begin.length)}\n\n${content}\n\n${document.slice(document.indexOf(end))}`;
  // Loaded here, not at the top: the specs read the blocks, and prettier does not load under jest.
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(updated, { ...options, filepath: file }));
}
