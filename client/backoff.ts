/**
 * Retry delays (CLI-3): exponential windows (1 s, 2 s, 4 s, … capped at 16 s by
 * default), each delay drawn at random from the upper half of its window.
 * Pure "full jitter" (anywhere in [0, window)) would spread retries further but
 * can draw a shorter delay than the attempt before, and CLI-3 asks for delays
 * that grow; the upper half keeps the jitter and never shrinks below the
 * previous window's top half.
 */
export interface BackoffPolicy {
  /** The first window, ms (default 1000). */
  baseMs: number;
  /** The largest window, ms (default 16000). */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 16_000 };

/** Delay before retry number `retry` (0 = the first retry). `random` returns [0, 1). */
export function backoffDelay(retry: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const window = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(retry, 30));
  return Math.round(window / 2 + (window / 2) * random());
}
