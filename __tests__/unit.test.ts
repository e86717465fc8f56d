/**
 * The unit suite: the tests of every construct, stack, policy rule and setting, one spec file
 * each (`*.spec.ts`), run by jest as this one test file.
 *
 * Why one test file: jest gives every test file its own module registry, so every file loads
 * cdktf (about 380 modules) and the provider's modules anew. With one test file per spec that
 * was two thirds of the suite's time and memory (6.5 s and 490 MB for 18 files; 2 s and 200 MB
 * as one; bench/ measures it). The price is that spec files share modules and globals: they
 * must not mock modules or change the environment (lint forbids `jest.mock` and friends).
 *
 * The specs are found, not listed: every `*.spec.ts` under __tests__, in a stable order. A file
 * that declares tests under another name would never run; the test below refuses one.
 *
 * To run the tests of one construct: `npm run test:unit -- -t CrossAccountRole`.
 */
import * as fs from "fs";
import * as path from "path";

/** Every file under __tests__, relative to it, with `/` as separator. */
const files = fs
  .readdirSync(__dirname, { recursive: true, encoding: "utf8" })
  .map((file) => file.split(path.sep).join("/"))
  .sort();

for (const spec of files.filter((file) => file.endsWith(".spec.ts"))) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the specs are found at run time
  require(path.join(__dirname, spec));
}

/** The test files jest runs itself: this one, the Terraform checks and the end-to-end tests (jest.config.js). */
const JEST_FILES = /^(unit\.test\.ts|[^/]+\.terraform\.test\.ts|e2e\/[^/]+\.e2e\.test\.ts)$/;

describe("the unit suite", () => {
  it("leaves no test file behind: every file that declares tests is a spec or one of jest's own test files", () => {
    // GIVEN the TypeScript files that call describe() or it() at their top level
    const declaring = files.filter(
      (file) =>
        file.endsWith(".ts") &&
        /^(describe|it|test)(\.each\([^)]*\))?\(/m.test(fs.readFileSync(path.join(__dirname, file), "utf8")),
    );

    // THEN
    expect(declaring.filter((file) => !file.endsWith(".spec.ts") && !JEST_FILES.test(file))).toEqual([]);
  });
});
