// The reference client against the mock engine through msw, in virtual time:
// every client rule of SPEC §4 it keeps, shown on the requests it sends
// (recorded as they leave) and on the engine's own usage events.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, ConfigError, createClient, JobFailedError, JobTimeoutError, RequestValidationError, TransportError } from '../../client/index.js';
import { BASE, FAILING_VIDEO, KEYS, VIDEO, world, type WireRecord } from './harness.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const SEED_START = {
  model: 'pro' as const,
  text_prompt: 'person, clothing accessories, glowing ring',
  background: { type: 'transparent' as const },
  composition: { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center' as const, scale: 1, offset: { x: 0, y: 0 } } },
};

const api = (w: WireRecord[]): WireRecord[] => w.filter((r) => r.path.startsWith('/v1/'));
const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - (times[i] as number));

describe('the whole flow (CLI-1, CLI-5, CLI-6, CLI-7, CLI-10)', () => {
  it('creates, starts with the seed example, waits, downloads; the key only on /v1, never logged', async () => {
    const w = world(server);
    const client = w.client();
    const result = await w.run((async () => {
      const created = await client.createJob({ video_url: VIDEO, output_format: 'webm', auto_start: false });
      const started = await client.startJob(created.id, SEED_START);
      const job = await client.waitForJob(started.id);
      const download = await client.downloadOutput(job);
      return { created, started, job, download };
    })());
    expect(result.created.status).toBe('created');
    expect(result.started).toMatchObject({ id: result.created.id, status: 'processing' });
    expect(result.job.status).toBe('completed');
    expect(result.download.contentType).toBe('video/webm');
    expect([...result.download.bytes.slice(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);

    for (const r of api(w.wire)) expect(r.apiKey, `${r.method} ${r.path}`).toBe(KEYS.primary); // CLI-1
    const artifact = w.wire.filter((r) => r.path.startsWith('/artifacts/'));
    expect(artifact).toHaveLength(1);
    expect(artifact[0]?.apiKey).toBeNull(); // CLI-7: no key on the signed link
    for (const r of api(w.wire).filter((x) => x.method === 'POST')) expect(r.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/); // CLI-5
    const reads = api(w.wire).filter((r) => r.method === 'GET' && r.path === `/v1/jobs/${result.created.id}`);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    for (const g of gaps(reads.map((r) => r.at))) expect(g).toBeGreaterThanOrEqual(1000); // CLI-6

    const started = w.logs.find((e) => e.event === 'job.started');
    expect(started).toMatchObject({ job_id: result.created.id, model: 'pro', output_format: 'webm' }); // CLI-10
    expect(started?.request_id).toMatch(/^req_/);
    expect(JSON.stringify(w.logs)).not.toContain(KEYS.primary);
  });
});

describe('429: Retry-After in both forms, one gate per key (CLI-2, CLI-3, CLI-12)', () => {
  /** No request of the key leaves after a 429 was answered at t and before t + Retry-After. */
  function expectGateKept(wire: WireRecord[]): number {
    const throttled = wire.filter((r) => r.status === 429);
    for (const t of throttled) {
      const ra = t.retryAfter ?? '';
      const until = /^\d+$/.test(ra) ? t.at + Number(ra) * 1000 : Date.parse(ra);
      expect(Number.isFinite(until), `Retry-After ${ra}`).toBe(true);
      const early = wire.filter((r) => r.at > t.at && r.at < until);
      expect(early, `requests sent before the Retry-After of the 429 at ${t.at} passed`).toEqual([]);
    }
    return throttled.length;
  }

  it.each([['delay-seconds', false], ['HTTP-date', true]])('a burst of 12 callers through the engine\'s limiter all succeed (%s)', async (_form, asDate) => {
    const w = world(server, { rateLimit: { capacity: 3, refillPerSecond: 1 } });
    if (asDate) w.inject('GET', /^\/v1\/jobs$/, { kind: 'retry-after-as-date' }, 1000);
    const client = w.client();
    const pages = await w.run(Promise.all(Array.from({ length: 12 }, () => client.listJobs({ limit: 1 }))));
    expect(pages).toHaveLength(12);
    const throttled = expectGateKept(w.wire);
    expect(throttled).toBeGreaterThan(0);
    if (asDate) expect(w.wire.find((r) => r.status === 429)?.retryAfter).toMatch(/GMT$/);
    expect(w.wire.length).toBeLessThanOrEqual(12 * 6);
  });

  it('a 429 seen by one caller holds back another caller\'s request on the same client (CLI-12)', async () => {
    const w = world(server);
    w.inject('GET', /^\/v1\/jobs$/, { kind: 'status', status: 429, retryAfter: '3' });
    const client = w.client();
    const other = async (): Promise<unknown> => { await w.vt.clock.sleep(500); return client.usageEvents(); };
    await w.run(Promise.all([client.listJobs(), other()]));
    const first = w.wire[0] as WireRecord;
    const usage = w.wire.find((r) => r.path === '/v1/usage/events') as WireRecord;
    expect(first.status).toBe(429);
    expect(usage.at - first.at).toBeGreaterThanOrEqual(3000);
    expectGateKept(w.wire);
  });

  it('gives up when Retry-After is beyond the deadline, with the 429 as a typed error', async () => {
    const w = world(server);
    w.inject('GET', /^\/v1\/jobs$/, { kind: 'status', status: 429, retryAfter: '3600' });
    const err = await w.run(w.client().listJobs().catch((e: unknown) => e));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', retryAfterMs: 3_600_000, attempts: 1, request_id: 'req_injected_1' });
  });
});

describe('5xx, timeouts and dropped connections (CLI-3, CLI-4, CLI-6)', () => {
  it('a start answered 503 twice is retried with the same body and Idempotency-Key, with growing delays', async () => {
    const w = world(server);
    const client = w.client();
    const id = (await w.run(client.createJob({ video_url: VIDEO, auto_start: false }))).id;
    w.inject('POST', /\/start$/, { kind: 'status', status: 503 }, 2);
    const started = await w.run(client.startJob(id, { model: 'light' }));
    expect(started.status).toBe('processing');
    const attempts = w.wire.filter((r) => r.path.endsWith('/start'));
    expect(attempts.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(attempts.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    const [d1, d2] = gaps(attempts.map((r) => r.at));
    expect(d1).toBeGreaterThanOrEqual(500);
    expect(d2).toBeGreaterThanOrEqual(d1 as number);
    expect(w.charges(id)).toHaveLength(1);
    expect(w.logs.filter((e) => e.event === 'retry').map((e) => e.request_id)).toEqual(['req_injected_1', 'req_injected_2']);
  });

  it.each([
    ['the start', 'POST', /\/start$/],
    ['the create (auto_start)', 'POST', /^\/v1\/jobs$/],
  ])('a response to %s lost after the provider acted: the retry replays, one job, one charge (CLI-4)', async (_what, method, path) => {
    const w = world(server);
    const client = w.client();
    const viaStart = String(path).includes('start');
    const id = viaStart ? (await w.run(client.createJob({ video_url: VIDEO, auto_start: false }))).id : undefined;
    w.inject(method, path, { kind: 'drop-after' });
    const accepted = await w.run(viaStart ? client.startJob(id as string, {}) : client.createJob({ video_url: VIDEO }));
    const attempts = w.wire.filter((r) => r.method === method && path.test(r.path));
    expect(attempts.map((r) => r.status)).toEqual(['network-error', 200]);
    expect(attempts[0]?.idempotencyKey).toBe(attempts[1]?.idempotencyKey);
    expect(w.charges(accepted.id)).toHaveLength(1);
    const jobs = JSON.parse(String(w.engine.handle({ method: 'GET', url: '/v1/jobs', headers: { 'x-api-key': KEYS.primary }, body: null }).body)) as { total: number };
    expect(jobs.total).toBe(1);
  });

  it('control: against a provider that ignores Idempotency-Key and restarts running jobs, the same loss does charge twice', async () => {
    const w = world(server, { faults: ['idem-replay-ignored', 'idem-double-charge'] });
    const client = w.client();
    const id = (await w.run(client.createJob({ video_url: VIDEO, auto_start: false }))).id;
    w.inject('POST', /\/start$/, { kind: 'drop-after' });
    await w.run(client.startJob(id, {}));
    expect(w.charges(id)).toHaveLength(2); // so the assertions above can fail
  });

  it('reads of one job dropped twice are retried at least 1 s apart (a retried read counts as a read)', async () => {
    const w = world(server);
    const client = w.client();
    const id = (await w.run(client.createJob({ video_url: VIDEO, auto_start: false }))).id;
    w.inject('GET', /^\/v1\/jobs\/[^/]+$/, { kind: 'drop-before' }, 2);
    const job = await w.run(client.getJob(id));
    expect(job.id).toBe(id);
    const reads = w.wire.filter((r) => r.method === 'GET');
    expect(reads.map((r) => r.status)).toEqual(['network-error', 'network-error', 200]);
    for (const g of gaps(reads.map((r) => r.at))) expect(g).toBeGreaterThanOrEqual(1000);
  });

  it('an attempt that hangs is cut at the attempt timeout and retried', async () => {
    const w = world(server);
    w.inject('GET', /^\/v1\/jobs$/, { kind: 'hang' });
    const page = await w.run(w.client({ retry: { attemptTimeoutMs: 5000 } }).listJobs());
    expect(page.total).toBe(0);
    expect(w.wire.map((r) => r.status)).toEqual(['aborted', 200]);
    expect((w.wire[1] as WireRecord).at - (w.wire[0] as WireRecord).at).toBeGreaterThanOrEqual(5000);
  });

  it('stops after maxAttempts (≤ 8) with the last answer as a typed error, logged with request id and code (CLI-9)', async () => {
    const w = world(server);
    w.inject('GET', /^\/v1\/jobs$/, { kind: 'status', status: 503 }, 100);
    const err = await w.run(w.client().listJobs().catch((e: unknown) => e));
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 503, code: 'internal_error', attempts: 6, request_id: 'req_injected_6' });
    expect(w.wire).toHaveLength(6);
    const delays = gaps(w.wire.map((r) => r.at));
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] as number);
    expect(w.logs.filter((e) => e.event === 'error')).toEqual([expect.objectContaining({ status: 503, code: 'internal_error', request_id: 'req_injected_6' })]);
  });

  it('stops at the overall deadline before maxAttempts', async () => {
    const w = world(server);
    w.inject('GET', /^\/v1\/jobs$/, { kind: 'drop-before' }, 100);
    const t0 = w.vt.now();
    const err = await w.run(w.client({ retry: { deadlineMs: 5000 } }).listJobs().catch((e: unknown) => e));
    expect(err).toBeInstanceOf(TransportError);
    expect(w.wire.length).toBeLessThan(6);
    expect(w.vt.now() - t0).toBeLessThanOrEqual(5000);
    expect(w.logs.at(-1)).toMatchObject({ event: 'error', code: 'network_error' });
  });
});

describe('errors that are not retried (CLI-1, CLI-3, CLI-8, CLI-9)', () => {
  it('401, 402, 404, 409 and 422 are sent once and surface as ApiError with status, code, message and request_id', async () => {
    const w = world(server);
    const client = w.client();
    const draft = (await w.run(client.createJob({ video_url: VIDEO, auto_start: false }))).id;
    const running = (await w.run(client.createJob({ video_url: VIDEO }))).id;
    const brokeClient = w.client({ apiKey: KEYS.broke });
    const brokeDraft = (await w.run(brokeClient.createJob({ video_url: VIDEO, auto_start: false }))).id;
    await w.run(client.startJob(draft, { model: 'light' }, { idempotencyKey: 'reused-key-1' }));
    const cases: [number, string, () => Promise<unknown>][] = [
      [401, 'invalid_api_key', () => w.client({ apiKey: 'jc_not_a_key' }).listJobs()],
      [402, 'insufficient_credits', () => brokeClient.startJob(brokeDraft, {})],
      [404, 'not_found', () => client.getJob('job_nope')],
      [409, 'job_not_startable', () => client.startJob(running, {})],
      [422, 'idempotency_key_reused', () => client.startJob(draft, { model: 'human' }, { idempotencyKey: 'reused-key-1' })],
    ];
    for (const [status, code, call] of cases) {
      const before = w.wire.length;
      const err = await w.run(call().catch((e: unknown) => e));
      expect(err, code).toBeInstanceOf(ApiError);
      const e = err as ApiError;
      expect([e.status, e.code, e.attempts]).toEqual([status, code, 1]);
      expect(e.request_id).toMatch(/^req_/);
      expect(e.providerMessage.length).toBeGreaterThan(0);
      expect(w.wire.length - before, `${code} is not retried`).toBe(1);
      expect(w.logs.at(-1)).toMatchObject({ event: 'error', status, code, request_id: e.request_id });
    }
  });

  it('a failed job ends waitForJob with JobFailedError, logged with the job id and code (CLI-8)', async () => {
    const w = world(server);
    const client = w.client();
    const id = (await w.run(client.createJob({ video_url: FAILING_VIDEO }))).id;
    const err = await w.run(client.waitForJob(id).catch((e: unknown) => e));
    expect(err).toBeInstanceOf(JobFailedError);
    expect(err).toMatchObject({ job_id: id, code: 'processing_failed' });
    expect(w.logs.at(-1)).toMatchObject({ event: 'job.failed', job_id: id, code: 'processing_failed' });
    expect(w.wire.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('waitForJob (CLI-6)', () => {
  it('polls with growing delays and gives up at its timeout on a job that never finishes', async () => {
    const w = world(server, { processingMsFor: (url) => (url.includes('stuck') ? Number.POSITIVE_INFINITY : undefined) });
    const client = w.client();
    const id = (await w.run(client.createJob({ video_url: 'https://media.example.com/stuck.mp4' }))).id;
    const t0 = w.vt.now();
    const err = await w.run(client.waitForJob(id, { timeoutMs: 60_000 }).catch((e: unknown) => e));
    expect(err).toBeInstanceOf(JobTimeoutError);
    expect(err).toMatchObject({ job_id: id, lastStatus: 'processing' });
    expect(w.vt.now() - t0).toBeLessThanOrEqual(60_000);
    const reads = w.wire.filter((r) => r.method === 'GET').map((r) => r.at);
    expect(reads.length).toBeGreaterThan(3);
    expect(reads.length).toBeLessThanOrEqual(12);
    const delays = gaps(reads);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(1000);
    expect(delays.at(-2)).toBeGreaterThan(delays[0] as number);
    expect(w.logs.at(-1)).toMatchObject({ event: 'job.timeout', job_id: id });
  });

  it('refuses a timeout over 30 minutes', async () => {
    const w = world(server);
    await expect(w.client().waitForJob('job_x', { timeoutMs: 31 * 60_000 })).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('AbortSignal cancels everything', () => {
  it('aborting during waitForJob stops polling at once', async () => {
    const w = world(server, { processingMsFor: () => Number.POSITIVE_INFINITY });
    const controller = new AbortController();
    const client = w.client({ signal: controller.signal });
    const id = (await w.run(client.createJob({ video_url: VIDEO }))).id;
    const waiting = client.waitForJob(id).catch((e: unknown) => e);
    let sentBeforeAbort = 0;
    const stopper = (async () => { await w.vt.clock.sleep(2500); sentBeforeAbort = w.wire.length; controller.abort(); })();
    const t0 = w.vt.now();
    const [err] = await w.run(Promise.all([waiting, stopper]));
    expect((err as Error).name).toBe('AbortError');
    expect(w.vt.now() - t0).toBe(2500);
    expect(sentBeforeAbort).toBeGreaterThanOrEqual(3);
    expect(w.wire.length).toBe(sentBeforeAbort);
    expect(w.vt.pendingTimers()).toBe(0);
  });

  it('aborting during a retry wait rejects without another attempt', async () => {
    const w = world(server);
    w.inject('GET', /^\/v1\/jobs$/, { kind: 'status', status: 503 }, 10);
    const controller = new AbortController();
    const listing = w.client().listJobs({}, { signal: controller.signal }).catch((e: unknown) => e);
    const stopper = (async () => { await w.vt.clock.sleep(100); controller.abort(); })();
    const [err] = await w.run(Promise.all([listing, stopper]));
    expect((err as Error).name).toBe('AbortError');
    expect(w.wire).toHaveLength(1);
  });
});

describe('bodies are validated before sending (CLI-11)', () => {
  it.each([
    ['a video_url that is not http(s)', (c: ReturnType<typeof createClient>) => c.createJob({ video_url: 'ftp://media.example.com/a.mp4' }), 'video_url', 'VAL-1'],
    ['an unknown field', (c: ReturnType<typeof createClient>) => c.createJob({ video_url: VIDEO, colour: 'red' } as never), 'body', 'VAL-1'],
    ['pro without a prompt, started at once', (c: ReturnType<typeof createClient>) => c.createJob({ video_url: VIDEO, model: 'pro' }), 'text_prompt', 'VAL-3'],
    ['transparent + mp4', (c: ReturnType<typeof createClient>) => c.createJob({ video_url: VIDEO, output_format: 'mp4' }), 'background', 'VAL-4'],
    ['a prompt with model light', (c: ReturnType<typeof createClient>) => c.startJob('job_any', { model: 'light', text_prompt: 'a cat' }), 'text_prompt', 'VAL-2'],
    ['an out-of-range scale', (c: ReturnType<typeof createClient>) => c.startJob('job_any', { composition: { foreground: { scale: 11 } } }), 'composition.foreground.scale', 'VAL-1'],
  ])('%s is refused locally and never sent', async (_what, call, param, rule) => {
    const w = world(server);
    const err = await call(w.client()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestValidationError);
    expect(err).toMatchObject({ param, rule });
    expect(w.wire).toHaveLength(0);
  });

  it('a start is checked against the job the client created (transparent on an mp4 draft)', async () => {
    const w = world(server);
    const client = w.client();
    const id = (await w.run(client.createJob({ video_url: VIDEO, output_format: 'mp4', background: { type: 'color', color: [0, 0, 0] }, auto_start: false }))).id;
    await expect(client.startJob(id, { background: { type: 'transparent' } })).rejects.toMatchObject({ rule: 'VAL-4' });
    expect(w.wire).toHaveLength(1);
  });
});

describe('configuration and redirects', () => {
  it.each([
    [{ apiKey: '' }, /apiKey must be a non-empty string/],
    [{ baseUrl: 'ftp://127.0.0.1' }, /baseUrl must be http or https/],
    [{ retry: { maxAttempts: 9 } }, /maxAttempts must be an integer from 1 to 8/],
  ])('%j is a ConfigError', (overrides, message) => {
    expect(() => createClient({ baseUrl: BASE, apiKey: KEYS.primary, ...overrides })).toThrow(message);
  });

  it('a redirect from the API is not followed, so the key never reaches another origin', async () => {
    const w = world(server);
    const { http, HttpResponse } = await import('msw');
    const followed: string[] = [];
    server.use(
      http.get(`${BASE}/v1/jobs`, () => new HttpResponse(null, { status: 302, headers: { location: 'http://127.0.0.2:9/steal' } })),
      http.all('http://127.0.0.2:9/*', ({ request }) => { followed.push(request.headers.get('x-api-key') ?? ''); return HttpResponse.json({}); }),
    );
    const err = await w.run(w.client().listJobs().catch((e: unknown) => e));
    expect(err).toMatchObject({ status: 302, code: 'invalid_error_body' });
    expect(followed).toEqual([]);
  });
});
