/** The observed rate limit in plain words, the same in every report and on the console. */
import type { RateProfile } from '../results.js';

export function describeRateLimit(p: RateProfile): string {
  const pushed = `${p.sent} requests in ${(p.elapsed_ms / 1000).toFixed(1)} s at up to ${p.peak_concurrency} at once`;
  if (!p.throttled) return `no 429 within the bound (${pushed}; bound ${p.bound.requests} requests or ${p.bound.seconds} s, --burst-max)`;
  const refill = p.refill_per_second === null ? 'refill unknown' : `refill ≈ ${p.refill_per_second}/s (measured over ${p.refill_window_ms} ms after the key ran dry)`;
  const hint = p.policy_header ? `; RateLimit-Policy ${p.policy_header}` : '; no RateLimit-Policy hint';
  const pacing = p.pacing ? `; the run paced each key at ${p.pacing.per_second}/s, bursts of ${p.pacing.burst}` : '';
  return `${p.key} key: ${p.requests_before_first_429} requests before the first 429; ${refill}; Retry-After ${p.retry_after ?? 'absent'} (${pushed})${hint}${pacing}`;
}
