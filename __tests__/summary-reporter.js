// Prints one plain closing line, "N passed, N failed", after jest's own summary, so that
// any tool reading the end of the log can tell how many tests ran. At the start it says the
// AWS SDK's Node version notice once (if this Node gets one), which the test processes keep to
// themselves (setup.ts): otherwise every worker and every CLI it starts would print it.
require("ts-node/register");
const { sdkNodeNotice } = require("../scripts/lib/node-support");

class SummaryReporter {
  onRunStart() {
    const notice = sdkNodeNotice();
    if (notice) process.stdout.write(`${notice}\n`);
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed`;
    process.stdout.write(`\njest: ${line}${skipped > 0 ? `, ${skipped} skipped` : ""}\n`);
  }
}

module.exports = SummaryReporter;
