/**
 * The exact checks a quick-profile certify run of the embedded mock reports,
 * with the default clips (short, long, difficult) and every key: a check that
 * vanishes or appears unannounced fails the tests that compare with this list.
 */
export const QUICK_PROFILE_CHECKS: readonly string[] = [
  'auth.challenge', 'auth.decided-first', 'auth.health-open', 'auth.invalid-key', 'auth.isolation', 'auth.key-in-wrong-place', 'auth.missing-key', 'auth.near-miss-keys', 'auth.valid-key',
  'err.envelope', 'err.no-5xx',
  'fuzz.invalid', 'fuzz.model', 'fuzz.normalization', 'fuzz.raw', 'fuzz.rejected-unchanged', 'fuzz.replay', 'fuzz.valid',
  'idem.concurrent', 'idem.errors-not-stored', 'idem.key-reused', 'idem.no-key-restart', 'idem.replay-create', 'idem.replay-start', 'idem.scoped-per-key', 'idem.ttl',
  'life.artifact', 'life.billing', 'life.completes.difficult', 'life.completes.long', 'life.completes.short', 'life.failed', 'life.insufficient-credits',
  'list.newest-first', 'list.pages', 'list.status-filter', 'list.total', 'list.usage-filter', 'list.usage-own-key',
  'obs.echo', 'obs.error-request-id', 'obs.job-ids', 'obs.logs', 'obs.request-id-everywhere', 'obs.request-id-unique', 'obs.request-id-unique-run',
  'rate.burst', 'rate.headers', 'rate.no-side-effect', 'rate.per-key', 'rate.recovers', 'rate.retry-after', 'rate.retry-after-honest',
  'schema.createJob', 'schema.getHealth', 'schema.getJob', 'schema.listJobs', 'schema.listUsageEvents', 'schema.startJob', 'schema.tour',
  'val.combination', 'val.field-rules', 'val.normalized', 'val.pro-needs-prompt', 'val.prompt-needs-pro', 'val.seed-example',
];
