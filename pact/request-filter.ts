/**
 * The verification proxy's request filter. For each request the verifier
 * replays from a pact it:
 * - swaps the placeholder keys for the real ones (no key is ever in a pact),
 *   and the pacts' example Idempotency-Key for a fresh one per interaction
 *   (a client mints one per request; the example reused would meet IDEM-2);
 * - sends it to the target itself and answers the verifier with the response,
 *   retrying a 429 after its Retry-After as the consumer would (CLI-2): a
 *   throttle is not what the interaction is about, except in the 429 state,
 *   where the key is re-exhausted right before and nothing is retried;
 * - files the exchange, key redacted, under the interaction in flight: the
 *   evidence of the PACT checks.
 * State setup calls (/_pactSetup) only mark where each interaction begins.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { backoffDelay, parseRetryAfter, systemClock, type RateGate } from '../client/index.js';
import { checkResponse } from '../contracts/conformance.js';
import type { Exchange } from '../core/exchange.js';
import { REDACTED } from '../suites/lib/redact.js';
import { EXAMPLE_IDEMPOTENCY_KEY, PLACEHOLDER_KEYS } from './contract.js';
import type { ThrottleControl } from './provider-states.js';
import type { VerificationSession } from './session.js';

/** The slice of express's request the filter reads (express has no types installed here). */
export type ProxiedRequest = IncomingMessage & { originalUrl: string; path: string; body?: unknown };
export type RequestFilter = (req: ProxiedRequest, res: ServerResponse, next: (err?: unknown) => void) => void;

const RECORDED_BODY_CHARS = 8192;
const STATE_PATH = '/_pactSetup';
const MAX_THROTTLE_RETRIES = 4;
/** Tries at putting the 429 state's request into an exhausted bucket. */
const MAX_STATE_ATTEMPTS = 3;
const MAX_RETRY_AFTER_MS = 30_000;
/** Not forwarded: hop-by-hop fields, and what fetch computes itself. */
const DROPPED_REQUEST = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect', 'accept-encoding']);
/** Not passed back: fetch has already decoded and de-chunked the body. */
const DROPPED_RESPONSE = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);

const clip = (s: string): string => (s.length > RECORDED_BODY_CHARS ? `${s.slice(0, RECORDED_BODY_CHARS)}… [${s.length - RECORDED_BODY_CHARS} more characters]` : s);

export interface FilterConfig {
  target: string;
  keys: { primary: string; broke?: string };
  session: VerificationSession;
  throttle: ThrottleControl;
  /** The primary key's gate, shared with the state setup's client (CLI-12). */
  gate: RateGate;
  requestTimeoutMs: number;
  redact: (text: string) => string;
}

/** body-parser has parsed JSON bodies; send them as the proxy would (re-serialized), raw ones as they came. */
function bodyOf(req: ProxiedRequest): string | Buffer | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  if (Buffer.isBuffer(req.body)) return req.body.byteLength > 0 ? req.body : undefined;
  if (req.body !== undefined && typeof req.body === 'object') return JSON.stringify(req.body);
  return undefined;
}

export function createRequestFilter(config: FilterConfig): RequestFilter {
  const { session, throttle, redact, gate } = config;

  function recordExchange(method: string, url: string, headers: Record<string, string>, body: string | Buffer | undefined, key: Exchange['key']): Exchange {
    const shown: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) shown[k] = k === 'x-api-key' && (key === 'primary' || key === 'broke') ? REDACTED : redact(v);
    const text = body === undefined ? undefined : typeof body === 'string' ? body : `<${body.byteLength} bytes>`;
    const exchange: Exchange = {
      request: { method, url: redact(url), headers: shown, ...(text !== undefined ? { body: redact(clip(text)) } : {}) },
      response: null, started_at: new Date().toISOString(), time_ms: 0, key, violations: [],
    };
    session.current?.exchanges.push(exchange);
    return exchange;
  }

  function recordResponse(exchange: Exchange, res: Response, text: string, path: string, started: number): void {
    exchange.time_ms = Date.now() - started;
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => { headers[k] = redact(v); });
    exchange.response = { status: res.status, headers, body: redact(clip(text)) };
    if (headers['x-request-id']) exchange.request_id = headers['x-request-id'];
    let json: unknown;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    exchange.violations = checkResponse({ method: exchange.request.method, path, status: res.status, headers, body: json, text });
    exchange.operation = `${exchange.request.method} ${path.replace(/\/v1\/jobs\/[^/]+/, '/v1/jobs/{job_id}')}`;
  }

  async function forward(req: ProxiedRequest, res: ServerResponse): Promise<void> {
    session.requested();
    const record = session.current;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !DROPPED_REQUEST.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    let key: Exchange['key'] = 'none';
    const sent = headers['x-api-key'];
    if (sent === PLACEHOLDER_KEYS.primary) { headers['x-api-key'] = config.keys.primary; key = 'primary'; }
    else if (sent === PLACEHOLDER_KEYS.broke && config.keys.broke) { headers['x-api-key'] = config.keys.broke; key = 'broke'; }
    else if (sent !== undefined) key = 'custom';
    if (headers['idempotency-key'] === EXAMPLE_IDEMPOTENCY_KEY) headers['idempotency-key'] = `jobcert-pact-${randomUUID()}`;

    const method = req.method ?? 'GET';
    const url = `${config.target}${req.originalUrl}`;
    const path = new URL(req.originalUrl, 'http://proxied.invalid').pathname;
    const body = bodyOf(req);
    const throttled = throttle.active;
    const reply = (answer: Response, bytes: Buffer): void => {
      res.statusCode = answer.status;
      // A redirect's Location is not passed back: the verifier would follow it to another origin, past this filter,
      // and jobcert never follows a redirect (the interaction fails on the 3xx status instead).
      const redirect = answer.status >= 300 && answer.status < 400;
      answer.headers.forEach((v, k) => { if (!DROPPED_RESPONSE.has(k) && !(redirect && k === 'location')) res.setHeader(k, v); });
      res.end(bytes);
    };
    const send = async (): Promise<{ answer: Response; bytes: Buffer }> => {
      const exchange = recordExchange(method, url, headers, body, key);
      const started = Date.now();
      const answer = await fetch(url, { method, headers, redirect: 'manual', signal: AbortSignal.timeout(config.requestTimeoutMs), ...(body !== undefined ? { body } : {}) });
      const bytes = Buffer.from(await answer.arrayBuffer());
      recordResponse(exchange, answer, bytes.toString('utf8'), path, started);
      return { answer, bytes };
    };

    if (throttled) {
      // The bucket refills continuously, so the state can slip between the burst and this request. Only the
      // side-effect-free GET of the 429 state is re-sent, after exhausting the key again, a bounded number of times.
      for (let attempt = 1; ; attempt++) {
        const now = await throttle.rethrottle();
        if (!now.throttled) record?.notes.push(`right before this request, ${now.sent} more requests saw no 429`);
        const { answer, bytes } = await send();
        if (answer.status === 429 || method !== 'GET' || attempt >= MAX_STATE_ATTEMPTS) { reply(answer, bytes); return; }
        record?.notes.push(`attempt ${attempt}: the key's limit had refilled before the request arrived (${answer.status}); exhausted it again and resent the GET`);
      }
    }

    for (let retry = 0; ; retry++) {
      if (key === 'primary') await gate.wait(systemClock);
      const { answer, bytes } = await send();
      const wait = answer.status === 429 ? parseRetryAfter(answer.headers.get('retry-after'), Date.now()) : undefined;
      if (answer.status === 429 && key === 'primary') gate.closeUntil(Date.now() + (wait ?? 0));
      if (answer.status !== 429 || retry >= MAX_THROTTLE_RETRIES) { reply(answer, bytes); return; }
      const delay = Math.min(MAX_RETRY_AFTER_MS, Math.max(wait ?? 0, backoffDelay(retry, Math.random)));
      record?.notes.push(`throttled (429) before the interaction's own answer; retried after ${delay} ms as the consumer would (CLI-2)`);
      await systemClock.sleep(delay);
    }
  }

  return (req, res, next) => {
    if (req.path === STATE_PATH) {
      const body = (req.body ?? {}) as { action?: string; state?: string };
      if (body.action === 'teardown') session.teardown();
      else session.setup(body.state ?? '');
      next();
      return;
    }
    forward(req, res).catch((err: unknown) => {
      const message = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);
      session.current?.notes.push(`no answer from the target: ${redact(message)}`);
      if (!res.headersSent) {
        res.statusCode = 502;
        res.setHeader('content-type', 'text/plain');
      }
      res.end(`jobcert: the target did not answer (${redact(message)})`);
    });
  };
}
