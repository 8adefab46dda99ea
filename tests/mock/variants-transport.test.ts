// The transport variants (SPEC §1 transport: connections kept or closed, after
// any number of requests or when idle, with or without a Keep-Alive hint;
// Content-Length or chunked; the provider's latency) do what they say on a real
// socket. Loopback only, every loop bounded. tests/certify/variants.test.ts
// proves certify passes on them. No test here times an answer or a close (CI
// machines are loaded): who closed a connection and why is read from the
// server's socket and from the order of events on the wire, and a delay from
// the adapter's timer on a fake clock (./held.ts). Waits for a close are
// backstops, met at once when the server does close.
import { Agent, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tailLatencyMs } from '../../mocks/adapters/http.js';
import { createEngine, startHttpServer, type RunningServer, type VariantName } from '../../mocks/index.js';
import { startEmbeddedMock } from '../../mocks/process/start.js';
import { KEYS } from './harness.js';
import { observedMock } from './held.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(...variants: VariantName[]): Promise<RunningServer> {
  const server = await startHttpServer(createEngine({ variants, rateLimit: false }));
  servers.push(server);
  return server;
}

const GET = (path: string, key: string | null = KEYS.primary): string => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${key ? `X-Api-Key: ${key}\r\n` : ''}\r\n`;

/** How long a session waits for the server to close a connection it should close: met at once when it does, a backstop when it does not. */
const CLOSE_BACKSTOP_MS = 10_000;

/** The server side of each connection a server accepts: the inactivity timeout it was given, and whether it fired. */
function watchServerSockets(server: Server): { timeoutMs: number | undefined; timedOut: number }[] {
  const seen: { timeoutMs: number | undefined; timedOut: number }[] = [];
  server.on('connection', (socket: Socket) => {
    const entry = { timeoutMs: undefined as number | undefined, timedOut: 0 };
    seen.push(entry);
    // Read as it fires: the socket is destroyed right after.
    socket.on('timeout', () => { entry.timedOut++; entry.timeoutMs = socket.timeout; });
    socket.on('close', () => { entry.timeoutMs ??= socket.timeout; });
  });
  return seen;
}

interface RawResponse { head: string; headers: Record<string, string>; body: string; chunks: number }

/**
 * One raw connection: write a request, parse its answer by hand (Content-Length
 * or chunked framing, counting the chunks), then the next. Resolves with the
 * answers and whether the server closed the connection (false: still open
 * `waitCloseMs` after the last answer). A request the server never answers
 * because it closed the connection first leaves `responses` short (the session
 * then ends on the close, or at the backstop, `waitCloseMs` + 5 s).
 */
function rawSession(port: number, requests: readonly { text: string; pauseMs?: number }[], waitCloseMs: number): Promise<{ responses: RawResponse[]; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const responses: RawResponse[] = [];
    let buf = Buffer.alloc(0);
    let closed = false;
    // A backstop for a session where nothing more happens (a request neither answered nor closed on).
    const guard = setTimeout(() => finish(), waitCloseMs + 5000);
    const finish = (): void => { clearTimeout(guard); socket.destroy(); resolve({ responses, closed }); };
    const sendNext = (): void => {
      const next = requests[responses.length];
      if (!next) { setTimeout(finish, waitCloseMs); return; }
      setTimeout(() => { if (!socket.destroyed) socket.write(next.text); }, next.pauseMs ?? 0);
    };
    socket.on('connect', sendNext);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const parsed = parseResponse(buf);
      if (!parsed) return;
      buf = buf.subarray(parsed.used);
      responses.push(parsed.response);
      sendNext();
    });
    socket.on('end', () => { closed = true; finish(); });
    socket.on('error', (err: Error & { code?: string }) => {
      // A request written as the server closed the connection may meet a reset: the server closed it all the same.
      if (responses.length > 0 && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) { closed = true; finish(); return; }
      clearTimeout(guard);
      reject(err);
    });
  });
}

/** A complete response at the start of `buf`, or undefined while bytes are missing. */
function parseResponse(buf: Buffer): { response: RawResponse; used: number } | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = buf.subarray(0, end).toString('latin1');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let at = end + 4;
  if (headers['transfer-encoding'] !== 'chunked') {
    const length = Number(headers['content-length'] ?? 0);
    if (buf.length < at + length) return undefined;
    return { response: { head, headers, body: buf.subarray(at, at + length).toString(), chunks: 0 }, used: at + length };
  }
  const parts: Buffer[] = [];
  for (let frames = 0; frames < 1000; frames++) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buf.subarray(at, lineEnd).toString(), 16);
    if (buf.length < lineEnd + 2 + size + 2) return undefined;
    if (size === 0) return { response: { head, headers, body: Buffer.concat(parts).toString(), chunks: parts.length }, used: lineEnd + 4 };
    parts.push(buf.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  throw new Error('more than 1000 chunks');
}

/** A GET over node:http and the agent given; resolves with the socket it went out on. */
function agentGet(url: string, agent: Agent): Promise<{ status: number; headers: IncomingHttpHeaders; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { 'x-api-key': KEYS.primary } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, socket: req.socket as Socket }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('§1 transport variants on a real socket', () => {
  it('§1 transport: by default the mock keeps connections open and says for how long (the contrast)', async () => {
    const server = await serve();
    const { responses, closed } = await rawSession(server.port, [{ text: GET('/health', null) }], 500);
    expect(responses[0]!.headers['keep-alive']).toBe('timeout=5');
    expect(closed).toBe(false);
  });

  it('§1 transport: close-after-n answers the 3rd request of a connection with Connection: close and closes it', async () => {
    const server = await serve('close-after-n');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const answers = [];
      for (let i = 0; i < 7; i++) answers.push(await agentGet(`${server.url}/v1/jobs?limit=1`, agent));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
      expect(answers.map((a) => a.headers.connection)).toEqual(['keep-alive', 'keep-alive', 'close', 'keep-alive', 'keep-alive', 'close', 'keep-alive']);
      expect(new Set(answers.map((a) => a.socket)).size).toBe(3);
    } finally {
      agent.destroy();
    }
    // A 4th request after the 3rd answer: the server closed the connection with that answer, so the 4th is
    // never answered (kept open to time out, the connection would have carried it).
    const raw = await rawSession(server.port, [{ text: GET('/health', null) }, { text: GET('/health', null) }, { text: GET('/health', null) }, { text: GET('/health', null) }], CLOSE_BACKSTOP_MS);
    expect(raw.responses.map((r) => r.headers.connection), 'answers on the connection').toEqual(['keep-alive', 'keep-alive', 'close']);
    expect(raw.closed, 'closed by the server after its 3rd answer').toBe(true);
  });

  it('§1 transport: idle-close keeps a busy connection, closes it after 300 ms idle, and sends no Keep-Alive hint', async () => {
    const server = await serve('idle-close');
    const sockets = watchServerSockets(server.server);
    const { responses, closed } = await rawSession(server.port, [{ text: GET('/health', null) }, { text: GET('/v1/jobs'), pauseMs: 100 }], CLOSE_BACKSTOP_MS);
    expect(responses).toHaveLength(2); // the 100 ms pause did not lose the connection
    for (const r of responses) {
      expect(r.headers['keep-alive']).toBeUndefined();
      expect(r.headers.connection).toBe('keep-alive');
    }
    expect(closed, 'the server closed the idle connection').toBe(true);
    // Why, from the server's side rather than a stopwatch: its 300 ms inactivity timeout fired
    // (node:http's own keep-alive timer is off with this variant, and would have sent a hint).
    expect(sockets).toEqual([{ timeoutMs: 300, timedOut: 1 }]);
  });

  it('§1 transport: idle-close still honours a client\'s Connection: close', async () => {
    const server = await serve('idle-close');
    const sockets = watchServerSockets(server.server);
    const { responses, closed } = await rawSession(server.port, [{ text: 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' }], CLOSE_BACKSTOP_MS);
    expect(responses[0]!.headers.connection).toBe('close');
    expect(closed).toBe(true);
    expect(sockets.map((s) => s.timedOut), 'closed after the answer, not by the idle timer').toEqual([0]);
  });

  it('§1 transport: idle-close, a keep-alive agent that waits past 300 ms gets a fresh connection each time', async () => {
    const server = await serve('idle-close');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<Socket>();
      for (let i = 0; i < 3; i++) {
        const a = await agentGet(`${server.url}/health`, agent);
        expect(a.status).toBe(200);
        sockets.add(a.socket);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(sockets.size).toBe(3);
    } finally {
      agent.destroy();
    }
  });

  it.each([[[]], [['header-case']]] as const)('§1 transport: the mock\'s own framing is one Content-Length, never chunked (variants %j)', async (variants) => {
    const server = await serve(...variants);
    const { responses } = await rawSession(server.port, [{ text: GET('/v1/jobs?limit=1') }, { text: GET('/health', null) }], 100);
    expect(responses).toHaveLength(2);
    for (const r of responses) {
      const lengths = r.head.split('\r\n').filter((line) => /^content-length:/i.test(line));
      expect(lengths, r.head).toHaveLength(1);
      expect(Number(lengths[0]!.split(':')[1])).toBe(Buffer.byteLength(r.body));
      expect(r.headers['transfer-encoding']).toBeUndefined();
    }
  });

  it('§1 transport: chunked sends bodies as several chunks, Transfer-Encoding: chunked and no Content-Length', async () => {
    const server = await serve('chunked');
    const { responses } = await rawSession(server.port, [{ text: GET('/v1/jobs?limit=1') }, { text: GET('/health', null) }, { text: GET('/v1/jobs', null) }], 100);
    expect(responses).toHaveLength(3); // the framing left the connection usable
    for (const r of responses) {
      expect(r.headers['transfer-encoding']).toBe('chunked');
      expect(r.headers['content-length']).toBeUndefined();
      expect(r.chunks).toBeGreaterThanOrEqual(2);
      expect(() => JSON.parse(r.body) as unknown).not.toThrow();
    }
    expect(JSON.parse(responses[0]!.body)).toMatchObject({ jobs: [] });
    expect(JSON.parse(responses[2]!.body)).toMatchObject({ error: { code: expect.any(String) } });
  });

  it('§1 transport: chunked with compression, fetch gets the gzip body back whole', async () => {
    const server = await serve('chunked', 'compression');
    const res = await fetch(`${server.url}/v1/jobs?limit=1`, { headers: { 'x-api-key': KEYS.primary, 'accept-encoding': 'gzip' } });
    expect([res.headers.get('transfer-encoding'), res.headers.get('content-encoding'), res.headers.get('content-length')]).toEqual(['chunked', 'gzip', null]);
    expect(await res.json()).toMatchObject({ jobs: [] });
  });

  it('§1 transport: latency-tail draws most delays at 0, about 1 in 10 at 50–400 ms, about 1 in 100 up to 1.5 s', () => {
    const draws = Array.from({ length: 20_000 }, () => tailLatencyMs());
    const at = (lo: number, hi: number): number => draws.filter((d) => d >= lo && d <= hi).length / draws.length;
    expect(at(0, 0)).toBeGreaterThan(0.85);
    expect(at(50, 400)).toBeGreaterThan(0.08);
    expect(at(50, 400)).toBeLessThan(0.13);
    expect(at(401, 1500)).toBeGreaterThan(0.004);
    expect(at(401, 1500)).toBeLessThan(0.02);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1500);
    expect(at(1, 49)).toBe(0);
  });

  it('§1 transport: latency-tail holds an answer back on the wire by the drawn delay', async () => {
    const mock = await observedMock({ variants: ['latency-tail'], rateLimit: false });
    servers.push(mock);
    const random = vi.spyOn(Math, 'random');
    try {
      // Each draw's delay, as the adapter's timer holds the answer on a fake clock (./held.ts).
      const held = async (draw: number): Promise<{ drawn: number; answer: Awaited<ReturnType<typeof mock.get>> }> => {
        random.mockReturnValue(draw);
        const drawn = tailLatencyMs();
        return { drawn, answer: await mock.get('/health') };
      };
      expect(await held(0.5), 'no delay drawn: sent at once').toEqual({ drawn: 0, answer: { status: 200, timers: 0, heldForMs: 0 } });
      expect(await held(0.05)).toEqual({ drawn: 68, answer: { status: 200, timers: 1, heldForMs: 68 } }); // 50 + 0.05 × 350
      expect(await held(0.005)).toEqual({ drawn: 406, answer: { status: 200, timers: 1, heldForMs: 406 } }); // 400 + 0.005 × 1100
    } finally {
      random.mockRestore();
    }
  });

  it('§1 transport: the embedded mock in its own process carries the transport variants', async () => {
    const mock = await startEmbeddedMock({ faults: [], variants: ['idle-close', 'chunked'], rateLimit: false });
    servers.push(mock);
    const port = Number(new URL(mock.url).port);
    const { responses, closed } = await rawSession(port, [{ text: GET('/health', null) }], CLOSE_BACKSTOP_MS);
    expect(responses[0]!.headers['transfer-encoding']).toBe('chunked');
    // idle-close reached the child: no Keep-Alive hint (the default sends timeout=5), and the idle connection is closed.
    expect(responses[0]!.headers['keep-alive']).toBeUndefined();
    expect(closed).toBe(true);
  });
});
