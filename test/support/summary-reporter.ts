import type { Reporter, TestCase, TestModule } from 'vitest/node';

/**
 * Prints a plain `N passed, N failed, N skipped` closing line, which CI reads
 * (vitest's own summary is not a format CI understands).
 */
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestCaseResult(testCase: TestCase): void {
    const state = testCase.result().state;
    if (state === 'passed') this.passed++;
    else if (state === 'failed') this.failed++;
    else this.skipped++;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    // An error outside any test (a test file that fails to load, an unhandled rejection) is a failure too.
    const moduleErrors = modules.reduce((n, m) => n + m.errors().length, 0);
    const failed = this.failed + errors.length + moduleErrors;
    process.stdout.write(`\n${this.passed} passed, ${failed} failed, ${this.skipped} skipped\n`);
  }
}
