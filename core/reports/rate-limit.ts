/** The observed rate limit in plain words, the same in every report and on the console. */
import type { RateProfile, RetryAfterHonesty } from '../results.js';

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function describeRateLimit(p: RateProfile): string {
  const pushed = `${p.sent} requests in ${(p.elapsed_ms / 1000).toFixed(1)} s at up to ${p.peak_concurrency} at once`;
  if (!p.throttled) return `no 429 within the bound (${pushed}; bound ${p.bound.requests} requests or ${p.bound.seconds} s, --burst-max)`;
  const refill = p.refill_per_second === null ? 'refill unknown' : `refill ≈ ${p.refill_per_second}/s (measured over ${p.refill_window_ms} ms after the key ran dry)`;
  const hint = p.policy_header ? `; RateLimit-Policy ${p.policy_header}` : '; no RateLimit-Policy hint';
  const pacing = p.pacing ? `; the run paced each key at ${p.pacing.per_second}/s, bursts of ${p.pacing.burst}` : '';
  const honesty = p.retry_after_honesty ? `; ${describeHonesty(p.retry_after_honesty)}` : '';
  return `${p.key} key: ${p.requests_before_first_429} requests before the first 429; ${refill}; Retry-After ${p.retry_after ?? 'absent'} (${pushed})${hint}${pacing}${honesty}`;
}

/** RATE-3's Retry-After, asked against lived: what a 429 asked, how long jobcert waited, and when the key was served. */
export function describeHonesty(h: RetryAfterHonesty): string {
  if (h.verdict === 'not-judged' || h.asked_ms === null) return `Retry-After honesty not judged: ${h.note}`;
  const rounding = h.tolerance_ms > 0 ? ` (${secs(h.tolerance_ms)} allowed for whole-second rounding)` : '';
  const asked = `Retry-After ${h.retry_after} asked for ${secs(h.asked_ms)}, jobcert waited ${secs(h.waited_ms ?? 0)}${rounding}`;
  if (h.verdict === 'honest') return `Retry-After honest: ${asked} and the next request was served`;
  const served = h.served_after_ms === null ? 'not served again within the backoff' : `first served ${secs(h.served_after_ms)} after that 429`;
  return `Retry-After not honest (RATE-3): ${asked} with nothing else on the key and met another 429; ${served}`;
}
