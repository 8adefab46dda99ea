import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Suites under suites/ run only through `jobcert certify`, against a target.
    exclude: ['node_modules/**', 'suites/**'],
    testTimeout: 30_000,
    // Concurrent tests (the fault table's certify runs, the pact and onboard command tests) four at a time:
    // each run mostly waits (the rate limit, jobs processing), so four keep two cores busy without queueing them.
    maxConcurrency: 4,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './tests/support/closing-line-reporter.ts'],
    env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', PACT_DO_NOT_TRACK: 'true' },
  },
});
