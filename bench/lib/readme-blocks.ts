/**
 * README shows measured figures only between markers that name the command writing them; the
 * commands write them there themselves, so that README's figures are their output, dated:
 *
 *   <!-- NAME: begin, written by `COMMAND` -->  ...  <!-- NAME: end -->
 */
/** One block of README that a command writes. */
export interface ReadmeBlock {
  /** The block's name in its markers, e.g. "scale benchmark". */
  readonly name: string;
  /** The command that writes it, as the user types it. */
  readonly command: string;
}

export const SCALE_BLOCK: ReadmeBlock = { name: "scale benchmark", command: "npm run bench" };
export const PERFORMANCE_BLOCK: ReadmeBlock = { name: "performance", command: "npm run bench" };
export const LOCAL_RUN_BLOCK: ReadmeBlock = { name: "local run summary", command: "npm run bench" };
export const TEST_RUN_BLOCK: ReadmeBlock = { name: "test run", command: "npm run bench -- --full" };
export const MUTATION_BLOCK: ReadmeBlock = { name: "mutation testing", command: "npm run mutate" };

/** Every block README has, for the test that checks README has them all. */
export const README_BLOCKS: readonly ReadmeBlock[] = [
  LOCAL_RUN_BLOCK,
  TEST_RUN_BLOCK,
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

/** What is between a block's markers in `readme`, trimmed; throws when README lacks the markers. */
export function readBlock(readme: string, block: ReadmeBlock): string {
  const { begin, end } = markers(block);
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no "${begin}" ... "${end}" block`);
  return readme.slice(from + begin.length, to).trim();
}
