/**
 * The 429 provider state: exhaust one key's rate limit with a bounded,
 * concurrent burst of side-effect-free GETs (bounded by request count and
 * time). Kept in this one function so the harness's adaptive rate-limit
 * discovery can replace it.
 */
export interface ExhaustLimits {
  /** Requests in flight at once. */
  concurrency: number;
  /** Requests in all. */
  maxRequests: number;
  /** Wall time in all, ms. */
  maxMs: number;
  /** Per request, ms. */
  requestTimeoutMs: number;
}

export const DEFAULT_EXHAUST: ExhaustLimits = { concurrency: 20, maxRequests: 200, maxMs: 10_000, requestTimeoutMs: 5000 };

export interface Exhausted {
  /** A 429 was seen: the key is throttled now. */
  throttled: boolean;
  sent: number;
  /** The first 429's Retry-After, raw. */
  retryAfter?: string;
}

/** Sends waves of `GET /v1/jobs?limit=1` until one answers 429 or a bound is reached. */
export async function exhaustRateLimit(target: string, apiKey: string, limits: ExhaustLimits = DEFAULT_EXHAUST): Promise<Exhausted> {
  const deadline = Date.now() + limits.maxMs;
  let sent = 0;
  while (sent < limits.maxRequests && Date.now() < deadline) {
    const wave = Math.min(limits.concurrency, limits.maxRequests - sent);
    sent += wave;
    const replies = await Promise.all(Array.from({ length: wave }, () =>
      fetch(`${target}/v1/jobs?limit=1`, { headers: { 'x-api-key': apiKey }, redirect: 'manual', signal: AbortSignal.timeout(limits.requestTimeoutMs) })
        .then(async (res) => { await res.body?.cancel(); return res; }, () => undefined)));
    const throttled = replies.find((r) => r?.status === 429);
    if (throttled) return { throttled: true, sent, ...(throttled.headers.get('retry-after') !== null ? { retryAfter: throttled.headers.get('retry-after') as string } : {}) };
  }
  return { throttled: false, sent };
}
