/**
 * The rule catalogue of SPEC.md: the provider rules of §2 and the client rules
 * of §4 (CLI-…, graded by `jobcert onboard`), each with its family and level.
 * tests/contracts/rules.test.ts checks this list against ../shared/SPEC.md, so a
 * rule added to the spec cannot be missed by the mock tests or the reports.
 */
/** Families of provider rules (§2), the ones `jobcert certify` checks. */
export const FAMILIES = ['AUTH', 'RATE', 'IDEM', 'OBS', 'ERR', 'VAL', 'LIFE'] as const;
export type Family = (typeof FAMILIES)[number];
/** The family of client rules (§4), the ones `jobcert onboard` grades. */
export const CLIENT_FAMILY = 'CLI';
export type Level = 'must' | 'should';

export interface Rule { id: string; family: Family | typeof CLIENT_FAMILY; level: Level; title: string }

const r = (id: string, level: Level, title: string): Rule => ({ id, family: id.split('-')[0] as Rule['family'], level, title });

export const RULES: readonly Rule[] = [
  r('ERR-1', 'must', 'every non-2xx response is JSON with the error envelope'),
  r('ERR-2', 'must', 'error codes match their statuses'),
  r('ERR-3', 'must', 'no request gets a 5xx; malformed → 400, non-JSON → 415'),
  r('AUTH-1', 'must', 'a valid key gets 2xx on a valid request'),
  r('AUTH-2', 'must', 'missing key → missing_api_key; unknown/empty/malformed → invalid_api_key'),
  r('AUTH-3', 'must', 'authentication is decided first'),
  r('AUTH-4', 'must', "another key's job is 404 like a missing one, and never starts"),
  r('AUTH-5', 'must', '/health needs no key'),
  r('AUTH-6', 'should', '401 carries WWW-Authenticate naming X-Api-Key'),
  r('RATE-1', 'must', 'limits per API key; a burst gets 429 rate_limited'),
  r('RATE-2', 'must', 'every 429 carries a valid Retry-After ≥ 1 s'),
  r('RATE-3', 'must', 'after Retry-After the key recovers'),
  r('RATE-4', 'must', "one key's burst does not throttle another"),
  r('RATE-5', 'must', 'a throttled request has no side effect'),
  r('RATE-6', 'should', 'RateLimit / RateLimit-Policy fields'),
  r('IDEM-1', 'must', 'same key + same request replays with Idempotent-Replayed: true, no new effect'),
  r('IDEM-2', 'must', 'same key + different body or path → 422 idempotency_key_reused'),
  r('IDEM-3', 'must', 'concurrent duplicates have one effect'),
  r('IDEM-4', 'must', 'idempotency keys are scoped per API key'),
  r('IDEM-5', 'must', 'starting a processing/completed job → 409, no charge'),
  r('IDEM-6', 'must', '5xx and 429 are not stored for replay'),
  r('OBS-1', 'must', 'every response carries a unique X-Request-Id'),
  r('OBS-2', 'must', "an error body's request_id equals X-Request-Id"),
  r('OBS-3', 'must', "job responses carry the job id; start's id is the path's; history carries request ids"),
  r('OBS-4', 'must', 'request ids appear in provider logs with the job id'),
  r('OBS-5', 'should', 'a valid client X-Request-Id is echoed'),
  r('VAL-1', 'must', 'section 1 body rules → 400 invalid_request naming error.param'),
  r('VAL-2', 'must', 'text_prompt only with effective model pro'),
  r('VAL-3', 'must', 'pro needs a non-blank text_prompt'),
  r('VAL-4', 'must', 'unsupported combinations → 422 unsupported_combination'),
  r('VAL-5', 'must', 'composition is normalized'),
  r('VAL-6', 'must', 'a rejected start changes nothing'),
  r('LIFE-1', 'must', 'created → processing → completed | failed only'),
  r('LIFE-2', 'must', 'output_url only on completed, error only on failed'),
  r('LIFE-3', 'must', 'a started job reaches a terminal state within the timeout'),
  r('LIFE-4', 'must', 'history records each transition exactly once'),
  r('LIFE-5', 'must', 'too few credits → 402, job stays created'),
  r('LIFE-6', 'should', 'output_url is downloadable with a fitting media type, without the key'),
  r('CLI-1', 'must', 'every /v1 request carries X-Api-Key; a 401 is not retried with the same key'),
  r('CLI-2', 'must', 'a 429 is not retried before its Retry-After'),
  r('CLI-3', 'must', '429, 5xx, timeouts and drops retried with growing jittered delays, bounded; 4xx not retried unchanged'),
  r('CLI-4', 'must', 'a retried POST repeats its body and Idempotency-Key: no second start or charge'),
  r('CLI-5', 'should', 'every create and start carries an Idempotency-Key from its first attempt'),
  r('CLI-6', 'must', 'polling waits ≥ 1 s per job, stops at a terminal state, and gives up in bounded time'),
  r('CLI-7', 'must', 'output_url comes from the completed job and is fetched without the key'),
  r('CLI-8', 'must', '402 and failed jobs end that job with a logged error, not retried as transient'),
  r('CLI-9', 'must', 'the log names the request_id and code of every error ended on, and the id of every failed job'),
  r('CLI-10', 'should', 'the log records job id, model and output format of every started job'),
  r('CLI-11', 'should', 'request bodies are validated before sending: no 400 invalid_request'),
  r('CLI-12', 'should', 'after a 429 no request with that key goes out before Retry-After'),
];

/** The provider rules: what certify may select with --only and --skip. */
export const PROVIDER_RULES: readonly Rule[] = RULES.filter((rule) => rule.family !== CLIENT_FAMILY);
export const CLIENT_RULES: readonly Rule[] = RULES.filter((rule) => rule.family === CLIENT_FAMILY);
export const RULE_IDS: ReadonlySet<string> = new Set(PROVIDER_RULES.map((rule) => rule.id));
export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
