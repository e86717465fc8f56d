/**
 * README's table of what each profile needs (step 1 of the tutorial), against what the app does:
 * the readiness wait in iam-stack opens the session ec2-stack opens (external id, source identity,
 * session tags), so the source profile needs for iam-stack every STS action it needs for ec2-stack.
 */
import * as fs from "fs";
import * as path from "path";

const README = path.join(__dirname, "..", "..", "README.md");

/** The cells of the table row whose first cell is `profile`: [profile, iam-stack, ec2-stack]. */
function rowOf(profile: string): string[] {
  const row = fs
    .readFileSync(README, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("|"))
    .map((line) =>
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim()),
    )
    .find((cells) => cells[0] === profile);
  if (row === undefined) throw new Error(`README has no table row for the profile ${profile}`);
  return row;
}

/** The `sts:` actions a cell names. */
const stsActions = (cell: string): string[] => [...new Set(cell.match(/sts:[A-Za-z]+/g) ?? [])].sort();

describe("README's table of profile permissions", () => {
  it("gives the source profile, for iam-stack's readiness wait, every STS action ec2-stack's session needs", () => {
    const [, iamStack, ec2Stack] = rowOf("source");
    expect(stsActions(ec2Stack)).toEqual(["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]);
    expect(stsActions(iamStack)).toEqual(stsActions(ec2Stack));
  });
});
