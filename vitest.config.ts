import { defineConfig } from 'vitest/config';

/**
 * Tests whose proof needs the machine to itself: a flood that must outrun a
 * 500/s bucket (variants), fuzz searches bounded in seconds that must reach
 * the case that shows a fault (faults, finds-faults, fuzz-cli), a load that must pass
 * 50 requests/s for the mock's 5xx fault to show (load/cli: that mock is a child
 * process, its clock cannot be stopped). They run in their own group,
 * one file at a time; every other file then runs two at a time, since most of
 * them wait (on rate limits, jobs, clients, timeouts) far more than they compute.
 */
const ALONE = ['tests/certify/variants.test.ts', 'tests/certify/faults.test.ts', 'tests/fuzz/finds-faults.test.ts', 'tests/certify/fuzz-cli.test.ts', 'tests/load/cli.test.ts'];

export default defineConfig({
  test: {
    // Suites under suites/ run only through `jobcert certify`, against a target.
    exclude: ['node_modules/**', 'suites/**'],
    testTimeout: 30_000,
    // Concurrent tests (the fault table's certify runs, the pact and onboard command tests) four at a time:
    // each run mostly waits (the rate limit, jobs processing), so four keep two cores busy without queueing them.
    maxConcurrency: 4,
    hookTimeout: 60_000,
    pool: 'forks',
    // Compiles the CLI the tests spawn, once (tests/support/compiled-cli.ts).
    globalSetup: ['tests/support/global-setup.ts'],
    reporters: ['default', './tests/support/closing-line-reporter.ts'],
    env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', PACT_DO_NOT_TRACK: 'true' },
    projects: [
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: ['node_modules/**', 'suites/**', ...ALONE], maxWorkers: 2, sequence: { groupOrder: 1 } } },
    ],
  },
});
