/**
 * The rate limit each run saw (RATE-1 discovery) and whether the provider's
 * limit changed. The burst and refill are measured under concurrency, so two
 * runs of one provider differ a little: within 10% they count as the same.
 * A Retry-After date differs every run; its delay (retry_after_ms) is what is
 * compared, to the second an HTTP date carries.
 */
import type { Compliance } from '../results.js';
import type { RateLimitDiff, RateLimitSeen } from './model.js';

export const MEASURED_TOLERANCE = 0.1;
const RETRY_AFTER_RESOLUTION_MS = 1000;

export function rateLimitOf(doc: Compliance): RateLimitSeen | null {
  const r = doc.rate_limit;
  if (!r) return null;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    key: typeof r.key === 'string' ? r.key : 'primary',
    throttled: r.throttled === true,
    requests_before_first_429: num(r.requests_before_first_429),
    refill_per_second: num(r.refill_per_second),
    retry_after: text(r.retry_after),
    retry_after_ms: num(r.retry_after_ms),
    policy_header: text(r.policy_header),
    hinted_quota: num(r.hinted_quota),
  };
}

const sameMeasured = (a: number | null, b: number | null, atLeast: number): boolean =>
  a === null || b === null ? a === b : Math.abs(a - b) <= Math.max(atLeast, MEASURED_TOLERANCE * Math.max(Math.abs(a), Math.abs(b)));

function sameRetryAfter(a: RateLimitSeen, b: RateLimitSeen): boolean {
  const seconds = /^\s*\d+\s*$/;
  if (a.retry_after === null || b.retry_after === null) return a.retry_after === b.retry_after;
  if (seconds.test(a.retry_after) && seconds.test(b.retry_after)) return Number(a.retry_after) === Number(b.retry_after);
  if (a.retry_after_ms === null || b.retry_after_ms === null) return a.retry_after === b.retry_after;
  return Math.abs(a.retry_after_ms - b.retry_after_ms) <= RETRY_AFTER_RESOLUTION_MS;
}

const show = (v: string | number | boolean | null, unit = ''): string => (v === null ? 'none' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : `${v}${unit}`);

/** What differs between two runs' limits, in words; empty when the same. */
function differences(a: RateLimitSeen, b: RateLimitSeen): string[] {
  const out: string[] = [];
  if (a.key !== b.key) out.push(`measured on the ${a.key} key, then on the ${b.key} key`);
  if (a.throttled !== b.throttled) out.push(b.throttled ? 'a 429 came within the bound, where none had' : 'no 429 came within the bound, where one had');
  if (!sameMeasured(a.requests_before_first_429, b.requests_before_first_429, 1)) out.push(`requests before the first 429 ${show(a.requests_before_first_429)} → ${show(b.requests_before_first_429)}`);
  if (!sameMeasured(a.refill_per_second, b.refill_per_second, 0.5)) out.push(`refill ${show(a.refill_per_second, '/s')} → ${show(b.refill_per_second, '/s')}`);
  if (!sameRetryAfter(a, b)) out.push(`Retry-After ${show(a.retry_after)} → ${show(b.retry_after)}`);
  if (a.policy_header !== b.policy_header) out.push(`RateLimit-Policy ${show(a.policy_header)} → ${show(b.policy_header)}`);
  else if (a.hinted_quota !== b.hinted_quota) out.push(`hinted quota ${show(a.hinted_quota)} → ${show(b.hinted_quota)}`);
  return out;
}

export function diffRateLimit(docs: readonly Compliance[], labels: readonly string[]): RateLimitDiff {
  const runs = docs.map(rateLimitOf);
  const changes: string[] = [];
  // Each run against the last earlier run that measured it: a run without discovery says nothing either way.
  let prev: { seen: RateLimitSeen; label: string } | undefined;
  runs.forEach((seen, i) => {
    if (!seen) return;
    const label = labels[i] ?? `run ${i + 1}`;
    if (prev) for (const d of differences(prev.seen, seen)) changes.push(`${prev.label} → ${label}: ${d}`);
    prev = { seen, label };
  });
  return { runs, changed: changes.length > 0, changes };
}
