/**
 * The jest environment of `npm run mutate` (stryker.config.mjs), not of `npm test`: once a test
 * of a run fails, the rest of that run's tests are skipped. The unit suite is one test file, so
 * jest's own `bail` (which counts failed files) never stops early; a mutant that a test kills
 * needs no more tests, and a mutant of module-level code runs the whole suite otherwise.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TestEnvironment } = require("jest-environment-node");

class BailOnFirstFailureEnvironment extends TestEnvironment {
  failed = false;

  async handleTestEvent(event, state) {
    if (super.handleTestEvent) await super.handleTestEvent(event, state);
    if (event.name === "test_fn_failure" || event.name === "hook_failure") this.failed = true;
    if (event.name === "test_start" && this.failed) event.test.mode = "skip";
  }
}

module.exports = BailOnFirstFailureEnvironment;
