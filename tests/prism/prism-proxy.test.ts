// An outside check of the mock: Stoplight Prism's validation proxy, a tool we
// did not write, sits between a scripted client and the mock and reports any
// response that breaks contracts/openapi.yaml.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { KEYS, VIDEO } from '../mock/harness.js';

const SMALL_BUCKET = { capacity: 15, refillPerSecond: 5 };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PRISM = `${ROOT}node_modules/.bin/prism`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Proxy { url: string; child: ChildProcess; output: string[] }

/** Every Prism started, killed after the file whether or not it came up (one failing to start must not leave the others running). */
const spawned: ChildProcess[] = [];

async function startPrism(upstream: string, errors: boolean): Promise<Proxy> {
  const port = await freePort();
  const args = ['proxy', 'contracts/openapi.yaml', upstream, '--host', '127.0.0.1', '--port', String(port), ...(errors ? ['--errors'] : [])];
  const child = spawn(PRISM, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(child);
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prism exited: ${output.join('')}`);
    try {
      await fetch(`${url}/health`);
      return { url, child, output };
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`prism did not start within 45 s: ${output.join('').slice(-2000)}`);
}

interface Seen { label: string; status: number; requestId: string | null; violations: { location: string[]; message: string }[]; body: string }

async function send(base: string, label: string, path: string, init: { method?: string; key?: string | null; body?: string; type?: string; headers?: Record<string, string> } = {}): Promise<Seen> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key !== null) headers['x-api-key'] = init.key ?? KEYS.primary;
  if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json';
  const res = await fetch(base + path, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  const raw = res.headers.get('sl-violations');
  return { label, status: res.status, requestId: res.headers.get('x-request-id'), violations: raw ? JSON.parse(raw) : [], body: await res.text() };
}

/** Spec-valid requests covering every operation and every error class a valid request can get. */
async function validScript(base: string): Promise<Seen[]> {
  const out: Seen[] = [];
  const create = async (body: object, label: string, key?: string) => {
    const s = await send(base, label, '/v1/jobs', { method: 'POST', body: JSON.stringify(body), ...(key ? { key } : {}) });
    out.push(s);
    return s.status === 200 ? (JSON.parse(s.body) as { id: string }).id : '';
  };
  const id = await create({ video_url: VIDEO, auto_start: false }, 'create draft 200');
  await create({ video_url: VIDEO, model: 'human', output_format: 'mov' }, 'create and start 200');
  await create({ video_url: VIDEO, output_format: 'mp4' }, 'create transparent+mp4 422 (VAL-4)');
  await create({ video_url: VIDEO }, 'create without credits 402 (LIFE-5)', KEYS.broke);
  const start = (label: string, body: object, headers?: Record<string, string>) => send(base, label, `/v1/jobs/${id}/start`, { method: 'POST', body: JSON.stringify(body), ...(headers ? { headers } : {}) });
  out.push(await start('start pro without prompt 400 (VAL-3)', { model: 'pro' }));
  out.push(await start('start prompt without pro 400 (VAL-2)', { model: 'light', text_prompt: 'cat' }));
  out.push(await start('start seed example 200', {
    model: 'pro', text_prompt: 'person, clothing accessories, glowing ring', background: { type: 'transparent' },
    composition: { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } },
  }, { 'Idempotency-Key': 'prism-1' }));
  out.push(await start('start replay 200 (IDEM-1)', {
    model: 'pro', text_prompt: 'person, clothing accessories, glowing ring', background: { type: 'transparent' },
    composition: { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } },
  }, { 'Idempotency-Key': 'prism-1' }));
  out.push(await start('start key reused 422 (IDEM-2)', { model: 'light' }, { 'Idempotency-Key': 'prism-1' }));
  out.push(await start('start processing 409 (IDEM-5)', {}));
  out.push(await send(base, 'start foreign 404 (AUTH-4)', `/v1/jobs/${id}/start`, { method: 'POST', body: '{}', key: KEYS.second }));
  out.push(await send(base, 'get job 200', `/v1/jobs/${id}`));
  out.push(await send(base, 'get missing 404', '/v1/jobs/job_missing'));
  out.push(await send(base, 'invalid key 401 (AUTH-2)', '/v1/jobs', { key: 'jc_wrong' }));
  out.push(await send(base, 'list 200', '/v1/jobs?limit=5&offset=0'));
  out.push(await send(base, 'usage 200', `/v1/usage/events?job_id=${id}`));
  out.push(await send(base, 'health 200', '/health', { key: null }));
  await new Promise((r) => setTimeout(r, 400)); // processing ends (300 ms): the completed job shape too
  out.push(await send(base, 'get completed job 200', `/v1/jobs/${id}`));
  const burst = await Promise.all(Array.from({ length: SMALL_BUCKET.capacity * 3 }, () => send(base, 'burst 429 (RATE-1)', '/v1/jobs', { key: KEYS.second })));
  out.push(...burst.filter((s) => s.status === 429).slice(0, 3));
  return out;
}

describe('Prism validation proxy in front of the mock', () => {
  let clean: RunningServer;
  let faulty: RunningServer;
  let strict: Proxy;
  let lenient: Proxy;
  let strictOnFaulty: Proxy;

  beforeAll(async () => {
    // A small bucket, so a burst through the (slow) proxy still outruns the refill and the 429 shape is seen.
    clean = await startHttpServer(createEngine({ rateLimit: SMALL_BUCKET }));
    faulty = await startHttpServer(createEngine({ faults: ['schema-job-shape'], rateLimit: SMALL_BUCKET }));
    [strict, lenient, strictOnFaulty] = await Promise.all([startPrism(clean.url, true), startPrism(clean.url, false), startPrism(faulty.url, true)]);
  }, 90_000);

  afterAll(async () => {
    for (const child of spawned) child.kill('SIGKILL');
    await Promise.all([clean?.close(), faulty?.close()]);
  });

  it('ERR-1 ERR-2 OBS-1: zero violations on every operation and error class (prism proxy --errors)', async () => {
    const seen = await validScript(strict.url);
    expect(new Set(seen.map((s) => s.status))).toEqual(new Set([200, 400, 401, 402, 404, 409, 422, 429]));
    const problems = seen.filter((s) => s.violations.length > 0 || s.requestId === null);
    // Prism answers in place of the mock (no X-Request-Id) when it finds a violation under --errors.
    expect(problems.map((s) => `${s.label}: ${s.status} ${JSON.stringify(s.violations)} ${s.body.slice(0, 200)}`)).toEqual([]);
  });

  it('ERR-3 AUTH-2 VAL-1: spec-invalid requests draw only request violations, never response ones', async () => {
    const seen = [
      await send(lenient.url, 'missing key 401', '/v1/jobs', { key: null }),
      await send(lenient.url, 'form body 415', '/v1/jobs', { method: 'POST', body: 'a=1', type: 'application/x-www-form-urlencoded' }),
      await send(lenient.url, 'unknown field 400', '/v1/jobs', { method: 'POST', body: JSON.stringify({ video_url: VIDEO, colour: 1 }) }),
      await send(lenient.url, 'out of range 400', '/v1/jobs/x/start', { method: 'POST', body: JSON.stringify({ composition: { canvas: { width: 1, height: 1 } } }) }),
      await send(lenient.url, 'bad limit 400', '/v1/jobs?limit=1000'),
    ];
    expect(seen.map((s) => s.status)).toEqual([401, 415, 400, 400, 400]);
    for (const s of seen) {
      expect(s.requestId, s.label).not.toBeNull(); // forwarded to the mock, not answered by Prism
      expect(s.violations.filter((v) => v.location[0] !== 'request'), s.label).toEqual([]);
    }
  });

  it('detects the schema-job-shape fault: Prism reports the broken Job responses', async () => {
    const seen = await validScript(strictOnFaulty.url);
    const broken = seen.filter((s) => s.violations.some((v) => v.location[0] === 'response'));
    expect(broken.map((s) => s.label)).toEqual(expect.arrayContaining(['get job 200', 'list 200', 'get completed job 200']));
    expect(JSON.stringify(broken.flatMap((s) => s.violations))).toMatch(/created_at/);
  });
});
