/**
 * jobcert's programmatic API, `import { certify, resolveOptions } from 'jobcert'`:
 * the runs the CLI makes, from code, with the same options (flags, env and the
 * config file resolved by `resolveOptions`) and the same reports. The mock is
 * `jobcert/mock`, the reference client `jobcert/client`.
 */
export { certify, EXIT } from './certify/run.js';
export { resolveOptions, SELECTABLE_FAMILIES, type CertifyFlags, type CertifyOptions } from './certify/options.js';
export { ConfigFileSchema, SETTINGS } from './certify/settings.js';
export type { CheckResult, Compliance, Status, TransportSummary } from './certify/results.js';
export { writeReports, type ReportPaths } from './certify/reports/write.js';
export type { RateProfile } from '../core/results.js';
export { verifyPacts, type PactVerifyOptions } from '../pact/verify.js';
export { runLoadStage } from '../load/stage.js';
export { VERSION } from './runtime.js';
