/**
 * The suites' HTTP client. Every exchange is recorded HAR-like with keys
 * redacted, checked against the spec (the SCHEMA family), and bounded: a
 * per-request timeout, a 1 MiB response cap, no redirects (the key never
 * follows a Location to another origin), and at most 4 retries of a 429.
 */
import { checkResponse, type Violation } from '../../contracts/conformance.js';
import { backoffMs, parseRetryAfter, sleep } from './backoff.js';
import { KEY_ENV, type KeyRole, type RunConfig } from './config.js';
import { REDACTED, redactor } from './redact.js';

const RESPONSE_CAP = 1024 * 1024;
/** Evidence keeps the start of long bodies; the check itself sees them whole. */
const RECORDED_BODY_CHARS = 8192;
const clip = (s: string): string => (s.length > RECORDED_BODY_CHARS ? `${s.slice(0, RECORDED_BODY_CHARS)}… [${s.length - RECORDED_BODY_CHARS} more characters]` : s);
const MAX_429_RETRIES = 4;

export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body: string; truncated?: boolean } | null;
  error?: string;
  started_at: string;
  time_ms: number;
  request_id?: string;
  key: KeyRole | 'none' | 'custom';
  /** Spec violations of this response (SCHEMA family). */
  violations: Violation[];
  operation?: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // Checks read arbitrary members of provider JSON; shapes are checked by conformance, not by the type.
  json: any;
  requestId: string | null;
  exchange: Exchange;
}

export interface RequestOptions {
  /** Which configured key to send; 'none' sends no X-Api-Key; `{ raw }` sends that exact value. */
  key?: KeyRole | 'none' | { raw: string };
  body?: unknown;
  /** Raw body, sent as is (with `contentType` or none). */
  raw?: string | Uint8Array;
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Retry 429s honouring Retry-After (default true; RATE checks turn it off). */
  retry429?: boolean;
}

export class Recorder {
  readonly exchanges: Exchange[] = [];
  readonly redact: (text: string) => string;
  constructor(readonly config: RunConfig) {
    this.redact = redactor([config.keys.primary, config.keys.alt, config.keys.broke]);
  }
  get violations(): { exchange: Exchange; violation: Violation }[] {
    return this.exchanges.flatMap((exchange) => exchange.violations.map((violation) => ({ exchange, violation })));
  }
}

async function readCapped(res: Response): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: '', truncated: false };
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

export class Client {
  /** `retry429: false` makes a client for the RATE checks, which must see every 429. */
  constructor(private readonly recorder: Recorder, private readonly defaults: { retry429: boolean } = { retry429: true }) {}

  private get config(): RunConfig { return this.recorder.config; }

  keyFor(role: KeyRole): string | undefined {
    return this.config.keys[role];
  }

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
    let attempt = 0;
    for (;;) {
      const reply = await this.once(method, path, opts);
      if (reply.status !== 429 || !(opts.retry429 ?? this.defaults.retry429) || attempt >= MAX_429_RETRIES) return reply;
      const wait = Math.max(parseRetryAfter(reply.headers.get('retry-after')) ?? 0, backoffMs(attempt));
      await sleep(Math.min(wait, 16_000));
      attempt++;
    }
  }

  get(path: string, opts?: RequestOptions): Promise<Reply> { return this.request('GET', path, opts); }
  post(path: string, body: unknown, opts: RequestOptions = {}): Promise<Reply> { return this.request('POST', path, { ...opts, body }); }

  private async once(method: string, path: string, opts: RequestOptions): Promise<Reply> {
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
      response: null, started_at: new Date(started).toISOString(), time_ms: 0, key: keyRole, violations: [],
    };
    this.recorder.exchanges.push(exchange);
    let res: Response;
    try {
      res = await fetch(url, { method, headers, redirect: 'manual', signal: AbortSignal.timeout(this.config.requestTimeoutMs), ...(body !== undefined ? { body } : {}) });
    } catch (err) {
      exchange.time_ms = Math.round(performance.now() - t0);
      const cause = err instanceof Error ? (err.name === 'TimeoutError' ? `no response within ${this.config.requestTimeoutMs} ms` : `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`) : String(err);
      exchange.error = redact(cause);
      throw new TransportError(`${method} ${redact(url)}: ${exchange.error}`);
    }
    const { text, truncated } = await readCapped(res);
    exchange.time_ms = Math.round(performance.now() - t0);
    const responseHeaders: Record<string, string> = {};
    res.headers.forEach((v, k) => { responseHeaders[k] = redact(v); });
    exchange.response = { status: res.status, headers: responseHeaders, body: redact(clip(text)), ...(truncated ? { truncated: true } : {}) };
    const requestId = res.headers.get('x-request-id');
    if (requestId !== null) exchange.request_id = requestId;
    let json: unknown;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    const pathOnly = new URL(url).pathname;
    if (url.startsWith(this.config.target)) {
      exchange.violations = checkResponse({ method, path: pathOnly, status: res.status, headers: Object.fromEntries(res.headers), body: json, text });
      exchange.operation = `${method} ${pathOnly.replace(/\/v1\/jobs\/[^/]+/, '/v1/jobs/{job_id}')}`;
    }
    return { status: res.status, headers: res.headers, text, json, requestId, exchange };
  }
}

/** The target did not answer at all (refused, reset, timed out). */
export class TransportError extends Error {
  override name = 'TransportError';
}

/** A curl command reproducing an exchange, with the key as an environment variable. */
export function curlFor(exchange: Exchange): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = ['curl', '-sS', '-i', '-X', exchange.request.method, q(exchange.request.url)];
  for (const [k, v] of Object.entries(exchange.request.headers)) {
    if (k === 'accept') continue;
    if (k === 'x-api-key' && exchange.key !== 'none' && exchange.key !== 'custom') parts.push('-H', `"X-Api-Key: $${KEY_ENV[exchange.key]}"`);
    else parts.push('-H', q(`${k}: ${v}`));
  }
  if (exchange.request.body !== undefined) parts.push('--data-binary', q(exchange.request.body));
  return parts.join(' ');
}
