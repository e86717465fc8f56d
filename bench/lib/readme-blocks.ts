/**
 * The documents show measured figures only between markers that name the command writing them;
 * the commands write them there themselves, so that the figures are their output, dated:
 *
 *   <!-- NAME: begin, written by `COMMAND` -->  ...  <!-- NAME: end -->
 */
/** One block of a document that a command writes. */
export interface ReadmeBlock {
  /** The block's name in its markers, e.g. "scale benchmark". */
  readonly name: string;
  /** The command that writes it, as the user types it. */
  readonly command: string;
  /** The document that holds it, relative to the project root. */
  readonly file: "README.md" | "CONTRIBUTING.md";
}

export const LOCAL_RUN_BLOCK: ReadmeBlock = {
  name: "local run summary",
  command: "npm run bench",
  file: "README.md",
};
export const TEST_RUN_BLOCK: ReadmeBlock = { name: "test run", command: "npm run bench -- --full", file: "README.md" };
export const NODE_VERSIONS_BLOCK: ReadmeBlock = {
  name: "node versions",
  command: "npm run test:node-versions",
  file: "README.md",
};
export const MUTATION_BLOCK: ReadmeBlock = {
  name: "mutation testing",
  command: "npm run mutate",
  file: "CONTRIBUTING.md",
};
export const PERFORMANCE_BLOCK: ReadmeBlock = {
  name: "performance",
  command: "npm run bench",
  file: "CONTRIBUTING.md",
};
export const SCALE_BLOCK: ReadmeBlock = { name: "scale benchmark", command: "npm run bench", file: "CONTRIBUTING.md" };

/** Every block the documents have, for the test that checks each document has its blocks, once. */
export const README_BLOCKS: readonly ReadmeBlock[] = [
  LOCAL_RUN_BLOCK,
  TEST_RUN_BLOCK,
  NODE_VERSIONS_BLOCK,
  MUTATION_BLOCK,
  PERFORMANCE_BLOCK,
  SCALE_BLOCK,
];

/** The two markers of a block. */
export function markers(block: ReadmeBlock): { begin: string; end: string } {
  return {
    begin: `<!-- ${block.name}: begin, written by \`${block.command}\` -->`,
    end: `<!-- ${block.name}: end -->`,
  };
}

/** What is between a block's markers in `document` (the text of `block.file`), trimmed; throws when it lacks the markers. */
export function readBlock(document: string, block: ReadmeBlock): string {
  const { begin, end } = markers(block);
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${block.file} has no "${begin}" ... "${end}" block`);
  return document.slice(from + begin.length, to).trim();
}
