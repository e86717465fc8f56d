import * as path from "path";
import { ESLint } from "eslint";
import { PROJECT_ROOT } from "../../scripts/lib/project-root";

/** The messages of the project's lint rule on `code` as if it were the file `file`. */
async function layerProblems(file: string, code: string): Promise<string[]> {
  // The project's own config, given directly: ESLint would load the file with a dynamic import, which jest's VM refuses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const overrideConfig = require("../../eslint.config.js");
  const eslint = new ESLint({ cwd: PROJECT_ROOT, overrideConfigFile: true, overrideConfig });
  const [result] = await eslint.lintText(code, { filePath: path.join(PROJECT_ROOT, file) });
  return result.messages.filter((m) => m.ruleId === "layers/imports-go-down").map((m) => m.message);
}

describe("the lint rule that keeps the layers", () => {
  it.each([
    ["stacks/new.ts", "../scripts/lib/process", "the product (stacks) imports nothing from the tooling (scripts/)"],
    [
      "constructs/policy/new.ts",
      "../../__tests__/helpers",
      "the product (constructs) imports nothing from the tooling (__tests__/)",
    ],
    ["main.ts", "./bench/run", "the product (main.ts) imports nothing from the tooling (bench/)"],
    [
      "constructs/new.ts",
      "../stacks/iam-stack",
      "constructs may not import stacks: imports go down the layers main.ts > app.ts > stacks/ > config/ > constructs/",
    ],
    [
      "constructs/new.ts",
      "../config",
      "constructs may not import config: imports go down the layers main.ts > app.ts > stacks/ > config/ > constructs/",
    ],
    [
      "config/new.ts",
      "../app",
      "config may not import app.ts: imports go down the layers main.ts > app.ts > stacks/ > config/ > constructs/",
    ],
    [
      "stacks/new.ts",
      "../app",
      "stacks may not import app.ts: imports go down the layers main.ts > app.ts > stacks/ > config/ > constructs/",
    ],
    [
      "scripts/lib/new.ts",
      "../../bench/lib/measure",
      "scripts/ may not import bench/: scripts/ imports neither bench/ nor __tests__/, bench/ not __tests__/",
    ],
    [
      "scripts/new.ts",
      "../__tests__/helpers",
      "scripts/ may not import __tests__/: scripts/ imports neither bench/ nor __tests__/, bench/ not __tests__/",
    ],
    [
      "bench/new.ts",
      "../__tests__/helpers",
      "bench/ may not import __tests__/: scripts/ imports neither bench/ nor __tests__/, bench/ not __tests__/",
    ],
  ])("refuses in %s an import of %s", async (file, specifier, why) => {
    // WHEN
    const problems = await layerProblems(file, `import { x } from "${specifier}";\nexport const y = x;\n`);

    // THEN
    expect(problems).toEqual([`Import of "${specifier}": ${why}.`]);
  });

  it("sees require() and import() too", async () => {
    const code = `export const a = require("../scripts/lib/process");\nexport const b = import("../bench/run");\n`;
    expect(await layerProblems("stacks/new.ts", code)).toHaveLength(2);
  });

  it.each([
    ["main.ts", "./app"],
    ["app.ts", "./stacks/iam-stack"],
    ["stacks/new.ts", "../config"],
    ["stacks/new.ts", "../constructs/cross-account-role"],
    ["config/new.ts", "../constructs/shared/aws-names"],
    ["constructs/policy/new.ts", "../cross-account-role"],
    ["scripts/new.ts", "../config"],
    ["bench/new.ts", "../scripts/lib/process"],
    ["__tests__/new.spec.ts", "../bench/lib/measure"],
  ])("lets %s import %s", async (file, specifier) => {
    expect(await layerProblems(file, `import { x } from "${specifier}";\nexport const y = x;\n`)).toEqual([]);
  });
});
