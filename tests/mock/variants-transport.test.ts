// The transport variants (SPEC §1 transport: connections kept or closed, after
// any number of requests or when idle, with or without a Keep-Alive hint;
// Content-Length or chunked; the provider's latency) do what they say on a real
// socket. Loopback only, every loop bounded. tests/certify/variants.test.ts
// proves certify passes on them.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tailLatencyMs } from '../../mocks/adapters/http.js';
import { createEngine, startHttpServer, type RunningServer, type VariantName } from '../../mocks/index.js';
import { startEmbeddedMock } from '../../mocks/process/start.js';
import { KEYS } from './harness.js';

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

interface RawResponse { head: string; headers: Record<string, string>; body: string; chunks: number }

/**
 * One raw connection: write a request, parse its answer by hand (Content-Length
 * or chunked framing, counting the chunks), then the next. Resolves with the
 * answers and how long after the last one the server closed (null: still open
 * at `waitCloseMs`).
 */
function rawSession(port: number, requests: readonly { text: string; pauseMs?: number }[], waitCloseMs: number): Promise<{ responses: RawResponse[]; closedAfterMs: number | null }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const responses: RawResponse[] = [];
    let buf = Buffer.alloc(0);
    let lastAt = 0;
    let closedAfterMs: number | null = null;
    const guard = setTimeout(() => finish(), waitCloseMs + 5000);
    const finish = (): void => { clearTimeout(guard); socket.destroy(); resolve({ responses, closedAfterMs }); };
    const sendNext = (): void => {
      const next = requests[responses.length];
      if (!next) { setTimeout(finish, waitCloseMs); return; }
      setTimeout(() => socket.write(next.text), next.pauseMs ?? 0);
    };
    socket.on('connect', sendNext);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const parsed = parseResponse(buf);
      if (!parsed) return;
      buf = buf.subarray(parsed.used);
      responses.push(parsed.response);
      lastAt = performance.now();
      sendNext();
    });
    socket.on('end', () => { closedAfterMs = Math.round(performance.now() - lastAt); finish(); });
    socket.on('error', (err) => { clearTimeout(guard); reject(err); });
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
function agentGet(url: string, agent: Agent): Promise<{ status: number; headers: IncomingHttpHeaders; socket: Socket; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, { agent, headers: { 'x-api-key': KEYS.primary } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, socket: req.socket as Socket, ms: performance.now() - t0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('§1 transport variants on a real socket', () => {
  it('§1 transport: by default the mock keeps connections open and says for how long (the contrast)', async () => {
    const server = await serve();
    const { responses, closedAfterMs } = await rawSession(server.port, [{ text: GET('/health', null) }], 500);
    expect(responses[0]!.headers['keep-alive']).toBe('timeout=5');
    expect(closedAfterMs).toBeNull();
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
    const raw = await rawSession(server.port, [{ text: GET('/health', null) }, { text: GET('/health', null) }, { text: GET('/health', null) }], 2000);
    expect(raw.responses).toHaveLength(3);
    expect(raw.closedAfterMs).not.toBeNull();
    expect(raw.closedAfterMs!, 'closed by the server, not left to time out').toBeLessThan(2500);
  });

  it('§1 transport: idle-close keeps a busy connection, closes it after 300 ms idle, and sends no Keep-Alive hint', async () => {
    const server = await serve('idle-close');
    const { responses, closedAfterMs } = await rawSession(server.port, [{ text: GET('/health', null) }, { text: GET('/v1/jobs'), pauseMs: 100 }], 3000);
    expect(responses).toHaveLength(2); // the 100 ms pause did not lose the connection
    for (const r of responses) {
      expect(r.headers['keep-alive']).toBeUndefined();
      expect(r.headers.connection).toBe('keep-alive');
    }
    expect(closedAfterMs).not.toBeNull();
    expect(closedAfterMs!).toBeGreaterThanOrEqual(250);
    // Generous: it only tells the 300 ms idle close from Node's own 5 s keep-alive on a busy machine.
    expect(closedAfterMs!).toBeLessThan(2500);
  });

  it('§1 transport: idle-close still honours a client\'s Connection: close', async () => {
    const server = await serve('idle-close');
    const { responses, closedAfterMs } = await rawSession(server.port, [{ text: 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' }], 3000);
    expect(responses[0]!.headers.connection).toBe('close');
    expect(closedAfterMs!, 'closed after the answer, not after an idle wait').not.toBeNull();
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
    const server = await serve('latency-tail');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const random = vi.spyOn(Math, 'random');
    try {
      const timed = async (draw: number): Promise<number> => {
        random.mockReturnValue(draw);
        return (await agentGet(`${server.url}/health`, agent)).ms;
      };
      await timed(0.5); // the connection, opened outside the measurements
      const none = await timed(0.5); // no delay drawn
      // Lower bounds only (a timer never fires early); the comparison with the undelayed answer needs no clock of the machine's speed.
      expect(await timed(0.05)).toBeGreaterThanOrEqual(66); // 50 + 0.05 × 350
      const long = await timed(0.005);
      expect(long).toBeGreaterThanOrEqual(404); // 400 + 0.005 × 1100
      expect(long - none, 'the undelayed answer came without the drawn delay').toBeGreaterThan(300);
    } finally {
      random.mockRestore();
      agent.destroy();
    }
  });

  it('§1 transport: the embedded mock in its own process carries the transport variants', async () => {
    const mock = await startEmbeddedMock({ faults: [], variants: ['idle-close', 'chunked'], rateLimit: false });
    servers.push(mock);
    const port = Number(new URL(mock.url).port);
    const { responses, closedAfterMs } = await rawSession(port, [{ text: GET('/health', null) }], 3000);
    expect(responses[0]!.headers['transfer-encoding']).toBe('chunked');
    expect(responses[0]!.headers['keep-alive']).toBeUndefined();
    expect(closedAfterMs!).toBeGreaterThanOrEqual(250);
    expect(closedAfterMs!).toBeLessThan(2000);
  });
});
