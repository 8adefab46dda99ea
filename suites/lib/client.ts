/**
 * The suites' HTTP client, the only way checks talk to a target. Every exchange
 * is recorded HAR-like with keys redacted, checked against the spec (the SCHEMA
 * family), and bounded: a per-request timeout, the check's time budget and the
 * run deadline, a 1 MiB response cap, no redirects (the key never follows a
 * Location to another origin), and at most 4 retries of a 429. An answer a
 * check cannot read (a redirect, a body that is not a JSON object or over the
 * cap) is blamed on the contract when the check reads it (`Reply.json`,
 * `Reply.unusable`), never on the rule it was read for. Requests with a
 * configured key pass through that key's gate (pacing, Retry-After, circuit
 * breaker: gate.ts).
 */
import { checkResponse, type Violation } from '../../contracts/conformance.js';
import { findOperation } from '../../contracts/spec.js';
import { backoffMs, parseRetryAfter, sleep } from './backoff.js';
import type { KeyRole, RunConfig } from './config.js';
import { OutOfTime, TransportError, unusableAnswer, type Unusable } from './errors.js';
import { agentRequest, unansweredOf, watchFetchConnections, type Unanswered } from './agent-transport.js';
import { KeyGates } from './gate.js';
import type { Exchange, TransportFailure } from '../../core/exchange.js';
import { pathnameOf } from './pathname.js';
import { REDACTED, redactor } from './redact.js';

export const RESPONSE_CAP = 1024 * 1024;
/** Evidence keeps the start of long bodies; the check itself sees them whole. */
const RECORDED_BODY_CHARS = 8192;
const clip = (s: string): string => (s.length > RECORDED_BODY_CHARS ? `${s.slice(0, RECORDED_BODY_CHARS)}… [${s.length - RECORDED_BODY_CHARS} more characters]` : s);
const MAX_429_RETRIES = 4;

/** What the transport did when no response came: the report's transport section counts these. */
export { curlFor, type Exchange, type TransportFailure } from '../../core/exchange.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /**
   * The body as JSON. Reading it when the answer is unusable (`unusable`)
   * throws what that blames (errors.ts, unusableAnswer), so a check that needed
   * the answer ends on the contract's rule, never on a TypeError or its own.
   */
  // Checks read arbitrary members of provider JSON; shapes are checked by conformance, not by the type.
  json: any;
  /** Set when an answer of the contract's operations cannot be read: why, and whom it blames. */
  unusable?: Unusable;
  requestId: string | null;
  exchange: Exchange;
  /** When the request went out and when its answer was complete (performance.now()). */
  sentAt: number;
  doneAt: number;
}

export interface RequestOptions {
  /** Which configured key to send; 'none' sends no X-Api-Key; `{ raw }` sends that exact value. */
  key?: KeyRole | 'none' | { raw: string };
  body?: unknown;
  /** Raw body, sent as is (with `contentType` or none). */
  raw?: string | Uint8Array;
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Retry 429s honouring Retry-After (default: the client's; RATE checks turn it off). */
  retry429?: boolean;
  /** Floods only: go out regardless of the key's gate (they exist to empty the bucket). */
  bypassGate?: boolean;
  /**
   * A request that carries this key other than as X-Api-Key (a near miss of it,
   * or the key in the wrong place) waits in its gate: a provider that wrongly
   * accepts it counts it against that key.
   */
  gate?: KeyRole;
  /**
   * A probe sent into a flood: over the flood's keep-alive agent, so it queues
   * with the flood's requests at the server instead of arriving on a quiet
   * connection of its own (which a server tends to serve first, with a token
   * the flood left); recorded and checked in full. Bounded by the request
   * timeout alone: like the flood's, it carries no AbortSignal.
   */
  withFlood?: boolean;
}

export class Recorder {
  readonly exchanges: Exchange[] = [];
  /** Lean (flood) answers whose body was checked against the spec; the rest are sampled out. */
  leanChecked = 0;
  /** Writes (POST) answered 429 and retried: if a throttled write has effects (RATE-5 broken), what follows them is not the check's to judge. */
  throttledWrites = 0;
  /** Answers that could not be read, oldest first: a check that then broke on its own is blamed on the last (check.ts). */
  readonly unusable: Unusable[] = [];
  private secrets: string[];
  private redactSecrets: (text: string) => string;
  /** Every recorded or reported text of the check passes here; bound, so it can be handed around. */
  readonly redact = (text: string): string => this.redactSecrets(text);
  /** The run's key gates: the checks of one run share them (a recorder made alone gets gates of its own). */
  constructor(readonly config: RunConfig, readonly gates: KeyGates = new KeyGates()) {
    this.secrets = [config.keys.primary, config.keys.alt, config.keys.broke].filter((k): k is string => k !== undefined);
    this.redactSecrets = redactor(this.secrets);
  }
  /** Values a check derives from a key (AUTH-2's near misses) are secrets too: redacted from then on, before they are sent. */
  addSecrets(values: readonly string[]): void {
    this.secrets = [...this.secrets, ...values];
    this.redactSecrets = redactor(this.secrets);
  }
  get violations(): { exchange: Exchange; violation: Violation }[] {
    return this.exchanges.flatMap((exchange) => exchange.violations.map((violation) => ({ exchange, violation })));
  }
}

/** An answer as the transports give it; `fetched` is fetch's own Headers, which the Reply reuses rather than rebuilds. */
export interface Answer { status: number; headers: Record<string, string>; text: string; truncated: boolean; fetched?: Headers }

/**
 * fetch bounded by the request timeout and the check's signal, body included.
 * One controller and one timer per request rather than AbortSignal.timeout
 * and AbortSignal.any, and the check's signal listened to once per client
 * (`inFlight`) rather than once per request: a fuzz case's bookkeeping should
 * cost less than its request.
 */
async function fetchCapped(url: string, init: RequestInit, timeoutMs: number, inFlight: Set<AbortController>): Promise<Answer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no response within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  inFlight.add(controller);
  try {
    const res = await fetch(url, { ...init, signal: controller.signal });
    const { text, truncated } = await readCapped(res);
    return { status: res.status, headers: Object.fromEntries(res.headers), text, truncated, fetched: res.headers };
  } finally {
    clearTimeout(timer);
    inFlight.delete(controller);
  }
}

async function readCapped(res: Response): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: '', truncated: false };
  // A declared length within the cap is all an unencoded body can be (the parser stops there): read it whole, without
  // a chunk loop. fetch decodes gzip and the like, so an encoded body may grow past its length: those go through the loop.
  const declared = Number(res.headers.get('content-length') ?? NaN);
  const encoding = res.headers.get('content-encoding');
  if ((encoding === null || encoding.trim().toLowerCase() === 'identity') && Number.isInteger(declared) && declared >= 0 && declared <= RESPONSE_CAP) return { text: Buffer.from(await res.arrayBuffer()).toString('utf8'), truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > RESPONSE_CAP) {
      chunks.push(value.subarray(0, RESPONSE_CAP - size));
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

/** Names the failure of a fetch that got no response, from undici's error causes. */
export function classify(err: unknown, timeoutMs: number): { kind: TransportFailure; text: string } {
  if (!(err instanceof Error)) return { kind: 'other', text: String(err) };
  if (err.name === 'TimeoutError') return { kind: 'timeout', text: `no response within ${timeoutMs} ms` };
  const cause = err.cause as (Error & { code?: string }) | undefined;
  // fetch wraps the socket's error in `cause`; node:http (the flood transport) throws it as it is.
  const code = cause?.code ?? (err as Error & { code?: string }).code ?? '';
  const text = `${err.message}${cause ? `: ${cause.message}` : ''}`;
  if (code === 'ECONNREFUSED') return { kind: 'refused', text: 'connection refused' };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || /other side closed|socket hang up/i.test(text)) return { kind: 'reset', text: `connection reset or closed before a full response (${code || cause?.message || err.message})` };
  if (code.startsWith('HPE_') || /parse|invalid (header|status|chunk)|content-length/i.test(text)) return { kind: 'protocol', text: `malformed HTTP response (${code || text})` };
  return { kind: 'other', text };
}

/** The recorded answer: redacted, checked against the spec, and handed to the check as a Reply. */
export function recordAnswer(recorder: Recorder, exchange: Exchange, url: string, method: string, res: Answer, t0: number, doneAt: number): Reply {
  const { redact, config } = recorder;
  const responseHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) responseHeaders[k] = redact(v);
  exchange.response = { status: res.status, headers: responseHeaders, body: redact(clip(res.text)), ...(res.truncated ? { truncated: true } : {}) };
  const requestId = res.headers['x-request-id'] ?? null;
  if (requestId !== null) exchange.request_id = requestId;
  let json: unknown;
  try { json = res.text ? JSON.parse(res.text) : undefined; } catch { json = undefined; }
  const pathOnly = pathnameOf(url);
  let unusable: Unusable | undefined;
  if (url.startsWith(config.target)) {
    const violations = checkResponse({ method, path: pathOnly, status: res.status, headers: res.headers, body: json, text: res.text });
    // A body cut at the cap cannot be checked: its size breaks no rule, and the cut is jobcert's.
    exchange.violations = res.truncated ? violations.filter((v) => !v.message.startsWith('body')) : violations;
    exchange.operation = `${method} ${pathOnly.replace(/\/v1\/jobs\/[^/]+/, '/v1/jobs/{job_id}')}`;
    const found = findOperation(method === 'HEAD' ? 'GET' : method, pathOnly) ? unusableOf(`${method} ${exchange.request.url} → ${res.status}`, method, res, json) : undefined;
    if (found) {
      unusable = { ...found, why: redact(found.why) };
      recorder.unusable.push(unusable);
    }
  }
  const reply: Reply = {
    status: res.status, headers: res.fetched ?? new Headers(res.headers), text: res.text, requestId, exchange, sentAt: t0, doneAt,
    get json(): unknown {
      if (unusable) throw unusableAnswer(unusable);
      return json;
    },
  };
  if (unusable) reply.unusable = unusable;
  return reply;
}

const isJsonObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Why an answer of an operation cannot be read, when it cannot: every answer
 * the contract documents is JSON (SPEC §1) with an object body, and none is
 * a redirect. `what` names the exchange ("GET <url> → 200").
 */
function unusableOf(what: string, method: string, res: Answer, json: unknown): Unusable | undefined {
  if (res.status >= 300 && res.status < 400) {
    const to = res.headers.location;
    return { blame: 'SCHEMA', why: `${what}: a redirect${to ? ` to ${to}` : ''}, a status the contract does not document; not followed (the key goes nowhere else), so there is no answer to judge` };
  }
  if (method === 'HEAD' || res.status === 204) return undefined;
  if (res.truncated) return { blame: undefined, why: `${what}: its body is over the ${RESPONSE_CAP / (1024 * 1024)} MiB jobcert reads (cut there), so what it says cannot be read` };
  if (isJsonObject(json)) return undefined;
  const type = res.headers['content-type'] ?? 'no content type';
  const flat = res.text.replace(/\s+/g, ' ').trim();
  const body = flat === '' ? 'an empty body' : `${flat.length > 120 ? `${flat.slice(0, 120)}…` : flat}`;
  return {
    blame: res.status >= 400 ? 'ERR-1' : 'SCHEMA',
    why: `${what}: the body is not a JSON object (${type}): ${body}${res.status >= 400 ? ', not the error envelope {error: {code, message, request_id}}' : ''}`,
  };
}

/** The body as JSON when the answer is usable, else nothing: for messages, and for code that handles a missing body itself. */
// The same arbitrary JSON as Reply.json.
export const jsonIfUsable = (r: Pick<Reply, 'json' | 'unusable'>): any => (r.unusable ? undefined : r.json);

/** A request that got no answer: its recorded exchange, and what its connection showed. */
interface NoAnswer { exchange: Exchange; unanswered: Unanswered | undefined }
const noAnswers = new WeakMap<TransportError, NoAnswer>();

/**
 * Whether a request that got no answer may go out once more, and why: the
 * note its exchange carries. RFC 9112 §9.3.1 lets a client resend
 * automatically what is idempotent, or what it can tell was never applied.
 *
 * A read changes nothing: any reset or garbled answer earns it a resend.
 * Any other request only on the sign of a server closing a connection it
 * held idle (SPEC §1 lets it, at any moment, without a hint) just as the
 * request went out: the connection had carried an exchange before, and it
 * closed before a byte of this answer came. The other reading, a server that
 * read the request, acted on it and dropped the connection without a word, is
 * a provider losing answers, not a transport choice; the harness takes the
 * idle close, as curl, Chromium and Firefox do for any method. Not on a fresh
 * connection, a timeout, or once part of an answer came: there the server may
 * have acted. With an Idempotency-Key the resend is a replay at worst
 * (IDEM-1); without, the dropping provider would see a write twice, and the
 * note in both exchanges puts that in the evidence of any count that then
 * disagrees.
 */
export function resendReason(method: string, headers: Record<string, string>, kind: TransportFailure, seen: Unanswered | undefined): string | undefined {
  if (method === 'GET' || method === 'HEAD') {
    return kind === 'reset' || kind === 'protocol' ? 'a read changes nothing: sent once more, on a fresh connection' : undefined;
  }
  if (kind !== 'reset' || !seen?.reused || seen.responseBytes !== 0) return undefined;
  const keyed = Object.keys(headers).some((k) => k.toLowerCase() === 'idempotency-key');
  return `the server closed this reused connection before any byte of an answer (an idle close crossing the request: never applied${keyed ? '; its Idempotency-Key makes a resend a replay at worst, IDEM-1' : ''}): sent once more, on a fresh connection (RFC 9112 §9.3.1)`;
}

export interface ClientOptions {
  /** false makes a client for the RATE checks, which must see every 429. */
  retry429: boolean;
  /** The check's time budget and the run deadline. */
  signal?: AbortSignal;
}

export class Client {
  /** The requests going out over fetch now: the check's signal aborts them all. */
  private readonly inFlight = new Set<AbortController>();

  constructor(readonly recorder: Recorder, private readonly options: ClientOptions = { retry429: true }) {
    watchFetchConnections();
    const outer = options.signal;
    // The listener holds the set alone, not the client: a long-lived signal must not keep a finished check's recorder.
    const inFlight = this.inFlight;
    outer?.addEventListener('abort', () => { for (const c of inFlight) c.abort(outer.reason); }, { once: true });
  }

  private get config(): RunConfig { return this.recorder.config; }

  /** The check's time budget and the run deadline, when the client has them. */
  get signal(): AbortSignal | undefined { return this.options.signal; }

  /** The run's key gates this client waits in. */
  get gates(): KeyGates { return this.recorder.gates; }

  keyFor(role: KeyRole): string | undefined {
    return this.config.keys[role];
  }

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
    const retry = opts.retry429 ?? this.options.retry429;
    const keyOpt = opts.key ?? 'primary';
    const role = typeof keyOpt === 'string' && keyOpt !== 'none' ? keyOpt : opts.gate;
    const gate = role && !opts.bypassGate ? this.recorder.gates.for(role) : undefined;
    for (let attempt = 0; ; attempt++) {
      const admitted = gate ? await gate.admit(this.options.signal, this.config.deadlineAt) : undefined;
      let reply: Reply;
      try {
        reply = await this.onceOrAgain(method, path, opts);
      } catch (err) {
        if (gate && admitted) gate.settle(admitted, 'no-answer');
        throw err;
      }
      const retryAfterMs = reply.status === 429 ? parseRetryAfter(reply.headers.get('retry-after'), reply.headers.get('date')) : undefined;
      if (reply.status === 429 && method === 'POST') this.recorder.throttledWrites++;
      // Without the key itself, only a 429 says anything of the key's state: any other answer must not pass for its recovery probe.
      if (gate && admitted) gate.settle(admitted, opts.gate && reply.status !== 429 ? 'no-answer' : { status: reply.status, retryAfterMs });
      else if (reply.status === 429 && role && opts.bypassGate) this.recorder.gates.for(role).note429(retryAfterMs);
      // A redirect is no answer at all: the check that sent the request could not judge it (its status is SCHEMA's).
      if (reply.unusable && reply.status >= 300 && reply.status < 400) throw unusableAnswer(reply.unusable);
      if (reply.status !== 429 || !retry || attempt >= MAX_429_RETRIES) return reply;
      // Keyless requests have no gate to wait in: back off here.
      if (!gate) await this.pause(Math.min(16_000, Math.max(retryAfterMs ?? 0, backoffMs(attempt))));
    }
  }

  get(path: string, opts?: RequestOptions): Promise<Reply> { return this.request('GET', path, opts); }
  post(path: string, body: unknown, opts: RequestOptions = {}): Promise<Reply> { return this.request('POST', path, { ...opts, body }); }

  /**
   * A request that got no answer goes out once more where resendReason allows,
   * on a connection of its own: a pooled one may be the next the server is
   * closing. Both attempts are recorded, each with a note, so the transport
   * section still counts the first and the evidence shows the resend.
   */
  private async onceOrAgain(method: string, path: string, opts: RequestOptions): Promise<Reply> {
    try {
      return await this.once(method, path, opts);
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      const failed = noAnswers.get(err);
      const why = resendReason(method, opts.headers ?? {}, err.kind, failed?.unanswered);
      if (!why) throw err;
      if (failed) {
        failed.exchange.note = why;
        failed.exchange.error = `${failed.exchange.error ?? ''}; ${why}`;
      }
      return this.once(method, path, opts, `a resend of the request before it, which got no answer: ${why}`);
    }
  }

  /** Sleeps within the check's budget and the run deadline. */
  async pause(ms: number): Promise<void> {
    if (Date.now() + ms > this.config.deadlineAt) throw new OutOfTime('the run deadline (--max-duration) passed');
    await sleep(ms, this.options.signal);
  }

  /** One attempt; `resend` (its note) sends it on a fresh connection. */
  private async once(method: string, path: string, opts: RequestOptions, resend?: string): Promise<Reply> {
    if (Date.now() > this.config.deadlineAt) throw new OutOfTime('the run deadline (--max-duration) passed');
    this.options.signal?.throwIfAborted();
    const url = /^https?:\/\//.test(path) ? path : `${this.config.target}${path}`;
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const keyOpt = opts.key ?? 'primary';
    let keyRole: Exchange['key'] = 'none';
    if (typeof keyOpt === 'object') { headers['x-api-key'] = keyOpt.raw; keyRole = 'custom'; }
    else if (keyOpt !== 'none') {
      const key = this.keyFor(keyOpt);
      if (key === undefined) throw new Error(`no ${keyOpt} key configured`);
      headers['x-api-key'] = key;
      keyRole = keyOpt;
    }
    let body: string | Uint8Array | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    const contentType = opts.contentType === undefined ? (body !== undefined ? 'application/json' : null) : opts.contentType;
    if (contentType !== null) headers['content-type'] = contentType;

    const started = Date.now();
    const t0 = performance.now();
    const { redact } = this.recorder;
    const recordedHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, k === 'x-api-key' && keyRole !== 'custom' ? REDACTED : redact(v)]));
    const exchange: Exchange = {
      request: { method, url: redact(url), headers: recordedHeaders, ...(body !== undefined ? { body: redact(typeof body === 'string' ? clip(body) : `<${body.byteLength} bytes>`) } : {}) },
      response: null, started_at: new Date(started).toISOString(), time_ms: 0, key: keyRole, violations: [], ...(resend ? { note: resend } : {}),
    };
    this.recorder.exchanges.push(exchange);
    let answer: Answer;
    try {
      answer = resend !== undefined
        ? await agentRequest(url, method, headers, this.config.requestTimeoutMs, RESPONSE_CAP, body, { fresh: true, ...(this.options.signal ? { signal: this.options.signal } : {}) })
        : opts.withFlood
          ? await agentRequest(url, method, headers, this.config.requestTimeoutMs, RESPONSE_CAP, body)
          : await fetchCapped(url, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) }, this.config.requestTimeoutMs, this.inFlight);
    } catch (err) {
      exchange.time_ms = Math.round(performance.now() - t0);
      // The check's own budget or the run deadline: not the target's doing.
      if (this.options.signal?.aborted) throw this.options.signal.reason;
      const { kind, text: cause } = classify(err, this.config.requestTimeoutMs);
      exchange.error = redact(cause);
      exchange.transport = kind;
      const failure = new TransportError(`${method} ${redact(url)}: ${exchange.error}`, kind);
      noAnswers.set(failure, { exchange, unanswered: unansweredOf(err) });
      throw failure;
    }
    const doneAt = performance.now();
    exchange.time_ms = Math.round(doneAt - t0);
    return recordAnswer(this.recorder, exchange, url, method, answer, t0, doneAt);
  }

}


export { TransportError } from './errors.js';
