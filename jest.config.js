// Four projects in two tiers. `npm test`: fast unit tests (no Terraform, no AWS), Terraform
// validity of the synthesized stacks (real Terraform and provider, no AWS), and the tutorial end
// to end against a local AWS emulator. `npm run test:e2e`: every other end-to-end file (drills,
// landing zone, pipeline, several targets, state, CDK Terrain, enforced IAM, the local run).
// The unit project is one test file, __tests__/unit.test.ts, that imports every `*.spec.ts`:
// jest loads cdktf and the provider once instead of once per file (see that file for why).
/** The tutorial's end-to-end test: in `npm test`, the one end-to-end file of the first tier. */
const TUTORIAL = "<rootDir>/__tests__/e2e/tutorial.e2e.test.ts";
const transform = { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022" } }] };

/** @type {import('jest').Config} */
module.exports = {
  reporters: ["default", "<rootDir>/__tests__/summary-reporter.js"],
  // End-to-end files run concurrently, each in a worker of its own: a file spends much of its
  // time waiting (the AWS provider polls an instance's state every few seconds), so on two cores
  // several files overlap well; more than this only adds contention (measured, see CONTRIBUTING.md).
  // Each starts its own emulator on a free port and keeps its state, credentials and output in
  // a temp directory of its own, so no file depends on another or on their order.
  maxWorkers: 5,
  // Jest lists every test when it runs a single test file, which the unit project always is.
  verbose: false,
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      roots: ["<rootDir>/__tests__"],
      testMatch: ["<rootDir>/__tests__/unit.test.ts"],
      transform,
      setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
    },
    {
      displayName: "terraform",
      testEnvironment: "node",
      roots: ["<rootDir>/__tests__"],
      testMatch: ["**/*.terraform.test.ts"],
      transform,
      setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
    },
    {
      displayName: "tutorial",
      testEnvironment: "node",
      roots: ["<rootDir>/__tests__/e2e"],
      testMatch: [TUTORIAL],
      transform,
      setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
      slowTestThreshold: 300,
    },
    {
      displayName: "e2e",
      testEnvironment: "node",
      roots: ["<rootDir>/__tests__/e2e"],
      testMatch: ["**/*.e2e.test.ts"],
      testPathIgnorePatterns: [TUTORIAL],
      transform,
      setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
      slowTestThreshold: 300,
    },
  ],
};
