// Mutation testing of the security-relevant code: `npm run mutate` (see CONTRIBUTING.md, "Mutation testing").
// Stryker changes the settings (config/), the constructs and the stacks one small edit at a time and runs the
// unit project's tests that cover each edit; a mutant that no test fails on "survived".
import { createRequire } from "module";

const require = createRequire(import.meta.url);
const unit = require("./jest.config.js").projects.find((project) => project.displayName === "unit");

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "jest",
  // The unit project only: the Terraform and end-to-end projects take minutes per run.
  // A mutant is killed by its first failing test: the environment skips the rest of the run.
  jest: {
    projectType: "custom",
    // Stryker reads jest.config.js and lays this over it: `projects: []` drops its three projects.
    config: {
      projects: [],
      ...unit,
      rootDir: ".",
      testEnvironment: require.resolve("./bench/lib/bail-on-first-failure-environment.cjs"),
    },
    enableFindRelatedTests: false,
  },
  checkers: ["typescript"],
  // The checker type-checks the app's own files only: with the tests, scripts and benchmarks that
  // import config/, every mutant of it made the checker re-check most of the project.
  tsconfigFile: "bench/tsconfig.mutate.json",
  mutate: ["config/**/*.ts", "constructs/**/*.ts", "stacks/**/*.ts"],
  coverageAnalysis: "perTest",
  reporters: ["progress", "clear-text", "json"],
  jsonReporter: { fileName: "bench/results/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  // Later runs re-test only mutants whose code or covering tests changed (--force: all of them).
  incremental: true,
  incrementalFile: "bench/results/stryker-incremental.json",
  concurrency: 3,
  timeoutMS: 20000,
};
