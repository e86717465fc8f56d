import { failureReason, matrixPassed, MatrixRow, newestOfEachMajor, renderMatrix } from "../../scripts/lib/node-matrix";

const pass = (seconds: number) => ({ passed: true, seconds });

describe("the Node.js version matrix", () => {
  it("tests the newest release of each major, ignoring pre-releases and other majors", () => {
    // GIVEN the registry's list, out of order
    const versions = ["24.9.0", "22.23.5", "24.22.3", "24.10.1", "26.0.0-rc.1", "26.12.1", "26.2.0", "25.9.0"];

    // THEN
    expect(newestOfEachMajor(versions, [22, 24, 26])).toEqual(["22.23.5", "24.22.3", "26.12.1"]);
  });

  it("refuses a major the registry does not have", () => {
    expect(() => newestOfEachMajor(["24.1.0"], [28])).toThrow("the registry has no release of Node.js 28");
  });

  it("passes only when every step of every version passed", () => {
    // GIVEN
    const good: MatrixRow = {
      version: "24.22.3",
      steps: { "npm ci": pass(30), unit: pass(9), tutorial: pass(55) },
      seconds: 95,
    };
    const failed: MatrixRow = {
      version: "26.12.1",
      steps: { "npm ci": pass(30), unit: pass(9), tutorial: { passed: false, seconds: 4, reason: "Error: x" } },
      seconds: 44,
    };
    const stopped: MatrixRow = { version: "22.23.5", steps: { "npm ci": pass(30) }, seconds: 30 };

    // THEN
    expect(matrixPassed([good])).toBe(true);
    expect(matrixPassed([good, failed])).toBe(false);
    expect(matrixPassed([good, stopped])).toBe(false);
    expect(matrixPassed([])).toBe(false);
  });

  it("renders one row per version, the steps that did not run, and each failure's reason", () => {
    // GIVEN
    const rows: MatrixRow[] = [
      { version: "22.23.5", steps: { "npm ci": pass(31.94), unit: pass(8.5), tutorial: pass(55.04) }, seconds: 96.4 },
      {
        version: "24.22.3",
        steps: {
          "npm ci": pass(30),
          unit: pass(9),
          tutorial: { passed: false, seconds: 3.2, reason: "code: 'ERR_DLOPEN_FAILED'" },
        },
        seconds: 42,
      },
      { version: "26.12.1", steps: { "npm ci": { passed: false, seconds: 1, reason: "npm error x" } }, seconds: 1 },
    ];

    // THEN
    expect(renderMatrix(rows)).toBe(
      [
        "| Node.js  | npm ci        | unit         | tutorial      | time |",
        "| -------- | ------------- | ------------ | ------------- | ---- |",
        "| v22.23.5 | pass (31.9 s) | pass (8.5 s) | pass (55.0 s) | 96 s |",
        "| v24.22.3 | pass (30.0 s) | pass (9.0 s) | FAIL (3.2 s)  | 42 s |",
        "| v26.12.1 | FAIL (1.0 s)  | not run      | not run       | 1 s  |",
        "",
        "- v24.22.3, tutorial: code: 'ERR_DLOPEN_FAILED'",
        "- v26.12.1, npm ci: npm error x",
      ].join("\n"),
    );
  });

  it("takes a failure's reason from the most telling line, else the last line", () => {
    expect(failureReason("  ▶ step\n\nFAILED: cdktf deploy iam-stack exited 1\nLogs were in /tmp/x.\n")).toBe(
      "FAILED: cdktf deploy iam-stack exited 1",
    );
    expect(
      failureReason("FAILED: deploy\n/p/x.js:6\nError: The module 'pty.node'\n  code: 'ERR_DLOPEN_FAILED'\n"),
    ).toBe("Error: The module 'pty.node'");
    expect(failureReason("AWS provider: x\nMissing prerequisites:\n  - the cdktf CLI cannot run\n    fix: y\n")).toBe(
      "- the cdktf CLI cannot run",
    );
    expect(failureReason("a\n  code: 'ERR_DLOPEN_FAILED'\n}\n")).toBe("code: 'ERR_DLOPEN_FAILED'");
    expect(failureReason("first\nlast one\n\n")).toBe("last one");
    expect(failureReason("")).toBe("(no output)");
    expect(failureReason(`Error: ${"x".repeat(200)}`)).toHaveLength(160);
  });
});
