import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Suites under suites/ run only through `jobcert certify`, against a target.
    exclude: ['node_modules/**', 'suites/**'],
    testTimeout: 30_000,
    // The fault table spawns certify runs; two at a time fit the 2-core machines here.
    maxConcurrency: 2,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './tests/support/closing-line-reporter.ts'],
    env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', PACT_DO_NOT_TRACK: 'true' },
  },
});
