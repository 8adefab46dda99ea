/**
 * Legal variations: choices SPEC leaves to a provider, each made differently
 * from the mock's defaults while every MUST rule still holds. They are data
 * like the faults; the engine and the adapters ask `variants.has(name)` where
 * the choice is made. tests/certify/variants.test.ts proves certify passes on
 * each one and on combinations: a check that fails on one is a false failure.
 *
 * A variant may switch on a SHOULD-level fault (a conformant provider may skip
 * a SHOULD), named in `shouldFaults`.
 */
import type { FaultName } from './faults.js';

export interface VariantInfo {
  description: string;
  /** Where SPEC leaves the choice open. */
  allowedBy: string;
  shouldFaults?: readonly FaultName[];
  /** Needs a real socket: in-process msw cannot carry it (throughput, keep-alive, header case, compression). */
  httpOnly?: boolean;
  /** Variants choosing the same thing another way; they cannot be combined. */
  group?: string;
  /**
   * A configuration SPEC lets a provider have that a run must be told about
   * (it cannot tell it from a broken provider): the certify settings that say so.
   */
  certifyWith?: readonly string[];
}

export const VARIANTS = {
  'retry-after-date': { description: '429 Retry-After is an HTTP-date (with a Date header) instead of delay-seconds', allowedBy: 'RATE-2: either RFC 9110 form', group: 'retry-after' },
  'retry-after-long': { description: 'a throttled key is held for 3 s after each 429, and Retry-After says so', allowedBy: 'RATE-2: any Retry-After of at least 1 s; RATE-3', group: 'limiter' },
  'bucket-large': { description: 'bucket of 100 requests per key, refilled at 50/s', allowedBy: 'RATE-1: the limit is the provider\'s', group: 'limiter' },
  'bucket-small': { description: 'bucket of 5 requests per key, refilled at 5/s', allowedBy: 'RATE-1', group: 'limiter' },
  'bucket-10': { description: 'bucket of 10 requests per key, refilled at 10/s (a staging limit: LOAD must measure the service under it, not the limiter)', allowedBy: 'RATE-1', group: 'limiter' },
  'bucket-tiny': { description: 'bucket of 5 requests per key, refilled at 2/s: every check waits its turn on a busy key', allowedBy: 'RATE-1', group: 'limiter' },
  'bucket-huge': { description: 'bucket of 1,000 requests per key, refilled at 500/s: only a flood well past 500/s finds it (a limit beyond what jobcert can push is not judged, rate.burst)', allowedBy: 'RATE-1', httpOnly: true, group: 'limiter' },
  'window-limit': { description: 'a fixed window of 40 requests per 2 s instead of a token bucket; Retry-After runs to the end of the window', allowedBy: 'RATE-1, RATE-2: the algorithm is the provider\'s', group: 'limiter' },
  'uuid-ids': { description: 'job, event and request ids are UUIDs, and a job id that is not a UUID is 400 invalid_request (param job_id)', allowedBy: '§1: ids are the provider\'s strings', group: 'ids' },
  'opaque-ids': { description: 'ids carry dots, colons and tildes (jb.x1:2~a)', allowedBy: '§1: ids are the provider\'s strings', group: 'ids' },
  'no-request-id-echo': { description: 'a client X-Request-Id is never echoed; every response has the provider\'s own', allowedBy: 'OBS-5 is a SHOULD', shouldFaults: ['obs-no-echo'] },
  'no-ratelimit-fields': { description: 'no RateLimit / RateLimit-Policy fields (discovery gets no hint)', allowedBy: 'RATE-6 is a SHOULD', shouldFaults: ['rate-no-headers'] },
  'no-challenge': { description: '401 responses carry no WWW-Authenticate', allowedBy: 'AUTH-6 is a SHOULD', shouldFaults: ['auth-no-challenge'] },
  'slow-processing': { description: 'jobs take 3 s to process', allowedBy: 'LIFE-3: terminal within the caller\'s job timeout', group: 'processing' },
  'instant-processing': { description: 'jobs finish at once: the first read after the start shows them terminal', allowedBy: 'LIFE-1: history still records processing', group: 'processing' },
  latency: { description: 'every response arrives 200 ms late (a staging API across a network)', allowedBy: '§1 transport: latency is the provider\'s', httpOnly: true, group: 'latency' },
  'lookup-first': { description: 'a start looks the job up (404, 409) before it validates the body (400, 422)', allowedBy: 'SPEC does not order validation and job lookup' },
  'extra-members': { description: 'extra members in every body and error (links, metadata, type, doc_url, details) and extra headers', allowedBy: '§1: responses may carry members and headers beyond those named' },
  'charset-variants': { description: 'Content-Type alternates between application/json and application/json;charset=UTF-8', allowedBy: '§1: charset may follow' },
  'header-case': { description: 'response header names in other cases (X-REQUEST-ID, Retry-after)', allowedBy: 'RFC 9110: field names are case-insensitive', httpOnly: true },
  'no-keepalive': { description: 'Connection: close on every response', allowedBy: '§1 transport: keeping connections open or closing them', httpOnly: true, group: 'connections' },
  compression: { description: 'bodies gzip-compressed when the client accepts gzip', allowedBy: '§1 transport: a content coding the request accepts', httpOnly: true },
  'replayed-false': { description: 'Idempotent-Replayed: false on every POST that is not a replay', allowedBy: 'IDEM-1 names only the replay\'s true', },
  'idem-in-progress': { description: 'a keyed POST holds its Idempotency-Key for 150 ms; concurrent duplicates get 409 idempotency_in_progress', allowedBy: 'IDEM-3: replay or 409' },
  'param-pointer': { description: 'error.param is a JSON pointer (/composition/canvas/width)', allowedBy: 'VAL-1 asks to name the field, not a syntax' },
  'rfc3339-offsets': { description: 'times are RFC 3339 with a +00:00 offset and no fraction', allowedBy: '§1: times are RFC 3339' },
  'clock-skew': { description: 'the provider\'s clock runs 30 s ahead of the harness (Date, times, HTTP-date Retry-After)', allowedBy: 'RFC 9110: Retry-After dates are read against Date' },
  'minimal-job': { description: 'optional job members (video_url) left out, other messages', allowedBy: '§1: video_url is not required in the job' },
  'no-prompt-policy': { description: 'configured without the prompt policy: pro starts without a text_prompt', allowedBy: 'VAL-3: a provider may be configured without it', certifyWith: ['--prompt-policy', 'off'], group: 'prompt-policy' },
  'charge-on-completion': { description: 'a start\'s charge event and credits_charged appear when its run ends (completed or failed), not at the start', allowedBy: '§1 Usage: one charge per start; SPEC does not say when' },
  'usage-filter-404': { description: 'GET /v1/usage/events?job_id= of a job the key cannot see (another key\'s, or none) is 404 not_found, as a read of that job is', allowedBy: 'AUTH-4; SPEC does not say what the job_id filter answers for a job the key cannot see' },
  'pro-draft-rejected': { description: 'a draft created with model pro and no text_prompt is rejected at create (400 invalid_request, param text_prompt)', allowedBy: 'VAL-3: a pro draft without a prompt may be rejected at create or accepted', group: 'prompt-policy' },
  'idem-stores-4xx': { description: 'a keyed POST answered 4xx (other than 429) is stored and replayed, with the replay\'s own request id in the error body', allowedBy: 'IDEM-1: a 4xx may be stored and replayed, or judged afresh' },
  'layered-limit': { description: 'two limits layered per key: 8 requests per second and 40 per 10 s; Retry-After names the later reset', allowedBy: 'RATE-1: the number of limits layered on each other is the provider\'s', group: 'limiter' },
  'retry-after-padded': { description: 'Retry-After asks for 1–3 s more than the key needs, at random', allowedBy: 'RATE-2: any Retry-After of at least 1 s; RATE-3' },
  'close-after-n': { description: 'the server closes each connection after 3 requests (Connection: close on the third answer)', allowedBy: '§1 transport: connections closed after any number of requests', httpOnly: true, group: 'connections' },
  'idle-close': { description: 'idle connections are closed after 300 ms, with no Keep-Alive hint', allowedBy: '§1 transport: connections closed when idle, with or without a Keep-Alive hint', httpOnly: true, group: 'connections' },
  chunked: { description: 'bodies go out chunked (Transfer-Encoding: chunked, no Content-Length), in several chunks', allowedBy: '§1 transport: Content-Length or chunked bodies', httpOnly: true },
  'latency-tail': { description: 'latency with a heavy tail: most answers at once, one in 10 after 50–400 ms, one in 100 after up to 1.5 s', allowedBy: '§1 transport: latency is the provider\'s', httpOnly: true, group: 'latency' },
  'extra-members-deep': { description: 'extra members at every depth: history entries, background, composition, error objects, usage events, list envelopes, health', allowedBy: '§1: responses may carry members beyond those named, at any depth' },
} as const satisfies Record<string, VariantInfo>;

export type VariantName = keyof typeof VARIANTS;
export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

export function isVariantName(name: string): name is VariantName {
  return Object.hasOwn(VARIANTS, name);
}

/** Parses user-supplied variant names: unknown names and two choices of the same thing are errors naming the valid ones. */
export function parseVariants(names: readonly string[]): ReadonlySet<VariantName> {
  const unknown = names.filter((n) => !isVariantName(n));
  if (unknown.length > 0) throw new Error(`unknown variant ${unknown.map((n) => JSON.stringify(n)).join(', ')}; known variants: ${VARIANT_NAMES.join(', ')}`);
  const set = new Set(names as VariantName[]);
  const byGroup = new Map<string, VariantName[]>();
  for (const v of set) {
    const group = (VARIANTS[v] as VariantInfo).group;
    if (group) byGroup.set(group, [...(byGroup.get(group) ?? []), v]);
  }
  for (const [group, members] of byGroup) if (members.length > 1) throw new Error(`variants ${members.join(' and ')} both choose the ${group}; pick one`);
  return set;
}

/** The SHOULD-level fault behaviours the variants switch on. */
export function shouldFaultsOf(variants: ReadonlySet<VariantName>): FaultName[] {
  return [...variants].flatMap((v) => (VARIANTS[v] as VariantInfo).shouldFaults ?? []);
}
