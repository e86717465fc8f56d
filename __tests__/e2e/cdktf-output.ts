/**
 * Reading the cdktf CLI's output. cdktf prints each chunk of a stack's Terraform output with the
 * stack's name on the chunk's first line and the lines after it indented; its progress line
 * ("1 Stack destroying ...") may come between two chunks. Where one chunk ends depends on
 * timing: on a busy machine Terraform's "Destroy complete!" may come in the chunk of "No
 * changes." (after an empty line) or in a chunk of its own. Output read from a terminal or a
 * shell mixes in the CLI's standard error, such as a synth warning, wherever it arrives, also
 * between the lines of one chunk.
 */

/**
 * The stacks a cdktf destroy run reported as destroyed, in the order it reported them, with the
 * number of resources each destroyed.
 */
export function destroyedStacks(output: string): [stack: string, count: number][] {
  const done: [string, number][] = [];
  let stack: string | undefined;
  for (const line of output.split("\n")) {
    const named = /^([\w-]+) {2}(.*)$/.exec(line);
    // Only the next stack's name ends a chunk: cdktf indents no line but a chunk's, so an indented
    // line after an empty one, a progress line or a line of standard error is still the chunk's.
    if (named) stack = named[1];
    const complete = /Destroy complete! Resources: (\d+) destroyed\./.exec(named ? named[2] : line);
    if (complete && stack) done.push([stack, Number(complete[1])]);
  }
  return done;
}
