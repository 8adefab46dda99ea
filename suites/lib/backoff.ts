/** Retry-After parsing (RFC 9110: delay-seconds or HTTP-date), the jittered backoff clients should use (RATE-3), and abortable sleeps. */

// Retry-After is read the same way by the reports (core/), so its parser lives there.
export { isDelaySeconds, parseRetryAfter } from '../../core/retry-after.js';

/** Attempt n (0-based): a uniform delay in [2^n, 2^(n+1)) seconds, capped at 16 s (RATE-3). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const low = Math.min(16, 2 ** attempt);
  const high = Math.min(16, 2 ** (attempt + 1));
  return Math.round((low + (high - low) * random()) * 1000);
}

/** Sleeps, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason as Error); };
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
