// Prints one plain closing line, "N passed, N failed", after jest's own summary, so that
// any tool reading the end of the log can tell how many tests ran.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed`;
    process.stdout.write(`\njest: ${line}${skipped > 0 ? `, ${skipped} skipped` : ""}\n`);
  }
}

module.exports = SummaryReporter;
