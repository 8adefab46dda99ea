/**
 * The onboarding mock on the wire: the engine behind an injecting node:http
 * server, plus a second loopback origin (the "artifact host") that a redirected
 * output_url points at and that records whether the key arrived. Injections
 * happen before `engine.handle` (throttle, errors, a drop before the request
 * counted) or after it (a drop or a held answer once the request took effect,
 * an answer decorated with an early output_url); the engine stays as it is.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FILE_EXTENSIONS, type OutputFormat } from '../contracts/policy.js';
import { collectBody } from '../mocks/adapters/http.js';
import type { Engine, MockResponse } from '../mocks/index.js';
import type { Action } from './conditions.js';
import type { Decision, Scenario } from './scenario.js';
import { errorOf, readSeen, type Answer, type KeyFingerprint, type Observed, type Traffic } from './traffic.js';

const RECORDED_BODY_CHARS = 16 * 1024;
const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'proxy-authorization', 'cookie']);

export interface OnboardServers {
  url: string;
  artifactUrl: string;
  close(): Promise<void>;
}

export interface ServerDeps {
  engine: Engine;
  scenario: Scenario;
  traffic: Traffic;
  key: string;
  now: () => number;
  /** Mock port (0 = any); the artifact host always takes a free one. */
  port?: number;
}

export function keyFingerprint(value: string | undefined, key: string): KeyFingerprint {
  if (value === undefined) return 'none';
  if (value === key) return 'given';
  return `other:${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = SECRET_HEADERS.has(k) ? '<redacted>' : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<{ body: Buffer | null; tooLarge: boolean }> {
  return new Promise((resolve) => collectBody(req, (body, tooLarge) => resolve({ body, tooLarge }), () => resolve({ body: null, tooLarge: false })));
}

const clip = (s: string): string => (s.length > RECORDED_BODY_CHARS ? `${s.slice(0, RECORDED_BODY_CHARS)}… [${s.length - RECORDED_BODY_CHARS} more characters]` : s);

function toAnswer(res: MockResponse): Answer {
  const body = res.body === null ? '' : typeof res.body === 'string' ? clip(res.body) : `<${res.body.byteLength} bytes ${res.headers['content-type'] ?? ''}>`;
  const answer: Answer = { status: res.status, headers: { ...res.headers }, body };
  if (res.headers['x-request-id']) answer.requestId = res.headers['x-request-id'];
  if (res.status >= 400 && typeof res.body === 'string') {
    const e = errorOf(res.body);
    if (e.code) answer.errorCode = e.code;
  }
  return answer;
}

/** The SPEC's error envelope (ERR-1) for an injected answer: the client cannot tell it from a real one. */
function envelope(status: number, error: { code: string; message: string; param?: string }, requestId: string, headers: Record<string, string> = {}): MockResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...headers },
    body: JSON.stringify({ error: { ...error, request_id: requestId } }),
  };
}

export async function startOnboardServers(deps: ServerDeps): Promise<OnboardServers> {
  const { engine, scenario, traffic, key, now } = deps;
  const holds = new Set<NodeJS.Timeout>();
  // A heartbeat: when an event is handled late (the process was starved), the last beat bounds when it happened.
  const BEAT_MS = 20;
  let lastBeat = now();
  const beat = setInterval(() => { lastBeat = now(); }, BEAT_MS);
  beat.unref();
  let injectedIds = 0;
  const injectedId = (): string => `req_onb_${(++injectedIds).toString(36)}`;
  let mockUrl = '';
  let artifactUrl = '';

  function send(res: ServerResponse, rec: Observed, out: MockResponse): void {
    if (res.destroyed) return;
    rec.delivered = toAnswer(out);
    if (out.status < 300 && typeof out.body === 'string' && rec.origin === 'mock') {
      const seen = readSeen(out.body);
      if (seen) rec.seen = seen;
    }
    scenario.observe(rec);
    res.writeHead(out.status, out.headers);
    res.end(out.body ?? undefined);
    rec.outcome = 'answered';
    // The answer left now; 'finish' can come much later when the event loop is busy, and Retry-After counts from here.
    rec.endedAt = now();
    const ra = rec.delivered.headers['retry-after'];
    if (out.status === 429 && ra !== undefined && /^\d+$/.test(ra)) rec.retryAfterUntil = rec.endedAt + Number(ra) * 1000;
  }

  function drop(res: ServerResponse, rec: Observed): void {
    rec.outcome = 'dropped';
    rec.endedAt = now();
    res.socket?.destroy();
  }

  function callEngine(req: IncomingMessage, rec: Observed, body: Buffer | null, tooLarge: boolean, withKey: boolean): MockResponse {
    const headers = withKey ? (req.headers as Record<string, string | undefined>) : {};
    const out = engine.handle({ method: req.method ?? 'GET', url: rec.url, headers, body: tooLarge ? null : body, bodyTooLarge: tooLarge });
    rec.engine = toAnswer(out);
    scenario.learn(rec);
    return out;
  }

  function earlyOutputUrl(out: MockResponse, rec: Observed): MockResponse | undefined {
    if (out.status !== 200 || typeof out.body !== 'string' || !rec.jobId) return undefined;
    const body = JSON.parse(out.body) as Record<string, unknown>;
    const ext = FILE_EXTENSIONS[(scenario.formatOfJob(rec.jobId) ?? 'webm') as OutputFormat] ?? 'webm';
    body.output_url = `${mockUrl}/artifacts/${rec.jobId}.${ext}?sig=early-${rec.seq}`;
    return { ...out, body: JSON.stringify(body) };
  }

  function apply(action: Action, decision: Decision, req: IncomingMessage, res: ServerResponse, rec: Observed, body: Buffer | null, tooLarge: boolean): void {
    switch (action.kind) {
      case 'throttle': {
        const headers: Record<string, string> = {};
        if (action.form === 'seconds') headers['retry-after'] = String(action.seconds);
        else {
          const at = Math.ceil((now() + action.seconds * 1000) / 1000) * 1000;
          headers['retry-after'] = new Date(at).toUTCString();
          rec.retryAfterUntil = at;
        }
        send(res, rec, envelope(429, { code: 'rate_limited', message: `rate limit exceeded; retry after ${headers['retry-after']}` }, injectedId(), headers));
        return;
      }
      case 'error': {
        const error = action.status === 400
          ? { code: 'invalid_request', message: 'this source cannot be processed with these settings under the provider\'s policy', param: 'model' }
          : { code: 'internal_error', message: action.status === 503 ? 'service temporarily unavailable' : 'internal error' };
        send(res, rec, envelope(action.status, error, injectedId()));
        return;
      }
      case 'revoke':
        send(res, rec, envelope(401, { code: 'invalid_api_key', message: 'this API key has been revoked' }, injectedId(), { 'www-authenticate': 'ApiKey realm="jobcert", header="X-Api-Key"' }));
        return;
      case 'drop-before':
        drop(res, rec);
        return;
      case 'drop-after':
        callEngine(req, rec, body, tooLarge, true);
        drop(res, rec);
        return;
      case 'slow': {
        const out = callEngine(req, rec, body, tooLarge, true);
        const timer = setTimeout(() => { holds.delete(timer); send(res, rec, out); }, action.holdMs);
        holds.add(timer);
        res.on('close', () => { clearTimeout(timer); holds.delete(timer); });
        return;
      }
      case 'redirect': {
        const out: MockResponse = { status: 302, headers: { location: `${artifactUrl}${rec.url}`, 'x-request-id': injectedId(), 'content-length': '0' }, body: null };
        send(res, rec, out);
        return;
      }
      case 'early-output-url': {
        const out = callEngine(req, rec, body, tooLarge, true);
        const decorated = earlyOutputUrl(out, rec);
        if (decorated) scenario.decorated(rec, decision);
        send(res, rec, decorated ?? out);
        return;
      }
    }
  }

  function handler(origin: Observed['origin']) {
    return (req: IncomingMessage, res: ServerResponse): void => {
      const arrivedAt = now();
      void readBody(req).then(({ body, tooLarge }) => {
        const url = req.url ?? '/';
        const method = req.method ?? 'GET';
        const text = body && !tooLarge ? clip(body.toString('utf8')) : tooLarge ? '<body over 64 KiB>' : undefined;
        const apiKey = req.headers['x-api-key'];
        const idem = req.headers['idempotency-key'];
        const rec = traffic.add({
          origin, method, url, headers: headerRecord(req), key: keyFingerprint(Array.isArray(apiKey) ? apiKey.join(', ') : apiKey, key),
          ...(typeof idem === 'string' ? { idempotencyKey: idem } : {}), ...(text !== undefined ? { body: text } : {}),
          ...scenario.classify(method, url, text), arrivedAt,
        });
        res.on('close', () => {
          if (rec.outcome === 'pending') {
            rec.outcome = 'client-closed';
            rec.endedAt = now();
            rec.closedSince = Math.max(rec.arrivedAt, Math.min(rec.endedAt, lastBeat - BEAT_MS));
          }
        });
        if (origin === 'artifact-host') {
          // The other origin serves what the signed link points at; it never needs (or should see) a key.
          if (rec.op !== 'download') return send(res, rec, envelope(404, { code: 'not_found', message: 'not an artifact' }, injectedId()));
          scenario.decide(rec);
          return send(res, rec, callEngine(req, rec, null, false, false));
        }
        const decision = scenario.decide(rec);
        if (decision) return apply(decision.action, decision, req, res, rec, body, tooLarge);
        send(res, rec, callEngine(req, rec, body, tooLarge, true));
      });
    };
  }

  const listen = async (server: Server, port: number): Promise<string> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const sockets = new Set<Socket>();
  const make = (origin: Observed['origin']): Server => {
    const server = createServer({ keepAliveTimeout: 5000, requestTimeout: 30_000, headersTimeout: 10_000 }, handler(origin));
    server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
    server.on('clientError', (_err, socket) => socket.destroy());
    return server;
  };
  const mock = make('mock');
  const artifacts = make('artifact-host');
  mockUrl = await listen(mock, deps.port ?? 0);
  try {
    artifactUrl = await listen(artifacts, 0);
  } catch (err) {
    mock.close();
    throw err;
  }
  engine.setBaseUrl(mockUrl);
  return {
    url: mockUrl,
    artifactUrl,
    close: async () => {
      clearInterval(beat);
      for (const t of holds) clearTimeout(t);
      holds.clear();
      const closed = Promise.all([mock, artifacts].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
