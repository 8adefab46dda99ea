/**
 * The retrying fetch under the typed client (CLI-2, CLI-3, CLI-4, CLI-6, CLI-12).
 * One logical request may take several attempts: 429 waits for Retry-After (both
 * forms) and closes the key's gate for every caller; 5xx, timeouts and network
 * errors back off with growing, jittered delays; every attempt sends the same
 * bytes and headers (so a POST keeps its Idempotency-Key), bounded by an attempt
 * count and an overall deadline. 4xx other than 429 are never retried. Redirects
 * are not followed, so the key never goes to another origin.
 */
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { anySignal, type Clock } from './clock.js';
import { TransportError } from './errors.js';
import type { Logger } from './logger.js';
import type { RateGate } from './rate-gate.js';
import type { ReadPacer } from './read-pacer.js';
import { parseRetryAfter } from './retry-after.js';

export type FetchLike = (request: Request) => Promise<Response>;

export interface RetryPolicy {
  /** Attempts per request, the first included: 1–8 (CLI-3), default 6. */
  maxAttempts: number;
  /** Overall budget of one request, retries and waits included, ms (default 60000). */
  deadlineMs: number;
  /** Per attempt, until the response headers arrive, ms (default 30000). */
  attemptTimeoutMs: number;
  backoff: BackoffPolicy;
}

export interface TransportOptions {
  fetch: FetchLike;
  clock: Clock;
  random: () => number;
  logger: Logger;
  gate: RateGate;
  pacer: ReadPacer;
  retry: RetryPolicy;
  /** Aborts everything the client does. */
  signal?: AbortSignal;
  /** API calls never follow redirects (the key must not reach another origin); artifact downloads carry no key and may. */
  redirect?: 'manual' | 'follow';
}

/** What the typed layer needs to build its error: attempts made and the last Retry-After. */
export interface SendInfo { attempts: number; retryAfterMs?: number }
export const sendInfo = new WeakMap<Response, SendInfo>();

const MAX_PEEK_BYTES = 16 * 1024;

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';
}

/** Reads at most 16 KiB of a body we are about to discard, for the retry log line. */
async function peekError(res: Response): Promise<{ code?: string; request_id?: string }> {
  if (!res.body) return {};
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size >= MAX_PEEK_BYTES) { await reader.cancel(); break; }
    }
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const error = (parsed as { error?: { code?: unknown; request_id?: unknown } } | null)?.error;
    return {
      ...(typeof error?.code === 'string' ? { code: error.code } : {}),
      ...(typeof error?.request_id === 'string' ? { request_id: error.request_id } : {}),
    };
  } catch {
    return {};
  }
}

export function createTransport(opts: TransportOptions): FetchLike {
  const { clock, gate, pacer, retry, logger } = opts;

  /** Waits for the key's gate and the job's read pacing, then books the send (no await between check and booking). */
  async function waitForTurn(method: string, path: string, signal: AbortSignal): Promise<void> {
    for (;;) {
      await gate.wait(clock, signal);
      const pace = pacer.delayFor(method, path, clock.now());
      if (pace > 0) { await clock.sleep(pace, signal); continue; }
      if (gate.openAt > clock.now()) continue;
      pacer.markSent(method, path, clock.now());
      return;
    }
  }

  /** One attempt, bounded by the attempt timeout. */
  async function attempt(url: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
    const attemptCtl = new AbortController();
    const timerCtl = new AbortController();
    clock.sleep(retry.attemptTimeoutMs, timerCtl.signal).then(() => attemptCtl.abort(new AttemptTimeout()), () => undefined);
    try {
      return await opts.fetch(new Request(url, { ...init, signal: anySignal(signal, attemptCtl.signal) as AbortSignal }));
    } finally {
      timerCtl.abort();
    }
  }

  return async (request) => {
    const url = request.url;
    const { pathname, search } = new URL(url);
    const path = pathname + search;
    const method = request.method;
    const signal = anySignal(request.signal, opts.signal) as AbortSignal;
    // The same bytes on every attempt (CLI-4): read once, resend as is.
    const body = method === 'GET' || method === 'HEAD' ? undefined : new Uint8Array(await request.arrayBuffer());
    const init: RequestInit = { method, headers: new Headers(request.headers), redirect: opts.redirect ?? 'manual', ...(body && body.byteLength > 0 ? { body } : {}) };
    const deadline = clock.now() + retry.deadlineMs;

    for (let n = 1; ; n++) {
      await waitForTurn(method, pathname, signal);
      let res: Response | undefined;
      let failure: { reason: 'network' | 'timeout'; error: unknown } | undefined;
      try {
        res = await attempt(url, init, signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        failure = { reason: error instanceof AttemptTimeout || (error instanceof Error && error.cause instanceof AttemptTimeout) ? 'timeout' : 'network', error };
      }
      const now = clock.now();
      pacer.markEnded(method, pathname, now);
      const retryAfterMs = res ? parseRetryAfter(res.headers.get('retry-after'), now) : undefined;
      if (res) {
        const requestId = res.headers.get('x-request-id') ?? undefined;
        logger({ level: 'debug', event: 'request', msg: `${method} ${path} → ${res.status}`, method, path, status: res.status, attempt: n, ...(requestId ? { request_id: requestId } : {}) });
        if (res.status === 429) gate.closeUntil(now + (retryAfterMs ?? 0));
        if (!retryable(res.status)) {
          sendInfo.set(res, { attempts: n, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
          return res;
        }
      }
      const delay = Math.max(retryAfterMs ?? 0, backoffDelay(n - 1, opts.random, retry.backoff), gate.openAt - now);
      if (n >= retry.maxAttempts || now + delay > deadline) {
        if (res) {
          sendInfo.set(res, { attempts: n, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
          return res;
        }
        throw new TransportError(method, path, n, failure?.reason ?? 'network', { cause: failure?.error });
      }
      const peeked = res ? await peekError(res) : {};
      const requestId = peeked.request_id ?? res?.headers.get('x-request-id') ?? undefined;
      logger({
        level: 'warn', event: 'retry', msg: `${method} ${path}: ${res ? `${res.status}${peeked.code ? ` ${peeked.code}` : ''}` : failure?.reason}; retry ${n} in ${delay} ms`,
        method, path, attempt: n, delay_ms: delay,
        ...(res ? { status: res.status } : {}), ...(peeked.code ? { code: peeked.code } : {}), ...(requestId ? { request_id: requestId } : {}),
      });
      await clock.sleep(delay, signal);
    }
  };
}
