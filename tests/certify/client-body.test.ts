// The recording client reads every answer within a 1 MiB cap: a declared
// length within the cap is read whole, an encoded body (which fetch inflates)
// or one without a length through the capped loop, so a small gzip bomb is
// cut at the cap like a long body is. Loopback only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Recorder } from '../../suites/lib/client.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { KEYS } from '../mock/harness.js';

const MiB = 1024 * 1024;
const json = JSON.stringify({ status: 'ok', note: 'é'.repeat(1000) });
const bomb = gzipSync(Buffer.alloc(64 * MiB, 0x20));
let server: Server;
let target: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/declared') res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) }).end(json);
    else if (req.url === '/chunked') { res.writeHead(200, { 'content-type': 'application/json' }); res.write(json.slice(0, 10)); res.end(json.slice(10)); }
    else if (req.url === '/gzip-bomb') res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) }).end(bomb);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(): Client {
  const config: RunConfig = {
    target, embedded: null, keys: { primary: KEYS.primary }, videos: [], profile: 'quick', jobTimeoutS: 10, requestTimeoutMs: 10_000,
    deadlineAt: Date.now() + 60_000, concurrency: 1, burstMax: 100, promptPolicy: 'required',
  };
  return new Client(new Recorder(config), { retry429: false });
}

describe('the recording client reads answers within its cap', () => {
  it.each(['/declared', '/chunked'])('%s: the whole body, decoded as UTF-8', async (path) => {
    const reply = await client().get(path);
    expect(reply.text).toBe(json);
    expect(reply.exchange.response?.truncated).toBeUndefined();
  });

  it('a gzip body that inflates past the cap (small on the wire, 64 MiB decoded) is cut at 1 MiB and marked truncated', async () => {
    const reply = await client().get('/gzip-bomb');
    expect(bomb.length).toBeLessThan(MiB);
    expect(reply.text.length).toBe(MiB);
    expect(reply.exchange.response?.truncated).toBe(true);
  });
});
