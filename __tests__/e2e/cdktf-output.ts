/**
 * Reading the cdktf CLI's output. cdktf prints each chunk of a stack's Terraform output with the
 * stack's name on the chunk's first line and the lines after it indented; its progress line
 * ("1 Stack destroying ...") may come between two chunks. Where one chunk ends depends on
 * timing: on a busy machine Terraform's "Destroy complete!" may come in the chunk of "No
 * changes." (after an empty line) or in a chunk of its own.
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
    if (named) stack = named[1];
    // An empty line stays in its chunk; any other line that is not indented ends it.
    else if (line !== "" && !/^\s/.test(line)) stack = undefined;
    const complete = /Destroy complete! Resources: (\d+) destroyed\./.exec(named ? named[2] : line);
    if (complete && stack) done.push([stack, Number(complete[1])]);
  }
  return done;
}
