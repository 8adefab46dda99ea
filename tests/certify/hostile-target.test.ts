// A hostile provider must not make jobcert leak a key, hang or crash: it echoes
// the key back in bodies and headers, sends a 2 MiB body, never answers starts,
// and redirects job reads to another (loopback) origin that records what it gets.
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCertify } from './run-certify.js';

const SECRET = 'sk_hostile_test_5e3c9a1f';
const SECRET2 = 'sk_hostile_alt_77d1b0';

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as { port: number }).port)));
}

describe('certify against a hostile target', () => {
  const stolen: string[] = [];
  const thief = createServer((req, res) => { stolen.push(JSON.stringify(req.headers)); res.end('thanks'); });
  let thiefPort = 0;
  const hostile = createServer((req, res) => {
    const echo = JSON.stringify({ you_sent: req.headers, url: req.url });
    const url = req.url ?? '/';
    if (url === '/health') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    if (/^\/v1\/jobs\/[^/]+\/start/.test(url)) return; // never answers
    if (/^\/v1\/jobs\/[^/?]+$/.test(url)) return void res.writeHead(302, { location: `http://127.0.0.2:${thiefPort}/steal` }).end();
    if (url.startsWith('/v1/jobs?')) return void res.writeHead(200, { 'content-type': 'application/json', 'x-echo': String(req.headers['x-api-key']) }).end(`{"jobs":[],"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    res.writeHead(401, { 'content-type': 'application/json', 'x-echo': String(req.headers['x-api-key']) }).end(`{"error":{"code":"invalid_api_key","message":${JSON.stringify(echo)},"request_id":"r"}}`);
  });
  let target = '';

  beforeAll(async () => {
    thiefPort = await listen(thief, '127.0.0.2');
    target = `http://127.0.0.1:${await listen(hostile, '127.0.0.1')}`;
  });
  afterAll(() => { hostile.closeAllConnections(); hostile.close(); thief.close(); });

  it('finishes in bounded time with exit 1, writes no key anywhere and follows no redirect', async () => {
    const run = await runCertify(['--target', target, '--api-key', SECRET, '--alt-api-key', SECRET2, '--video-url', 'https://media.example.com/v.mp4',
      '--only', 'AUTH,OBS,SCHEMA', '--request-timeout', '1000', '--job-timeout', '2', '--quiet'], { timeoutMs: 180_000 });
    console.log(`hostile target: exit ${run.code} after ${run.ms} ms`);
    expect(run.code).toBe(1);
    expect(run.doc?.verdict).toBe('fail');
    // Every file the run wrote, at any depth (replay/ holds one script per failing check).
    const written = readdirSync(run.out, { recursive: true, encoding: 'utf8' }).map((f) => join(run.out, f)).filter((f) => statSync(f).isFile());
    const texts = [run.stdout, run.stderr, ...written.map((f) => readFileSync(f, 'utf8'))];
    for (const t of texts) {
      expect(t.includes(SECRET)).toBe(false);
      expect(t.includes(SECRET2)).toBe(false);
    }
    expect(readFileSync(join(run.out, 'compliance.json'), 'utf8')).toContain('<redacted>');
    expect(stolen).toEqual([]);
    // The redirected job reads and the 2 MiB list are answers no check can read: blamed on the contract, never a TypeError.
    for (const c of run.doc?.checks ?? []) expect(c.message, c.id).not.toMatch(/TypeError|Cannot read properties/);
  }, 200_000);
});
