import { destroyedStacks } from "../e2e/cdktf-output";

/** Terraform's output when a destroy finds nothing, as cdktf prints one chunk of it. */
const NOTHING_TO_DESTROY = [
  "No changes. No objects need to be destroyed.",
  "",
  "Either you have not created any objects yet or the existing objects were",
  "already deleted outside of Terraform.",
];

/** One chunk of a stack's output, as cdktf prints it: the name on the first line, the rest indented. */
const chunk = (stack: string, lines: readonly string[]): string[] =>
  lines.map((l, i) => (i === 0 ? `${stack}  ${l}` : l === "" ? "" : `${" ".repeat(stack.length + 2)}${l}`));

const PROGRESS = "1 Stack destroying     0 Stacks done     0 Stacks waiting";

describe("destroyedStacks", () => {
  it("reads a stack whose 'Destroy complete!' comes in the chunk of 'No changes.', after an empty line", () => {
    const output = [
      PROGRESS,
      ...chunk("ec2-stack", [...NOTHING_TO_DESTROY, "", "Destroy complete! Resources: 0 destroyed."]),
      PROGRESS,
    ].join("\n");

    expect(destroyedStacks(output)).toEqual([["ec2-stack", 0]]);
  });

  it("reads a stack whose 'Destroy complete!' comes in a chunk of its own, after the progress line", () => {
    const output = [
      PROGRESS,
      ...chunk("iam-stack", [...NOTHING_TO_DESTROY, "", ""]),
      PROGRESS,
      ...chunk("iam-stack", ["Destroy complete! Resources: 2 destroyed."]),
    ].join("\n");

    expect(destroyedStacks(output)).toEqual([["iam-stack", 2]]);
  });

  it("keeps the order of the runs, and a chunk across a line of standard error that arrived inside it", () => {
    const output = [
      ...chunk("ec2-stack", ["Destroy complete! Resources: 1 destroyed."]),
      PROGRESS,
      "iam-stack  No changes. No objects need to be destroyed.",
      "WARN [iam-stack/CrossAccountRole/Role]: a policy finding",
      "           Destroy complete! Resources: 0 destroyed.",
    ].join("\n");

    expect(destroyedStacks(output)).toEqual([
      ["ec2-stack", 1],
      ["iam-stack", 0],
    ]);
  });

  it("counts no 'Destroy complete!' before the first stack's chunk", () => {
    const output = [
      "           Destroy complete! Resources: 3 destroyed.",
      ...chunk("ec2-stack", ["Destroy complete! Resources: 0 destroyed."]),
    ].join("\n");

    expect(destroyedStacks(output)).toEqual([["ec2-stack", 0]]);
  });

  it("is empty for a run that destroyed no stack", () => {
    expect(destroyedStacks([PROGRESS, "Error: something failed"].join("\n"))).toEqual([]);
  });
});
