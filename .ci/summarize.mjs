// Prints the CI count line from vitest's JSON report: "N passed, N failed, N skipped".
// Set-up steps that failed count as failed tests; a test run that crashed without a report
// counts as one failure, so a broken run can never look green.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, failedSteps = '0', testStatus = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedSteps);
let skipped = 0;
if (reportPath && existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // Suites that failed to load contribute no tests: count each as a failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
} else {
  failed += 1;
}
if (Number(testStatus) !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
