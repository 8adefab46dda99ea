// The two adapters are thin: the same script through msw (in-process) and
// through node:http (a real socket on loopback) gives the same statuses, bodies
// and headers, ids aside. Covers AUTH-1, IDEM-1, OBS-1 and ERR-3 on the wire.
import { connect } from 'node:net';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, mswHandlers, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { KEYS, VIDEO } from './harness.js';

type Step = { method: string; path: string; key?: string | null; body?: string; headers?: Record<string, string> };

async function runScript(base: string): Promise<unknown[]> {
  const out: unknown[] = [];
  let jobId = '';
  const send = async (s: Step) => {
    const headers: Record<string, string> = { ...s.headers };
    if (s.key !== null) headers['x-api-key'] = s.key ?? KEYS.primary;
    const res = await fetch(base + s.path.replace('{id}', jobId), { method: s.method, headers, ...(s.body !== undefined ? { body: s.body } : {}) });
    const text = await res.text();
    const normalized = text.replace(/(req|job|evt|sig)_[a-z0-9]+/g, '$1_*').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>').replace(/http:\/\/[^/"]+/g, '<origin>');
    out.push({ step: `${s.method} ${s.path}`, status: res.status, type: res.headers.get('content-type'), replay: res.headers.get('idempotent-replayed'), hasId: Boolean(res.headers.get('x-request-id')), body: normalized });
    return text;
  };
  const json = { 'content-type': 'application/json' };
  const created = JSON.parse(await send({ method: 'POST', path: '/v1/jobs', body: JSON.stringify({ video_url: VIDEO, auto_start: false }), headers: json })) as { id: string };
  jobId = created.id;
  const steps: Step[] = [
    { method: 'GET', path: '/v1/jobs/{id}' },
    { method: 'POST', path: '/v1/jobs/{id}/start', body: '{"model":"light"}', headers: { ...json, 'idempotency-key': 'a' } },
    { method: 'POST', path: '/v1/jobs/{id}/start', body: '{"model":"light"}', headers: { ...json, 'idempotency-key': 'a' } },
    { method: 'POST', path: '/v1/jobs/{id}/start', body: '{"model":"pro"}', headers: { ...json, 'idempotency-key': 'a' } },
    { method: 'POST', path: '/v1/jobs/{id}/start', body: '{}', headers: json },
    { method: 'POST', path: '/v1/jobs', body: '{bad', headers: json },
    { method: 'POST', path: '/v1/jobs', body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    { method: 'POST', path: '/v1/jobs', body: 'x'.repeat(1024 * 1024), headers: json },
    { method: 'GET', path: '/v1/jobs', key: null },
    { method: 'GET', path: '/v1/jobs', key: 'wrong' },
    { method: 'GET', path: '/v1/jobs/{id}', key: KEYS.second },
    { method: 'DELETE', path: '/v1/jobs' },
    { method: 'GET', path: '/no/such/route' },
    { method: 'GET', path: '/health', key: null },
    { method: 'GET', path: '/v1/usage/events?job_id={id}' },
  ];
  for (const s of steps) await send(s);
  return out;
}

const options = { rateLimit: false as const, processingMs: 60_000 };

describe('adapters: msw and node:http serve the same engine behaviour', () => {
  let http: RunningServer;
  const mswBase = 'http://127.0.0.1:9'; // loopback discard port: if interception ever failed, nothing leaves the machine
  const msw = setupServer(...mswHandlers(createEngine(options), mswBase));

  beforeAll(async () => {
    http = await startHttpServer(createEngine(options));
  });
  afterAll(async () => {
    await http.close();
  });

  it('AUTH-1 IDEM-1 OBS-1 ERR-3: identical results for the same script', async () => {
    const overHttp = await runScript(http.url);
    msw.listen({ onUnhandledRequest: 'error' });
    try {
      const inProcess = await runScript(mswBase);
      expect(inProcess).toEqual(overHttp);
    } finally {
      msw.close();
    }
    expect(overHttp.map((r) => (r as { status: number }).status)).toEqual([200, 200, 200, 200, 422, 409, 400, 415, 400, 401, 401, 404, 404, 404, 200, 200]);
    expect(overHttp.every((r) => (r as { hasId: boolean }).hasId)).toBe(true);
  });

  it('ERR-3 OBS-1: malformed HTTP on the socket gets the JSON envelope with a request id, and the server lives on', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(http.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.setTimeout(3000, () => { socket.destroy(); reject(new Error('no answer')); });
      socket.on('data', (d) => { data += d.toString(); });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toMatch(/x-request-id: req_/);
    expect(raw).toMatch(/"code":"invalid_request"/);
    expect((await fetch(`${http.url}/health`)).status).toBe(200);
  });

  it('ERR-3: a request with invalid UTF-8 and a body cut short do not crash the server', async () => {
    const bad = await fetch(`${http.url}/v1/jobs`, { method: 'POST', headers: { 'x-api-key': KEYS.primary, 'content-type': 'application/json' }, body: new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) });
    expect(bad.status).toBe(400);
    await new Promise<void>((resolve) => {
      const socket = connect(http.port, '127.0.0.1', () => {
        socket.write(`POST /v1/jobs HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEYS.primary}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"video`);
        setTimeout(() => { socket.destroy(); resolve(); }, 50);
      });
    });
    expect((await fetch(`${http.url}/health`)).status).toBe(200);
  });
});
