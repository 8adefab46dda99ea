/**
 * The flood: an adaptive burst of side-effect-free requests with one key, over
 * the keep-alive agent transport (agent-transport.ts), that discovery, the
 * pressure episode and their probes are built from.
 */
import { agentRequest } from '../agent-transport.js';
import { parseRetryAfter } from '../backoff.js';
import { classify, recordAnswer, resendReason, RESPONSE_CAP, type Client, type Exchange, type Reply } from '../client.js';
import type { KeyRole } from '../config.js';
import { OutOfTime, TransportError } from '../errors.js';
import { REDACTED } from '../redact.js';

export const MAX_CONCURRENCY = 256;
/** GET /v1/jobs?limit=1: cheap, side-effect free, and on /v1 where RATE-1 applies. */
export const FLOOD_PATH = '/v1/jobs?limit=1';

const LEAN_SAMPLE = 20;
/** The headers of a flood answer that was not kept: nothing reads them. */
const EMPTY_HEADERS = new Headers();

/**
 * A flood's request: over the keep-alive agent, and only a few of a flood's
 * thousand identical answers (and every 429) recorded in full and checked
 * against the spec; the rest keep their status and request id, which is all
 * they prove. It goes out regardless of the key's gate (a flood exists to
 * empty the bucket), is neither retried nor resent, and a 429 is noted on the
 * key's gate, as the client does for a request past the gate.
 */
async function floodGet(raw: Client, key: KeyRole): Promise<Reply> {
  try {
    return await floodGetOnce(raw, key);
  } catch (err) {
    // A flood rides pooled connections that all went idle at the same moment, so a server's idle close (SPEC §1:
    // at any moment, without a hint) meets dozens of them at once. A read changes nothing: each goes out once more,
    // on a connection of its own, as the client does (resendReason); both attempts stay in the evidence.
    if (!(err instanceof TransportError)) throw err;
    const why = resendReason('GET', {}, err.kind, undefined);
    if (!why) throw err;
    const failed = unansweredExchange.get(err);
    if (failed) {
      failed.note = why;
      failed.error = `${failed.error ?? ''}; ${why}`;
    }
    return floodGetOnce(raw, key, `a resend of the request before it, which got no answer: ${why}`);
  }
}

/** The recorded exchange of a flood request that got no answer, by its error: the resend notes it. */
const unansweredExchange = new WeakMap<TransportError, Exchange>();

async function floodGetOnce(raw: Client, key: KeyRole, resend?: string): Promise<Reply> {
  const { recorder, signal } = raw;
  const { config } = recorder;
  const method = 'GET';
  if (Date.now() > config.deadlineAt) throw new OutOfTime('the run deadline (--max-duration) passed');
  signal?.throwIfAborted();
  const url = `${config.target}${FLOOD_PATH}`;
  const apiKey = raw.keyFor(key);
  if (apiKey === undefined) throw new Error(`no ${key} key configured`);
  const t0 = performance.now();
  const exchange: Exchange = { request: { method, url, headers: { 'x-api-key': REDACTED } }, response: null, started_at: '', time_ms: 0, key, violations: [], ...(resend ? { note: resend } : {}) };
  recorder.exchanges.push(exchange);
  let res;
  try {
    res = await agentRequest(url, method, { accept: 'application/json', 'x-api-key': apiKey }, config.requestTimeoutMs, RESPONSE_CAP, undefined, { fresh: resend !== undefined });
  } catch (err) {
    exchange.time_ms = Math.round(performance.now() - t0);
    if (signal?.aborted) throw signal.reason;
    const { kind, text } = classify(err, config.requestTimeoutMs);
    exchange.error = recorder.redact(text);
    exchange.transport = kind;
    const failure = new TransportError(`${method} ${url}: ${exchange.error}`, kind);
    unansweredExchange.set(failure, exchange);
    throw failure;
  }
  const doneAt = performance.now();
  exchange.time_ms = Math.round(doneAt - t0);
  exchange.started_at = new Date(performance.timeOrigin + t0).toISOString();
  if (res.status === 429) {
    const reply = recordAnswer(recorder, exchange, url, method, res, t0, doneAt);
    raw.gates.for(key).note429(parseRetryAfter(reply.headers.get('retry-after'), reply.headers.get('date')));
    return reply;
  }
  if (recorder.leanChecked++ < LEAN_SAMPLE) return recordAnswer(recorder, exchange, url, method, res, t0, doneAt);
  exchange.response = { status: res.status, headers: {}, body: `<${res.text.length} characters: a flood answer, not kept>` };
  const requestId = res.headers['x-request-id'] ?? null;
  if (requestId !== null) exchange.request_id = requestId;
  return { status: res.status, headers: EMPTY_HEADERS, text: '', json: undefined, requestId, exchange, sentAt: t0, doneAt };
}

export interface FloodState {
  sent: number;
  throttled: Reply[];
  admitted: Reply[];
  transportErrors: number;
  first429At: number | undefined;
  peakConcurrency: number;
  startedAt: number;
}

export interface FloodOptions {
  key: KeyRole;
  startConcurrency: number;
  maxRequests: number;
  maxMs: number;
  /** Stop launching once this holds (checked after every completion). */
  done(state: FloodState): boolean;
  /** Called once, when the flood holds the key throttled (a probe goes out under pressure). */
  onThrottled?(state: FloodState): void;
  /**
   * How many answers in a row must be 429 before onThrottled (default 1: the
   * first). Against a fast refill (1,000/s) one 429 only says the bucket was
   * empty for a moment; a run of them says the flood is outpacing the refill,
   * so a probe sent then meets an empty bucket.
   */
  throttledRun?: number;
  /**
   * Extra flood requests launched at once, just before onThrottled: the tokens a
   * server hands out at the head of its next batch go to them rather than to the
   * probes onThrottled sends. Counted and recorded like the rest of the flood.
   */
  cover?: number;
}

/**
 * Keeps `concurrency` side-effect-free requests in flight with one key,
 * doubling it each round that sees no 429, until `done` or a bound.
 */
export async function flood(raw: Client, opts: FloodOptions): Promise<FloodState> {
  const state: FloodState = { sent: 0, throttled: [], admitted: [], transportErrors: 0, first429At: undefined, peakConcurrency: opts.startConcurrency, startedAt: performance.now() };
  let concurrency = opts.startConcurrency;
  let completedAtThisLevel = 0;
  let run429 = 0;
  let notified = false;
  const runNeeded = Math.max(1, opts.throttledRun ?? 1);
  const inflight = new Set<Promise<void>>();
  const bounded = (): boolean => state.sent >= opts.maxRequests || performance.now() - state.startedAt >= opts.maxMs || state.transportErrors > 20 || opts.done(state);
  const launch = (): void => {
    state.sent++;
    const p: Promise<void> = floodGet(raw, opts.key).then(
      (r) => {
        if (r.status === 429) {
          state.throttled.push(r);
          state.first429At ??= r.doneAt;
          // A long flood that never strings enough 429s together still probes, once it has seen plenty.
          if (!notified && (++run429 >= runNeeded || state.throttled.length >= 4 * runNeeded)) {
            notified = true;
            for (let i = 0; i < (opts.cover ?? 0); i++) launch();
            opts.onThrottled?.(state);
          }
        } else {
          run429 = 0;
          if (r.status >= 200 && r.status < 300) state.admitted.push(r);
        }
        if (state.first429At === undefined && ++completedAtThisLevel >= concurrency) {
          concurrency = Math.min(MAX_CONCURRENCY, concurrency * 2);
          state.peakConcurrency = Math.max(state.peakConcurrency, concurrency);
          completedAtThisLevel = 0;
        }
      },
      (err: unknown) => {
        if (!(err instanceof TransportError)) throw err;
        state.transportErrors++;
      },
    ).finally(() => { inflight.delete(p); });
    inflight.add(p);
  };
  for (;;) {
    while (inflight.size < concurrency && !bounded()) launch();
    if (inflight.size === 0) break;
    await Promise.race(inflight);
  }
  if (state.transportErrors > 20) throw new TransportError(`${state.transportErrors} of ${state.sent} requests of a burst got no response`);
  return state;
}
