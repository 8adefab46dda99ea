/** Retry-After parsing (RFC 9110: delay-seconds or HTTP-date) and the jittered backoff clients should use (RATE-3). */

/** Milliseconds to wait, or undefined when the value is not a valid Retry-After. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (the obsolete forms are accepted by Date.parse too).
  if (/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) {
    const at = Date.parse(v);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
  }
  return undefined;
}

/** Attempt n (0-based): a uniform delay in [2^n, 2^(n+1)) seconds, capped at 16 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const low = Math.min(16, 2 ** attempt);
  const high = Math.min(16, 2 ** (attempt + 1));
  return Math.round((low + (high - low) * random()) * 1000);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
