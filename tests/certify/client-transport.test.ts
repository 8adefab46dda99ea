// SPEC §1 transport lets a provider close a kept-alive connection whenever it
// likes, so a request can cross the server's close and get no answer. The
// recording client resends only what RFC 9112 §9.3.1 lets it: a read, or a
// write whose reused connection closed before a byte of the answer (an idle
// close crossing it, so never applied), once, on a fresh connection, with a
// note in both exchanges.
// A test server closes connections on cue. Loopback only.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { agentRequest, unansweredOf } from '../../suites/lib/agent-transport.js';
import { Client, Recorder, resendReason, TransportError } from '../../suites/lib/client.js';
import { flood } from '../../suites/lib/rate/flood.js';
import type { RunConfig } from '../../suites/lib/config.js';

/** What the server does with the nth request on a connection. */
type Cue = 'answer' | 'close' | 'reset' | 'partial' | 'garble';

interface Seen { method: string; n: number; connection: string | undefined; key: string | undefined }

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => {
  if (!server) return resolve();
  server.closeAllConnections();
  server.close(() => resolve());
  server = undefined;
}));

/** A server that answers 200 unless `cue` says otherwise; it records every request it read. */
async function serve(cue: (req: IncomingMessage, n: number) => Cue): Promise<{ target: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const count = new WeakMap<Socket, number>();
  server = createServer((req, res) => {
    const n = (count.get(req.socket) ?? 0) + 1;
    count.set(req.socket, n);
    seen.push({ method: req.method ?? '', n, connection: req.headers.connection, key: req.headers['idempotency-key'] as string | undefined });
    req.resume();
    req.on('end', () => {
      const what = cue(req, n);
      if (what === 'close') req.socket.destroy();
      else if (what === 'reset') req.socket.resetAndDestroy();
      else if (what === 'partial') { req.socket.write('HTTP/1.1 200 OK\r\ncontent-type: appl'); req.socket.destroy(); }
      else if (what === 'garble') { req.socket.write('HTTP/1.1 2xx nonsense\r\n\r\n'); req.socket.destroy(); }
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { target: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function client(target: string): { client: Client; recorder: Recorder } {
  const config: RunConfig = {
    target, embedded: null, keys: { primary: 'k' }, videos: [], profile: 'quick', jobTimeoutS: 10, requestTimeoutMs: 5_000,
    deadlineAt: Date.now() + 60_000, concurrency: 1, burstMax: 100, promptPolicy: 'required',
  };
  const recorder = new Recorder(config);
  return { client: new Client(recorder, { retry429: false }), recorder };
}

const keyed = { 'Idempotency-Key': 'jobcert-test-1' };
const noKey = { key: 'none' } as const;
/** The first request that arrives on a reused connection crosses the server's close. */
function closeSecond(how: Cue): (req: IncomingMessage, n: number) => Cue {
  let done = false;
  return (_req, n) => {
    if (n < 2 || done) return 'answer';
    done = true;
    return how;
  };
}

/**
 * One exchange, then a turn of the event loop: undici takes a connection back
 * into its pool only then, and would open a second one for a request sent at
 * once; the next request then goes out on the kept-alive connection.
 */
async function warm(c: Client): Promise<void> {
  expect((await c.get('/warm', noKey)).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('§1 transport: the recording client and a server that closes kept-alive connections', () => {
  it.each(['close', 'reset'] as const)('a GET crossing the server\'s %s is sent once more on a fresh connection, both attempts noted', async (how) => {
    const { target, seen } = await serve(closeSecond(how));
    const { client: c, recorder } = client(target);
    await warm(c);
    const reply = await c.get('/b', noKey);
    expect([reply.status, reply.json]).toEqual([200, { n: 1 }]);
    expect(seen.map((s) => [s.n, s.connection])).toEqual([[1, 'keep-alive'], [2, 'keep-alive'], [1, 'close']]);
    const [, failed, resent] = recorder.exchanges;
    expect(failed).toMatchObject({ response: null, transport: 'reset', note: expect.stringContaining('fresh connection') });
    expect(failed!.error).toContain('sent once more');
    expect(resent).toMatchObject({ response: { status: 200 }, note: expect.stringContaining('a resend') });
  });

  it.each(['close', 'reset'] as const)('a POST with an Idempotency-Key crossing the server\'s %s on a reused connection is resent with the same key and body', async (how) => {
    const { target, seen } = await serve(closeSecond(how));
    const { client: c, recorder } = client(target);
    await warm(c);
    const reply = await c.post('/jobs', { a: 1 }, { ...noKey, headers: keyed });
    expect(reply.status).toBe(200);
    expect(seen.slice(1).map((s) => [s.method, s.n, s.key, s.connection])).toEqual([['POST', 2, 'jobcert-test-1', 'keep-alive'], ['POST', 1, 'jobcert-test-1', 'close']]);
    expect(recorder.exchanges[2]!.request.body).toBe(recorder.exchanges[1]!.request.body);
    expect(recorder.exchanges[1]!.note).toContain('RFC 9112 §9.3.1');
  });

  it('a POST without an Idempotency-Key crossing the server\'s close is resent too: the server never read it', async () => {
    const { target, seen } = await serve(closeSecond('close'));
    const { client: c, recorder } = client(target);
    await warm(c);
    expect((await c.post('/jobs', { a: 1 }, noKey)).status).toBe(200);
    expect(seen.filter((s) => s.method === 'POST').map((s) => [s.n, s.key, s.connection])).toEqual([[2, undefined, 'keep-alive'], [1, undefined, 'close']]);
    expect(recorder.exchanges[1]!.note).toContain('never applied');
    expect(recorder.exchanges[1]!.note).not.toContain('IDEM-1');
  });

  it('a POST is not resent when the connection was fresh: that is the server failing, not an idle close', async () => {
    const { target, seen } = await serve(() => 'close');
    const { client: c } = client(target);
    await expect(c.post('/jobs', { a: 1 }, { ...noKey, headers: keyed })).rejects.toBeInstanceOf(TransportError);
    expect(seen).toHaveLength(1);
  });

  it('a POST is not resent once part of its answer came', async () => {
    const { target, seen } = await serve(closeSecond('partial'));
    const { client: c } = client(target);
    await warm(c);
    await expect(c.post('/jobs', { a: 1 }, { ...noKey, headers: keyed })).rejects.toBeInstanceOf(TransportError);
    expect(seen.filter((s) => s.method === 'POST')).toHaveLength(1);
  });

  it('a GET whose answer is garbled is sent once more; a second failure is the check\'s error', async () => {
    const { target, seen } = await serve(() => 'garble');
    const { client: c, recorder } = client(target);
    await expect(c.get('/a', noKey)).rejects.toMatchObject({ kind: 'protocol' });
    expect(seen).toHaveLength(2);
    expect(recorder.exchanges.map((e) => e.transport)).toEqual(['protocol', 'protocol']);
  });

  it('the flood transport tells a reused connection, and how much of the answer came', async () => {
    const { target } = await serve((req, n) => (req.url === '/partial' ? 'partial' : n === 2 ? 'close' : 'answer'));
    await agentRequest(`${target}/a`, 'GET', {}, 5000, 1024);
    const crossed = await agentRequest(`${target}/b`, 'GET', {}, 5000, 1024).catch((err: unknown) => err);
    expect(unansweredOf(crossed)).toEqual({ reused: true, responseBytes: 0 });
    const partial = await agentRequest(`${target}/partial`, 'GET', {}, 5000, 1024, undefined, { fresh: true }).catch((err: unknown) => err);
    expect(unansweredOf(partial)).toMatchObject({ reused: false });
    expect(unansweredOf(partial)!.responseBytes).toBeGreaterThan(0);
  });

  it('a flood whose pooled connections the server closes as they are reused sends each of those reads once more, fresh, and goes on (idle-close seen in CI)', async () => {
    const { target, seen } = await serve((_req, n) => (n >= 2 ? 'reset' : 'answer'));
    const { client: c, recorder } = client(target);
    const state = await flood(c, { key: 'primary', startConcurrency: 4, maxRequests: 80, maxMs: 10_000, done: (s) => s.admitted.length >= 40 });
    expect(state.transportErrors).toBe(0);
    expect(state.admitted.length).toBeGreaterThanOrEqual(40);
    const failed = recorder.exchanges.filter((e) => e.response === null);
    expect(failed.length, 'the server reset reused connections').toBeGreaterThan(0);
    for (const e of failed) expect(e).toMatchObject({ transport: 'reset', note: expect.stringContaining('fresh connection') });
    expect(recorder.exchanges.filter((e) => e.note?.startsWith('a resend')).length).toBe(failed.length);
    expect(seen.filter((s) => s.connection === 'close').length, 'each resend on a connection of its own').toBe(failed.length);
  });

  it('a flood still gives up, as a transport error, when reads get no answer even on fresh connections', async () => {
    const { target } = await serve(() => 'reset');
    const { client: c } = client(target);
    await expect(flood(c, { key: 'primary', startConcurrency: 4, maxRequests: 200, maxMs: 10_000, done: () => false })).rejects.toThrow(/of \d+ requests of a burst got no response/);
  });

  it('resendReason: reads on a reset or garbled answer; writes only on a reused connection that closed before any byte', () => {
    const clean = { reused: true, responseBytes: 0 };
    expect(resendReason('GET', {}, 'reset', undefined)).toBeDefined();
    expect(resendReason('HEAD', {}, 'protocol', undefined)).toBeDefined();
    expect(resendReason('GET', {}, 'timeout', clean)).toBeUndefined();
    expect(resendReason('POST', { 'idempotency-key': 'k' }, 'reset', clean)).toContain('IDEM-1');
    expect(resendReason('POST', {}, 'reset', clean)).toContain('never applied');
    expect(resendReason('POST', keyed, 'reset', { reused: false, responseBytes: 0 })).toBeUndefined();
    expect(resendReason('POST', keyed, 'reset', { reused: true, responseBytes: 12 })).toBeUndefined();
    expect(resendReason('POST', keyed, 'timeout', clean)).toBeUndefined();
    expect(resendReason('POST', keyed, 'reset', undefined)).toBeUndefined();
    expect(resendReason('DELETE', {}, 'reset', { reused: true, responseBytes: 1 })).toBeUndefined();
  });
});
