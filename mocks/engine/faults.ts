/**
 * Switchable faults: each one breaks one SPEC rule so that a check can prove it
 * catches it. The catalogue is data; the engine asks `faults.has(name)` at the
 * one place the rule is enforced. A fault added here without a detecting check
 * fails the fault-coverage tests.
 */
import type { Family } from '../../contracts/rules.js';

export interface FaultInfo {
  /** The family whose checks must catch it; SCHEMA is response-shape conformance, LIST the list and usage reads (SPEC §1), LOAD the load stage (load/). */
  family: Family | 'SCHEMA' | 'LIST' | 'LOAD';
  rules: string[];
  description: string;
  /**
   * Checks that must end `fail` on this fault, by id: the fault table
   * (tests/certify/faults.test.ts) proves each one with it.
   */
  checks?: readonly string[];
  /**
   * Set when only that family's checks catch it: FUZZ for a bug no example
   * shows (a rare shape, one value past a bound, a rare sequence). The fault
   * still breaks a rule of `family`; certify must fail on it through FUZZ.
   */
  caughtBy?: 'FUZZ';
}

export const FAULTS = {
  'auth-rejects-valid-key': { family: 'AUTH', rules: ['AUTH-1'], checks: ['auth.valid-key'], description: 'a valid key gets 401 on GET /v1/usage/events' },
  'auth-missing-as-invalid': { family: 'AUTH', rules: ['AUTH-2'], checks: ['auth.missing-key'], description: 'a missing key gets invalid_api_key instead of missing_api_key' },
  'auth-accept-any-key': { family: 'AUTH', rules: ['AUTH-2'], checks: ['auth.invalid-key'], description: 'an unknown key is accepted as the primary account' },
  'auth-validate-first': { family: 'AUTH', rules: ['AUTH-3'], checks: ['auth.decided-first'], description: 'routing and body validation run before authentication (400/404 leak to unauthenticated callers)' },
  'auth-cross-key-access': { family: 'AUTH', rules: ['AUTH-4'], checks: ['auth.isolation'], description: "any key can read and start another key's jobs" },
  'auth-health-needs-key': { family: 'AUTH', rules: ['AUTH-5'], checks: ['auth.health-open'], description: '/health answers 401 without a key' },
  'auth-no-challenge': { family: 'AUTH', rules: ['AUTH-6'], checks: ['auth.challenge'], description: '401 responses carry no WWW-Authenticate' },
  'auth-key-case-insensitive': { family: 'AUTH', rules: ['AUTH-2'], checks: ['auth.near-miss-keys'], description: 'keys are compared ignoring letter case' },
  'auth-key-prefix-match': { family: 'AUTH', rules: ['AUTH-2'], checks: ['auth.near-miss-keys'], description: 'a key that starts with a valid key is accepted as it' },
  'auth-key-trimmed': { family: 'AUTH', rules: ['AUTH-2'], checks: ['auth.near-miss-keys'], description: 'X-Api-Key is trimmed of Unicode white space (a trailing no-break space) before the lookup' },
  'auth-key-normalized': { family: 'AUTH', rules: ['AUTH-2'], checks: ['auth.near-miss-keys'], description: 'X-Api-Key is read as UTF-8 and NFKC-normalized before the lookup (a fullwidth twin is accepted)' },
  'auth-bearer-accepted': { family: 'AUTH', rules: ['AUTH-2'], checks: ['auth.key-in-wrong-place'], description: 'without X-Api-Key, a valid key in Authorization: Bearer is accepted' },
  'auth-query-key-accepted': { family: 'AUTH', rules: ['AUTH-2'], checks: ['auth.key-in-wrong-place'], description: 'without X-Api-Key, a valid key in the query (api_key, key, apikey) is accepted' },
  'auth-cookie-key-accepted': { family: 'AUTH', rules: ['AUTH-2'], checks: ['auth.key-in-wrong-place'], description: 'without X-Api-Key, a cookie holding a valid key is accepted' },
  'rate-no-limit': { family: 'RATE', rules: ['RATE-1'], checks: ['rate.burst'], description: 'never answers 429, while RateLimit-Policy still advertises its default limit (60 per 2 s)' },
  'rate-no-retry-after': { family: 'RATE', rules: ['RATE-2'], checks: ['rate.retry-after'], description: '429 responses carry no Retry-After' },
  'rate-no-recovery': { family: 'RATE', rules: ['RATE-3'], checks: ['rate.recovers'], description: 'a throttled key stays throttled for 60 s after each retry, though Retry-After says 1 s' },
  'rate-retry-after-short': { family: 'RATE', rules: ['RATE-3'], checks: ['rate.retry-after-honest'], description: 'Retry-After says 1 s but each throttled request holds the key 4 s: waiting as told meets another 429 (backing off 1–2, 2–4, 4–8 s still recovers)' },
  'rate-shared-bucket': { family: 'RATE', rules: ['RATE-4'], checks: ['rate.per-key'], description: 'one bucket for all keys' },
  'rate-side-effect': { family: 'RATE', rules: ['RATE-5'], checks: ['rate.no-side-effect'], description: 'a throttled start still starts and charges the job' },
  'rate-no-headers': { family: 'RATE', rules: ['RATE-6'], checks: ['rate.headers'], description: 'no RateLimit / RateLimit-Policy fields' },
  'idem-replay-ignored': { family: 'IDEM', rules: ['IDEM-1', 'IDEM-3'], checks: ['idem.replay-start', 'idem.replay-create', 'idem.concurrent'], description: 'Idempotency-Key is ignored: retries run again' },
  'idem-no-replay-header': { family: 'IDEM', rules: ['IDEM-1'], checks: ['idem.replay-start', 'idem.replay-create'], description: 'replays lack Idempotent-Replayed: true' },
  'idem-reuse-replays': { family: 'IDEM', rules: ['IDEM-2'], checks: ['idem.key-reused'], description: 'a reused key with another body replays the first response instead of 422' },
  'idem-global-keys': { family: 'IDEM', rules: ['IDEM-4'], checks: ['idem.scoped-per-key'], description: 'idempotency keys are shared across API keys' },
  'idem-double-charge': { family: 'IDEM', rules: ['IDEM-5'], checks: ['idem.no-key-restart'], description: 'starting a processing or completed job restarts and charges it again' },
  'idem-stores-errors': { family: 'IDEM', rules: ['IDEM-6'], checks: ['idem.errors-not-stored'], description: '429 responses are stored and replayed' },
  'idem-short-ttl': { family: 'IDEM', rules: ['IDEM-1'], checks: ['idem.ttl'], description: 'Idempotency-Keys are forgotten after 150 ms instead of 24 h (engine option faultIdempotencyTtlMs): a retry later in the run acts again' },
  'idem-third-start-double-charge': { family: 'IDEM', rules: ['IDEM-5'], caughtBy: 'FUZZ', checks: ['fuzz.model'], description: 'the third start of a job that failed twice is charged twice the credits' },
  'obs-no-request-id-on-errors': { family: 'OBS', rules: ['OBS-1'], checks: ['obs.request-id-everywhere', 'obs.request-id-unique'], description: 'error responses carry no X-Request-Id' },
  'obs-reused-request-ids': { family: 'OBS', rules: ['OBS-1'], checks: ['obs.request-id-unique', 'obs.request-id-unique-run'], description: 'request ids repeat every 4 requests' },
  'obs-error-id-mismatch': { family: 'OBS', rules: ['OBS-2'], checks: ['obs.error-request-id'], description: "error.request_id differs from X-Request-Id" },
  'obs-start-wrong-id': { family: 'OBS', rules: ['OBS-3'], checks: ['obs.job-ids'], description: "start answers with an id other than the path's job_id" },
  'obs-history-wrong-request-id': { family: 'OBS', rules: ['OBS-3'], checks: ['obs.job-ids'], description: 'history entries carry a request id no request had' },
  'obs-logs-without-job-id': { family: 'OBS', rules: ['OBS-4'], checks: ['obs.logs'], description: 'log lines omit the job id' },
  'obs-no-echo': { family: 'OBS', rules: ['OBS-5'], checks: ['obs.echo'], description: 'a client X-Request-Id is not echoed' },
  'err-500-on-bad-json': { family: 'ERR', rules: ['ERR-3'], checks: ['err.no-5xx'], description: 'malformed JSON gets 500 internal_error' },
  'err-plain-text-errors': { family: 'ERR', rules: ['ERR-1'], checks: ['err.envelope'], description: 'error responses are text/plain' },
  'err-wrong-codes': { family: 'ERR', rules: ['ERR-2'], checks: ['err.envelope'], description: '404 responses use the code job_not_found' },
  'err-500-on-wrong-type': { family: 'ERR', rules: ['ERR-3'], checks: ['err.no-5xx'], description: 'a body field of the wrong JSON type gets 500 internal_error' },
  'err-415-as-400': { family: 'ERR', rules: ['ERR-3'], checks: ['err.no-5xx'], description: 'a non-JSON content type gets 400 instead of 415' },
  'err-500-on-partial-canvas': { family: 'ERR', rules: ['ERR-3'], caughtBy: 'FUZZ', checks: ['fuzz.valid'], description: 'a valid start whose composition.canvas has a width but no height gets 500 internal_error' },
  'val-rejects-canvas': { family: 'VAL', rules: ['VAL-1'], checks: ['val.seed-example'], description: 'a valid composition.canvas is rejected with 400 (over-strict validation)' },
  'val-no-param': { family: 'VAL', rules: ['VAL-1'], checks: ['val.field-rules'], description: '400 responses omit error.param' },
  'val-unknown-fields-accepted': { family: 'VAL', rules: ['VAL-1'], checks: ['val.field-rules'], description: 'unknown body fields are accepted' },
  'val-ranges-unchecked': { family: 'VAL', rules: ['VAL-1'], checks: ['val.field-rules'], description: 'numeric ranges (canvas, scale, offset, preview_duration, colour) are not checked' },
  'val-offset-y-off-by-one': { family: 'VAL', rules: ['VAL-1'], caughtBy: 'FUZZ', checks: ['fuzz.invalid'], description: 'composition.foreground.offset.y accepts -7681 and 7681, one past its bounds' },
  'val-prompt-any-model': { family: 'VAL', rules: ['VAL-2'], checks: ['val.prompt-needs-pro'], description: 'text_prompt is accepted with any model' },
  'val-pro-without-prompt': { family: 'VAL', rules: ['VAL-3'], checks: ['val.pro-needs-prompt'], description: 'pro starts without a prompt' },
  'val-transparent-mp4': { family: 'VAL', rules: ['VAL-4'], checks: ['val.combination'], description: 'transparent + mp4 is accepted' },
  'val-composition-raw': { family: 'VAL', rules: ['VAL-5'], checks: ['val.normalized'], description: 'composition is stored as sent, not normalized' },
  'val-canvas-default-wrong': { family: 'VAL', rules: ['VAL-5'], checks: ['val.normalized'], description: 'an omitted canvas is stored as 1280×720, not the source video\'s 1920×1080 (every spelling alike)' },
  'val-rejected-start-mutates': { family: 'VAL', rules: ['VAL-6'], checks: ['val.prompt-needs-pro', 'val.pro-needs-prompt', 'val.combination'], description: "a start rejected by policy still writes its model and background to the job" },
  'life-skip-processing': { family: 'LIFE', rules: ['LIFE-1'], checks: ['life.completes.short', 'life.completes.long', 'life.completes.difficult', 'life.failed'], description: 'a start jumps created → completed with no processing state' },
  'life-output-url-early': { family: 'LIFE', rules: ['LIFE-2'], checks: ['life.completes.short', 'life.completes.long', 'life.completes.difficult', 'life.failed'], description: 'output_url appears while processing' },
  'life-stuck-processing': { family: 'LIFE', rules: ['LIFE-3'], checks: ['life.completes.short', 'life.completes.long', 'life.completes.difficult'], description: 'started jobs never leave processing' },
  'life-history-duplicates': { family: 'LIFE', rules: ['LIFE-4'], checks: ['life.completes.short', 'life.completes.long', 'life.completes.difficult'], description: 'the terminal transition is recorded twice' },
  'life-no-credit-check': { family: 'LIFE', rules: ['LIFE-5'], checks: ['life.insufficient-credits'], description: 'a key without credits can start jobs' },
  'life-artifact-wrong-type': { family: 'LIFE', rules: ['LIFE-6'], checks: ['life.artifact'], description: 'artifacts are served as application/octet-stream' },
  // SPEC §1 Usage's formula is no rule of §2: these cite none, and life.billing catches them.
  'life-bills-rounded-down': { family: 'LIFE', rules: [], checks: ['life.billing'], description: 'billed seconds are rounded down, not up (a 1.5 s preview bills 1 s)' },
  'life-bills-ignoring-preview': { family: 'LIFE', rules: [], checks: ['life.billing'], description: 'a start is billed for the whole video, whatever its preview_duration' },
  'schema-job-shape': { family: 'SCHEMA', rules: [], checks: ['schema.getJob', 'schema.listJobs', 'schema.tour'], description: 'job responses omit created_at and send credits_charged as a string' },
  'schema-create-shape': { family: 'SCHEMA', rules: [], checks: ['schema.createJob'], description: 'create answers send success as the string "true"' },
  'schema-start-shape': { family: 'SCHEMA', rules: [], checks: ['schema.startJob'], description: 'start answers leave out status' },
  'schema-usage-shape': { family: 'SCHEMA', rules: [], checks: ['schema.listUsageEvents'], description: 'usage events send credits as a string' },
  'schema-health-shape': { family: 'SCHEMA', rules: [], checks: ['schema.getHealth'], description: '/health answers {"status": "OK"} instead of "ok"' },
  // LIST: SPEC §1 List and Usage, which have no rule ID of their own (AUTH-4 where another key's data shows).
  'list-oldest-first': { family: 'LIST', rules: [], checks: ['list.newest-first'], description: 'GET /v1/jobs lists the oldest jobs first' },
  'list-total-ignores-filter': { family: 'LIST', rules: [], checks: ['list.total'], description: 'total counts every job of the key, whatever the status filter' },
  'list-offset-skips': { family: 'LIST', rules: [], checks: ['list.pages'], description: 'a page past the first starts one job late: each page boundary drops a job' },
  'list-status-filter-loose': { family: 'LIST', rules: [], checks: ['list.status-filter'], description: 'the status filter matches any job that was ever in that status (its history), not only those in it now' },
  'usage-filter-ignored': { family: 'LIST', rules: [], checks: ['list.usage-filter'], description: 'GET /v1/usage/events ignores job_id and lists every event of the key' },
  'usage-other-keys': { family: 'LIST', rules: ['AUTH-4'], checks: ['list.usage-own-key'], description: "GET /v1/usage/events lists every key's events, another key's jobs included" },
  'load-latency': { family: 'LOAD', rules: [], description: 'every response is held back N ms (default 1000; engine option faultLatencyMs): latency thresholds fail' },
  'load-5xx-under-load': { family: 'LOAD', rules: ['ERR-3'], description: 'above 50 requests/s, one /v1 request in 4 gets 500 internal_error' },
} as const satisfies Record<string, FaultInfo>;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name);
}

/** Parses user-supplied fault names; unknown names are a usage error listing the valid ones. */
export function parseFaults(names: readonly string[]): ReadonlySet<FaultName> {
  const unknown = names.filter((n) => !isFaultName(n));
  if (unknown.length > 0) {
    throw new Error(`unknown fault ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known faults: ${FAULT_NAMES.join(', ')}`);
  }
  return new Set(names as FaultName[]);
}
