/**
 * The client under test against the mock engine through msw, in virtual time.
 * Every attempt the client makes is recorded as it leaves (time, headers, body,
 * status), and faults are injected as msw handlers in front of the engine:
 * 5xx, 429 with a chosen Retry-After, a connection dropped before or after the
 * provider acted. Nothing leaves the process; the base URL is a loopback
 * discard port in case interception ever failed.
 */
import { http, HttpResponse } from 'msw';
import type { setupServer } from 'msw/node';
import { createClient, type ClientOptions, type LogEvent } from '../../client/index.js';
import { createEngine, DEFAULT_ACCOUNTS, mswHandlers, type Engine, type EngineOptions } from '../../mocks/index.js';
import { virtualTime, type VirtualTime } from './virtual-time.js';

export const BASE = 'http://127.0.0.1:9';
export const KEYS = { primary: DEFAULT_ACCOUNTS[0]!.key, second: DEFAULT_ACCOUNTS[1]!.key, broke: DEFAULT_ACCOUNTS[2]!.key };
export const VIDEO = 'https://media.example.com/clips/interview.mp4?duration=12';
export const FAILING_VIDEO = 'https://media.example.com/clips/fail-corrupt.mp4';

export interface WireRecord {
  at: number;
  method: string;
  path: string;
  apiKey: string | null;
  idempotencyKey: string | null;
  body: string;
  status: number | 'network-error' | 'aborted';
  retryAfter: string | null;
}

export type Injection =
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'drop-before' }
  | { kind: 'drop-after' }
  | { kind: 'retry-after-as-date' }
  | { kind: 'hang' };

interface Rule { method: string; path: RegExp; times: number; injection: Injection }

/** Deterministic [0, 1) sequence (a linear congruential generator), so backoff jitter is reproducible. */
export function seededRandom(seed = 42): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Hands one msw request to the engine, as the adapter does (for faults that need the provider to act first). */
async function viaEngine(engine: Engine, request: Request): Promise<{ status: number; headers: Record<string, string>; body: string | Uint8Array | null }> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((v, k) => { headers[k] = v; });
  const bytes = new Uint8Array(await request.arrayBuffer());
  return engine.handle({ method: request.method, url: url.pathname + url.search, headers, body: bytes.byteLength ? bytes : null });
}

export interface World {
  vt: VirtualTime;
  engine: Engine;
  wire: WireRecord[];
  logs: LogEvent[];
  client(overrides?: Partial<ClientOptions>): ReturnType<typeof createClient>;
  /** The next `times` matching requests get the injection. */
  inject(method: string, path: RegExp, injection: Injection, times?: number): void;
  /** Runs work in virtual time. */
  run<T>(work: Promise<T>): Promise<T>;
  /** Charge events of a job, read straight from the engine (no client, no rate limit). */
  charges(jobId: string, key?: string): unknown[];
}

export function world(server: ReturnType<typeof setupServer>, options: EngineOptions = {}): World {
  const vt = virtualTime();
  const engine = createEngine({ processingMs: 3000, rateLimit: false, ...options, clock: { now: vt.now } });
  const rules: Rule[] = [];
  let chaosIds = 0;
  const chaos = http.all(`${BASE}/*`, async ({ request }) => {
    const path = new URL(request.url).pathname;
    const rule = rules.find((r) => r.times > 0 && r.injection.kind !== 'hang' && r.method === request.method && r.path.test(path));
    if (!rule) return undefined;
    rule.times--;
    const requestId = `req_injected_${++chaosIds}`;
    const inj = rule.injection;
    switch (inj.kind) {
      case 'status': {
        const code = inj.status === 429 ? 'rate_limited' : inj.status === 504 ? 'timeout' : 'internal_error';
        const headers: Record<string, string> = { 'x-request-id': requestId, ...(inj.retryAfter !== undefined ? { 'retry-after': inj.retryAfter } : {}) };
        return HttpResponse.json({ error: { code, message: `injected ${inj.status}`, request_id: requestId } }, { status: inj.status, headers });
      }
      case 'drop-before':
        return HttpResponse.error();
      case 'drop-after':
        await viaEngine(engine, request); // the provider acts; the answer never arrives
        return HttpResponse.error();
      case 'retry-after-as-date': {
        const out = await viaEngine(engine, request);
        const seconds = Number(out.headers['retry-after']);
        if (Number.isFinite(seconds)) out.headers['retry-after'] = new Date(Math.ceil((vt.now() + seconds * 1000) / 1000) * 1000).toUTCString();
        return new HttpResponse(out.body as string, { status: out.status, headers: out.headers });
      }
      case 'hang':
        return undefined; // never reached: the recording fetch holds hanging requests, as it knows about virtual time
    }
  });
  server.resetHandlers(chaos, ...mswHandlers(engine, BASE));

  const wire: WireRecord[] = [];
  const logs: LogEvent[] = [];
  const record = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    const entry: WireRecord = {
      at: vt.now(), method: req.method, path, apiKey: req.headers.get('x-api-key'), idempotencyKey: req.headers.get('idempotency-key'),
      body: req.method === 'GET' ? '' : await req.clone().text(), status: 'network-error', retryAfter: null,
    };
    wire.push(entry);
    const hang = rules.find((r) => r.times > 0 && r.injection.kind === 'hang' && r.method === req.method && r.path.test(path));
    if (hang) {
      hang.times--;
      vt.hanging(1);
      return new Promise<Response>((_, reject) => {
        const stop = (): void => { vt.hanging(-1); entry.status = 'aborted'; reject(req.signal.reason); };
        if (req.signal.aborted) stop(); else req.signal.addEventListener('abort', stop, { once: true });
      });
    }
    const res = await globalThis.fetch(req);
    entry.status = res.status;
    entry.retryAfter = res.headers.get('retry-after');
    return res;
  };
  const fetch = vt.track(record);

  return {
    vt, engine, wire, logs,
    client: (overrides = {}) => createClient({ baseUrl: BASE, apiKey: KEYS.primary, fetch, clock: vt.clock, random: seededRandom(), logger: (e) => logs.push(e), ...overrides }),
    inject(method, path, injection, times = 1) { rules.push({ method, path, times, injection }); },
    run: (work) => vt.run(work),
    charges(jobId, key = KEYS.primary) {
      const out = engine.handle({ method: 'GET', url: `/v1/usage/events?job_id=${encodeURIComponent(jobId)}`, headers: { 'x-api-key': key }, body: null });
      return (JSON.parse(String(out.body)) as { events: unknown[] }).events;
    },
  };
}
