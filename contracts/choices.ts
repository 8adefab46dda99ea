/**
 * The choices SPEC leaves to a provider: one row per choice, with the SPEC
 * sentence that allows it, the outcomes a conformant provider may pick, and
 * the mock's legal variations that take each side. The oracles predict the
 * whole set (never the mock's one reading), the mock takes one side and a
 * variation each other side, and tests/contracts/choices.test.ts holds this
 * table to SPEC's wording (every "may", "either", "the provider's" … sentence
 * has a row or is listed below as no choice, with why) and to the mock (every
 * variant named exists, every side has one, every variant has a row).
 *
 * Variant names are strings here, not imports: contracts/ sits below mocks/.
 */

export interface Side {
  /** What a provider on this side answers or does. */
  outcome: string;
  /** The mock's variants that take this side; `default` is the mock's own side. */
  variants: readonly string[];
  default?: true;
}

export interface Choice {
  id: string;
  rules: readonly string[];
  /** Words of contracts/SPEC.md that allow the choice, verbatim (white space folded). Absent when SPEC leaves it unsaid. */
  spec?: string;
  /** What SPEC leaves unsaid, for a choice no sentence states. */
  unsaid?: string;
  sides: readonly Side[];
  /** Where the harness predicts the set, or observes which side the provider took. */
  oracle: string;
}

const mock = (outcome: string): Side => ({ outcome, variants: [], default: true });
const side = (outcome: string, ...variants: string[]): Side => ({ outcome, variants });

export const CHOICES: readonly Choice[] = [
  // §1: the form of responses and the transport.
  { id: 'charset', rules: ['ERR-1'], spec: 'All request and response bodies are JSON (`application/json`; charset may follow).',
    sides: [mock('application/json'), side('application/json;charset=UTF-8', 'charset-variants')], oracle: 'contracts/conformance.ts reads the media type without its parameters' },
  { id: 'extra-members', rules: ['ERR-1'], spec: 'Responses may carry members and headers beyond those this file names (APIs grow by addition), at any depth: clients and the harness ignore what they don\'t know.',
    sides: [mock('only the members SPEC names'), side('more members at the top and headers', 'extra-members'), side('more members at every depth', 'extra-members-deep'), side('fewer optional members', 'minimal-job')], oracle: 'response schemas are open; checks compare the members SPEC names' },
  { id: 'error-extras', rules: ['ERR-1'], spec: '(extra members such as `param` or `details` allowed)',
    sides: [mock('error with param where VAL-1 asks'), side('error with type, doc_url and details', 'extra-members')], oracle: 'contracts/conformance.ts (ErrorBody is open)' },
  { id: 'keep-alive', rules: [], spec: 'keeping connections open or closing them (after any number of requests, or when idle, with or without a `Keep-Alive` hint)',
    sides: [mock('connections kept open, with a Keep-Alive hint'), side('Connection: close on every answer', 'no-keepalive'), side('closed after 3 requests', 'close-after-n'), side('closed when idle 300 ms, no hint', 'idle-close')], oracle: 'suites/lib/client.ts: a reused connection closed before any answer byte is sent again once on a fresh one' },
  { id: 'framing', rules: [], spec: '`Content-Length` or chunked bodies',
    sides: [mock('Content-Length'), side('Transfer-Encoding: chunked', 'chunked')], oracle: 'fetch and autocannon read both framings' },
  { id: 'content-coding', rules: [], spec: 'a content coding the request accepts (`Accept-Encoding`)',
    sides: [mock('identity'), side('gzip when the request accepts it', 'compression')], oracle: 'the client inflates what it asked for; the 1 MiB cap counts inflated bytes' },
  { id: 'latency', rules: ['LIFE-3'], spec: 'and its latency.',
    sides: [mock('answers at once'), side('every answer 200 ms late', 'latency'), side('a heavy tail up to 1.5 s', 'latency-tail')], oracle: 'no check times an answer; budgets and timeouts are generous' },
  { id: 'header-case', rules: ['OBS-1', 'RATE-2'], unsaid: 'RFC 9110 field names are case-insensitive; SPEC names headers in one spelling',
    sides: [mock('lower-case names'), side('mixed-case names', 'header-case')], oracle: 'Headers are read case-insensitively' },
  { id: 'ids', rules: ['OBS-1', 'OBS-3'], unsaid: 'SPEC gives no syntax for job, event and request ids',
    sides: [mock('short prefixed ids'), side('UUIDs, and a non-UUID job id is 400', 'uuid-ids'), side('ids with dots, colons and tildes', 'opaque-ids')], oracle: 'ids are compared, never parsed; a job id of the wrong syntax may be 400 or 404' },
  { id: 'times', rules: [], unsaid: 'SPEC asks for RFC 3339 times, not one spelling of them',
    sides: [mock('UTC with Z and milliseconds'), side('+00:00 offsets, no fraction', 'rfc3339-offsets')], oracle: 'times are parsed as RFC 3339' },
  { id: 'clock', rules: ['RATE-2'], unsaid: 'SPEC does not ask the provider\'s clock to agree with the caller\'s',
    sides: [mock('clock in step'), side('clock 30 s ahead', 'clock-skew')], oracle: 'HTTP-date Retry-After is read against the response\'s Date' },
  { id: 'messages', rules: [], unsaid: 'SPEC does not fix the text of `message`',
    sides: [mock('descriptive messages'), side('terse messages', 'minimal-job')], oracle: 'no check reads a message' },
  { id: 'validation-order', rules: ['VAL-1', 'IDEM-5', 'AUTH-4'], unsaid: 'SPEC does not order body validation and the job lookup of a start',
    sides: [mock('body first (400/422), then the job (404/409)'), side('job first (404/409), then the body', 'lookup-first')], oracle: 'a start that breaks both is predicted as either' },
  { id: 'param-syntax', rules: ['VAL-1'], spec: 'naming the field in `error.param`',
    sides: [mock('dotted path (composition.canvas.width)'), side('JSON pointer (/composition/canvas/width)', 'param-pointer')], oracle: 'contracts/fuzz/param.ts namesField reads both' },
  { id: 'replayed-false', rules: ['IDEM-1'], unsaid: 'IDEM-1 names `Idempotent-Replayed: true` on a replay; it says nothing of other answers',
    sides: [mock('no header unless a replay'), side('Idempotent-Replayed: false on other POSTs', 'replayed-false')], oracle: 'a replay is `true`; anything else is not a replay' },

  // §2: the rules' own choices.
  { id: 'rate-limit', rules: ['RATE-1'], spec: 'The size of the limit, its algorithm (token bucket, fixed or sliding window) and the number of limits layered on each other (per second, per minute) are the provider\'s',
    sides: [mock('a bucket of 60, 30/s'), side('another size', 'bucket-large', 'bucket-small', 'bucket-10', 'bucket-tiny', 'bucket-huge'), side('a fixed window', 'window-limit'), side('two limits layered', 'layered-limit'), side('a hold after each 429', 'retry-after-long')], oracle: 'suites/lib/rate/discovery.ts discovers the limit; the gates wait what each 429 asks' },
  { id: 'retry-after-form', rules: ['RATE-2'], spec: 'Clients and the harness accept both forms.',
    sides: [mock('delay-seconds'), side('an HTTP-date', 'retry-after-date')], oracle: 'suites/lib/backoff.ts parseRetryAfter reads both, a date against Date' },
  { id: 'retry-after-length', rules: ['RATE-2', 'RATE-3'], spec: 'every 429 carries a valid `Retry-After` (RFC 9110: delay-seconds or an HTTP-date) pointing at least 1 s ahead',
    sides: [mock('exactly the wait the key needs'), side('longer than needed, at random', 'retry-after-padded'), side('a 3 s hold', 'retry-after-long')], oracle: 'the harness waits what is asked; it never predicts the length' },
  { id: 'idem-4xx', rules: ['IDEM-1'], spec: 'A first response that was a 4xx (other than 429) may be stored and replayed, or not stored, the retry then being judged afresh: both are conformant.',
    sides: [mock('a 4xx judged afresh'), side('a 4xx stored and replayed, with the replay\'s own request id', 'idem-stores-4xx')], oracle: 'suites/fuzz/model.ts: a retry after a 4xx may be a replay (contracts/replay.ts) or fresh' },
  { id: 'replay-request-id', rules: ['IDEM-1', 'OBS-1', 'OBS-2'], spec: 'A replay is a response of its own: it has its own `X-Request-Id` (OBS-1), and a replayed error body carries that new id as its `request_id` (OBS-2); every other member is the first response\'s.',
    sides: [mock('a replay with its own request id'), side('a replayed error body with the new request id', 'idem-stores-4xx')], oracle: 'contracts/replay.ts compares a replay with error.request_id left out' },
  { id: 'idem-concurrent', rules: ['IDEM-3'], spec: 'one succeeds, the others replay it or get 409 `idempotency_in_progress`',
    sides: [mock('the others replay it'), side('the others get 409 idempotency_in_progress', 'idem-in-progress')], oracle: 'idem.concurrent and the FUZZ model accept either' },
  { id: 'prompt-policy', rules: ['VAL-3'], spec: 'a provider may be configured without it',
    sides: [mock('the prompt policy on'), side('configured without it (certify --prompt-policy off)', 'no-prompt-policy')], oracle: 'the run is told (--prompt-policy); VAL-3 is then skipped, never passed' },
  { id: 'pro-draft', rules: ['VAL-3'], spec: 'A draft (`auto_start: false`) created with `pro` and no prompt may be rejected at create or accepted, the prompt then being required at its start: both are conformant.',
    sides: [mock('accepted, the prompt required at start'), side('rejected at create, 400 invalid_request (text_prompt)', 'pro-draft-rejected')], oracle: 'contracts/fuzz/oracle.ts predicts both (policyReadings)' },
  { id: 'charge-timing', rules: ['IDEM-1', 'IDEM-5'], unsaid: 'SPEC charges once per start ("charged once per start (one charge event)") but does not say when: at the start or when the run ends',
    sides: [mock('charged at the start'), side('charged when the run ends (completed or failed)', 'charge-on-completion')], oracle: 'suites/lib/api.ts settledCharges reads a job\'s charges once its run ended; the FUZZ model lets the last run\'s charge be pending while it processes' },
  { id: 'usage-filter', rules: ['AUTH-4'], unsaid: 'SPEC does not say what GET /v1/usage/events?job_id= answers for a job the key cannot see',
    sides: [mock('200 with no events'), side('404 not_found, as a read of that job', 'usage-filter-404')], oracle: 'a stranger\'s filter must get what a job that does not exist gets: no events, or the same 404' },
  { id: 'processing-time', rules: ['LIFE-3'], spec: 'a started job reaches a terminal state within the caller\'s job timeout',
    sides: [mock('300 ms'), side('3 s', 'slow-processing'), side('at once: the first read shows it terminal', 'instant-processing')], oracle: 'polling waits up to the job timeout; the model allows any state a start may have reached' },
  { id: 'should-challenge', rules: ['AUTH-6'], spec: 'SHOULD rules are reported as `recommended`: a failure is shown but does not fail the gate unless the user asks (`--strict`).',
    sides: [mock('WWW-Authenticate on 401'), side('no challenge', 'no-challenge')], oracle: 'AUTH-6 is a SHOULD check' },
  { id: 'should-ratelimit-fields', rules: ['RATE-6'], spec: 'SHOULD rules are reported as `recommended`: a failure is shown but does not fail the gate unless the user asks (`--strict`).',
    sides: [mock('RateLimit and RateLimit-Policy fields'), side('no fields (discovery gets no hint)', 'no-ratelimit-fields')], oracle: 'RATE-6 is a SHOULD check; discovery works without the hint' },
  { id: 'should-echo', rules: ['OBS-5'], spec: 'SHOULD rules are reported as `recommended`: a failure is shown but does not fail the gate unless the user asks (`--strict`).',
    sides: [mock('a valid client X-Request-Id echoed'), side('never echoed', 'no-request-id-echo')], oracle: 'OBS-5 is a SHOULD check; every other check reads the provider\'s id' },
];

/**
 * Sentences with the words of a choice that are not a provider's choice, and
 * why, so the wording test knows each was read.
 */
export const NOT_CHOICES: readonly { spec: string; why: string }[] = [
  { spec: 'Requests may not: an unknown request field is a 400 (VAL-1).', why: 'a prohibition on requests, not a freedom' },
  { spec: 'may each be omitted', why: 'the client\'s freedom in a request; VAL-5 fixes what the provider stores' },
  { spec: 'a `failed` job may be started again', why: 'a freedom of the caller that the provider must honour (IDEM-5)' },
  { spec: 'no request, however malformed, gets a 5xx', why: 'a prohibition' },
  { spec: 'A client may end a retry chain early only because its own deadline for that job has passed', why: 'a client rule (§4), graded by jobcert onboard with --client-job-deadline' },
  { spec: 'Logging the errors it retried past is welcome, not required.', why: 'a client rule (§4)' },
  { spec: 'pointing at least 1 s ahead', why: 'a floor, covered by the retry-after-length row' },
  { spec: 'Clients and the harness accept both forms.', why: 'the retry-after-form row' },
  { spec: 'Where the public pages are silent, this file fixes the rule, so that the mock, the suites and any correct provider agree.', why: 'about SPEC itself' },
  { spec: 'clients and the harness ignore what they don\'t know', why: 'the extra-members row' },
  { spec: 'or a deadline', why: 'a client rule (§4): CLI-3 bounds retries' },
  { spec: 'at any depth', why: 'the extra-members row' },
  { spec: 'appears in the provider\'s logs together with the job id it touched', why: 'names where the logs are, not a choice' },
  { spec: 'is not sent again before its `Retry-After` (either form) has passed', why: 'a client rule (§4): the client reads both forms' },
];

/** The words that mark a choice in SPEC's text. */
export const CHOICE_WORDS = /\b(may|either|both are conformant|the provider's|any|chooses)\b/i;
