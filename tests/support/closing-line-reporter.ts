/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after
 * vitest's own summary: CI reads that line to tell a run that tested nothing
 * from one that passed. Before it, the ten slowest test files.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      if (mod.state() === 'failed' && [...mod.children.allTests()].length === 0) counts.failed++; // a file that failed to load
    }
    // The ten slowest files, so CI's time budget is watched where it is spent.
    const slowest = [...testModules].map((m) => ({ file: m.moduleId.replace(`${process.cwd()}/`, ''), ms: m.diagnostic().duration })).sort((a, b) => b.ms - a.ms).slice(0, 10);
    if (slowest.length > 1) process.stdout.write(`\nslowest test files:\n${slowest.map((f) => `  ${(f.ms / 1000).toFixed(1).padStart(7)} s  ${f.file}`).join('\n')}\n`);
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
