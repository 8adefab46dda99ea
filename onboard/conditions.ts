/**
 * The conditions the onboarding mock injects into a client's traffic (SPEC §4,
 * the vendor checklist: non-2xx, 429 with backoff, retries without duplicate
 * side effects, bounded polling, failure and insufficient-credit paths). Each
 * condition says which operation of which source it hits and which CLI rules
 * it exercises, so a verdict can name what provoked it.
 */

/** What a request is, as far as injections and grading care. */
export type Op = 'create' | 'start' | 'poll' | 'list' | 'usage' | 'download' | 'health' | 'other';

/** What the injector does to one request. */
export type Action =
  | { kind: 'throttle'; form: 'seconds' | 'date'; seconds: number }
  | { kind: 'error'; status: 400 | 500 | 503 }
  | { kind: 'drop-before' }
  | { kind: 'drop-after' }
  | { kind: 'slow'; holdMs: number }
  | { kind: 'revoke' }
  | { kind: 'redirect' }
  | { kind: 'early-output-url' };

/** How a source processes in the engine (SPEC §3 media convention plus processingMsFor). */
export type Processing = 'normal' | 'fails' | 'never' | 'too-expensive';

export type ConditionName =
  | 'retry-after-seconds' | 'retry-after-date' | 'http-500' | 'http-503' | 'drop-before' | 'drop-after-start'
  | 'drop-after-create' | 'slow-response' | 'revoked-key' | 'bad-request' | 'insufficient-credits' | 'failing-source'
  | 'never-finishes' | 'redirect-output' | 'early-output-url' | 'burst-429' | 'burst-5xx' | 'throttled-then-lost';

export interface ConditionInfo {
  description: string;
  rules: string[];
  /** Profiles that include it by default (`--scenarios` may pick any). */
  profiles: ReadonlyArray<'quick' | 'full'>;
  /** A dedicated source (its job cannot complete normally), or slots on a carrier source that completes. */
  placement: { dedicated: Processing; op?: Op } | { carrier: true };
}

const both = ['quick', 'full'] as const;

export const CONDITIONS: Record<ConditionName, ConditionInfo> = {
  'retry-after-seconds': { description: '429 rate_limited with Retry-After in delay-seconds', rules: ['CLI-2', 'CLI-3', 'CLI-12'], profiles: both, placement: { carrier: true } },
  'retry-after-date': { description: '429 rate_limited with Retry-After as an HTTP-date', rules: ['CLI-2', 'CLI-3', 'CLI-12'], profiles: both, placement: { carrier: true } },
  'http-500': { description: '500 internal_error, nothing done', rules: ['CLI-3', 'CLI-4'], profiles: both, placement: { carrier: true } },
  'http-503': { description: 'three 503s in a row on a read, nothing done', rules: ['CLI-3', 'CLI-6'], profiles: both, placement: { carrier: true } },
  'drop-before': { description: 'connection dropped before the request reached the API (nothing done)', rules: ['CLI-3', 'CLI-4'], profiles: both, placement: { carrier: true } },
  'drop-after-start': { description: 'the start took effect (job started and charged), then the connection dropped: the response is lost', rules: ['CLI-3', 'CLI-4'], profiles: both, placement: { carrier: true } },
  'drop-after-create': { description: 'the create took effect (a job exists), then the connection dropped: the response is lost', rules: ['CLI-3', 'CLI-4'], profiles: both, placement: { carrier: true } },
  'slow-response': { description: 'the request took effect but its response is held past a short client timeout', rules: ['CLI-3', 'CLI-4'], profiles: both, placement: { carrier: true } },
  'revoked-key': { description: 'the key is revoked for this source: its start and every later request about it get 401 invalid_api_key', rules: ['CLI-1', 'CLI-9'], profiles: both, placement: { dedicated: 'normal', op: 'start' } },
  'bad-request': { description: 'a start answered 400 invalid_request (a provider policy stricter than the client\'s)', rules: ['CLI-3', 'CLI-9'], profiles: both, placement: { dedicated: 'normal', op: 'start' } },
  'insufficient-credits': { description: 'a source longer than the account can pay for: the engine answers its start 402 insufficient_credits', rules: ['CLI-3', 'CLI-8', 'CLI-9'], profiles: both, placement: { dedicated: 'too-expensive' } },
  'failing-source': { description: 'a source whose processing fails (job status failed, error processing_failed)', rules: ['CLI-8', 'CLI-9'], profiles: both, placement: { dedicated: 'fails' } },
  'never-finishes': { description: 'a source that stays processing forever', rules: ['CLI-6'], profiles: both, placement: { dedicated: 'never' } },
  'redirect-output': { description: 'the completed job\'s output_url answers 302 to another (loopback) origin, which records whether the key arrived', rules: ['CLI-7'], profiles: both, placement: { carrier: true } },
  'early-output-url': { description: 'the start response carries an output_url member; the real one comes only with the completed job', rules: ['CLI-7'], profiles: both, placement: { carrier: true } },
  'burst-429': { description: 'three 429s in a row on one request (seconds, HTTP-date, seconds)', rules: ['CLI-2', 'CLI-3', 'CLI-12'], profiles: ['full'], placement: { carrier: true } },
  'burst-5xx': { description: '500, 503, 503 in a row on one read', rules: ['CLI-3', 'CLI-6'], profiles: ['full'], placement: { carrier: true } },
  'throttled-then-lost': { description: 'a start answered 429, then its retry takes effect and the connection drops', rules: ['CLI-2', 'CLI-4'], profiles: ['full'], placement: { carrier: true } },
};

export const CONDITION_NAMES = Object.keys(CONDITIONS) as ConditionName[];

export function isConditionName(s: string): s is ConditionName {
  return Object.hasOwn(CONDITIONS, s);
}

export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'throttle': return `429 rate_limited, Retry-After ${a.form === 'seconds' ? `${a.seconds} (seconds)` : `HTTP-date ${a.seconds}+ s ahead`}`;
    case 'error': return `${a.status} ${a.status === 400 ? 'invalid_request' : 'internal_error'} (no effect)`;
    case 'drop-before': return 'connection dropped before the API saw the request';
    case 'drop-after': return 'request took effect, then the connection dropped (response lost)';
    case 'slow': return `request took effect, response held ${a.holdMs} ms`;
    case 'revoke': return '401 invalid_api_key: key revoked';
    case 'redirect': return '302 to another loopback origin';
    case 'early-output-url': return 'start response carries an output_url member';
  }
}
