// Each legal variation does what it says, and stays conformant: every response
// of a short tour matches contracts/openapi.yaml. tests/certify/variants.test.ts
// then proves certify passes on each of them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkResponse } from '../../contracts/conformance.js';
import { createEngine, startHttpServer, VARIANT_NAMES, type VariantName } from '../../mocks/index.js';
import { VARIANTS } from '../../mocks/engine/variants.js';
import { KEYS, setup, VIDEO } from './harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A variant whose limiter is chosen by the variant itself: the harness must not pass one. */
const withVariant = (variant: VariantName, extra: Record<string, unknown> = {}) => setup({ variants: [variant], rateLimit: undefined, ...extra });

function burstUntil429(h: ReturnType<typeof setup>, max = 2000): number {
  for (let n = 0; n < max; n++) if (h.call('GET', '/v1/jobs?limit=1').status === 429) return n;
  return max;
}

describe('legal variations of the mock (variants.ts)', () => {
  it('RATE-2: retry-after-date answers 429 with an HTTP-date at least 1 s after its Date header', () => {
    const h = withVariant('retry-after-date');
    burstUntil429(h);
    const r = h.call('GET', '/v1/jobs?limit=1');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Date.parse(r.headers['retry-after']!) - Date.parse(r.headers.date!)).toBeGreaterThanOrEqual(1000);
  });

  it('RATE-2/RATE-3: retry-after-long holds a throttled key 3 s and says so', () => {
    const h = withVariant('retry-after-long');
    expect(burstUntil429(h)).toBe(20);
    expect(h.call('GET', '/v1/jobs?limit=1').headers['retry-after']).toBe('3');
    h.advance(2900);
    expect(h.call('GET', '/v1/jobs?limit=1').status).toBe(429); // restarts the hold
    h.advance(3000);
    expect(h.call('GET', '/v1/jobs?limit=1').status).toBe(200);
  });

  it.each([['bucket-large', 100], ['bucket-small', 5], ['bucket-10', 10], ['bucket-tiny', 5], ['bucket-huge', 1000]] as const)('RATE-1: %s admits a burst of %i', (variant, size) => {
    expect(burstUntil429(withVariant(variant))).toBe(size);
  });

  it('RATE-1/RATE-2: window-limit admits 40 per 2 s window and Retry-After runs to the window end', () => {
    const h = withVariant('window-limit');
    expect(burstUntil429(h)).toBe(40);
    h.advance(1200);
    const r = h.call('GET', '/v1/jobs?limit=1');
    expect([r.status, r.headers['retry-after']]).toEqual([429, '1']);
    h.advance(800);
    expect(burstUntil429(h)).toBe(40);
  });

  it('uuid-ids: ids are UUIDs, and a job id that is not one is 400 invalid_request naming job_id', () => {
    const h = withVariant('uuid-ids');
    const id = h.draft();
    expect(id).toMatch(UUID);
    expect(h.job(id).headers['x-request-id']).toMatch(UUID);
    const r = h.call('GET', '/v1/jobs/job_not_a_uuid');
    expect([r.status, r.json.error.code, r.json.error.param]).toEqual([400, 'invalid_request', 'job_id']);
    expect(h.call('GET', '/v1/jobs/00000000-0000-4000-8000-000000000000').status).toBe(404);
  });

  it('opaque-ids: ids carry dots, colons and tildes, and work percent-encoded in the path', () => {
    const h = withVariant('opaque-ids');
    const id = h.draft();
    expect(id).toMatch(/^[a-z]{2}\.[a-z0-9]+:[a-z0-9]+~x$/);
    expect(h.call('GET', `/v1/jobs/${encodeURIComponent(id)}`).json.id).toBe(id);
    expect(h.start(encodeURIComponent(id)).status).toBe(200);
  });

  it('OBS-5, RATE-6, AUTH-6 are SHOULDs: no-request-id-echo, no-ratelimit-fields, no-challenge skip them', () => {
    const echo = withVariant('no-request-id-echo').call('GET', '/health', { key: null, headers: { 'x-request-id': 'mine-1' } });
    expect(echo.headers['x-request-id']).not.toBe('mine-1');
    const fields = withVariant('no-ratelimit-fields').call('GET', '/v1/jobs');
    expect([fields.headers.ratelimit, fields.headers['ratelimit-policy']]).toEqual([undefined, undefined]);
    expect(withVariant('no-challenge').call('GET', '/v1/jobs', { key: null }).headers['www-authenticate']).toBeUndefined();
  });

  it('LIFE-3: slow-processing takes 3 s; instant-processing is terminal on the first read after the start', () => {
    const slow = withVariant('slow-processing');
    const a = slow.draft();
    slow.start(a);
    slow.advance(2999);
    expect(slow.job(a).json.status).toBe('processing');
    slow.advance(1);
    expect(slow.job(a).json.status).toBe('completed');
    const fast = withVariant('instant-processing');
    const b = fast.draft();
    expect(fast.start(b).json.status).toBe('processing');
    expect(fast.job(b).json).toMatchObject({ status: 'completed', history: [{ status: 'created' }, { status: 'processing' }, { status: 'completed' }] });
  });

  it('latency and idem-in-progress hold answers back in the adapters (delayMs)', () => {
    const h = withVariant('latency');
    expect(h.engine.handle({ method: 'GET', url: '/health', headers: {}, body: null }).delayMs).toBe(200);
  });

  it('IDEM-3: idem-in-progress answers a concurrent duplicate 409 idempotency_in_progress, then replays', () => {
    const h = withVariant('idem-in-progress');
    const id = h.draft();
    const key = { 'idempotency-key': 'k-1' };
    const first = h.engine.handle({ method: 'POST', url: `/v1/jobs/${id}/start`, headers: { 'x-api-key': KEYS.primary, 'content-type': 'application/json', ...key }, body: new TextEncoder().encode('{}') });
    expect([first.status, first.delayMs]).toEqual([200, 150]);
    const dup = h.start(id, {}, { headers: key });
    expect([dup.status, dup.json.error.code]).toEqual([409, 'idempotency_in_progress']);
    h.advance(150);
    const replay = h.start(id, {}, { headers: key });
    expect([replay.status, replay.headers['idempotent-replayed']]).toEqual([200, 'true']);
  });

  it('lookup-first: a start looks the job up before it validates the body', () => {
    const h = withVariant('lookup-first');
    expect(h.start('job_missing', { model: 'nope' }).status).toBe(404);
    const id = h.draft();
    h.start(id);
    expect(h.start(id, { model: 'nope' }).json.error.code).toBe('job_not_startable');
    expect(setup().start('job_missing', { model: 'nope' }).status).toBe(400); // the default validates first
  });

  it('extra-members, minimal-job, param-pointer, rfc3339-offsets, charset-variants, replayed-false reshape answers', () => {
    const extra = withVariant('extra-members');
    const id = extra.draft();
    expect(extra.job(id).json).toMatchObject({ metadata: expect.any(Object), links: expect.any(Object) });
    expect(extra.call('POST', '/v1/jobs', { body: {} }).json.error).toMatchObject({ type: expect.any(String), doc_url: expect.any(String), details: [] });
    expect(extra.job(id).headers['x-powered-by']).toBe('jobcert-variant');
    const minimal = withVariant('minimal-job');
    expect(minimal.job(minimal.draft()).json.video_url).toBeUndefined();
    expect(withVariant('param-pointer').start('x', { composition: { canvas: { width: 1 } } }).json.error.param).toBe('/composition/canvas/width');
    const offsets = withVariant('rfc3339-offsets');
    expect(offsets.job(offsets.draft()).json.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const charset = withVariant('charset-variants');
    expect(new Set([charset.call('GET', '/health').headers['content-type'], charset.call('GET', '/health').headers['content-type']])).toEqual(new Set(['application/json', 'application/json;charset=UTF-8']));
    const replayed = withVariant('replayed-false');
    expect(replayed.call('POST', '/v1/jobs', { body: { video_url: VIDEO, auto_start: false } }).headers['idempotent-replayed']).toBe('false');
  });

  it('clock-skew: the provider clock runs 30 s ahead, in Date and in job times', () => {
    const h = withVariant('clock-skew');
    const r = h.job(h.draft());
    expect(Date.parse(r.json.created_at) - h.now()).toBe(30_000);
    expect(Date.parse(r.headers.date!) - Math.floor(h.now() / 1000) * 1000).toBe(30_000);
  });

  it('header-case, no-keepalive and compression change only the wire', async () => {
    const server = await startHttpServer(createEngine({ variants: ['header-case', 'no-keepalive', 'compression'] }));
    try {
      const raw = await new Promise<{ rawHeaders: string[]; body: Buffer }>((resolve, reject) => {
        const req = request(`${server.url}/v1/jobs`, { headers: { 'x-api-key': KEYS.primary, 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(raw.rawHeaders).toContain('X-REQUEST-ID');
      expect(raw.rawHeaders[raw.rawHeaders.indexOf('Connection') + 1], 'no-keepalive closes the connection').toBe('close');
      expect(raw.rawHeaders[raw.rawHeaders.indexOf('Content-Encoding') + 1]).toBe('gzip');
      expect(JSON.parse(gunzipSync(raw.body).toString())).toMatchObject({ jobs: [] });
    } finally {
      await server.close();
    }
  });

  it('every variant keeps the contract: a tour of every operation matches contracts/openapi.yaml', () => {
    for (const variant of VARIANT_NAMES) {
      const h = withVariant(variant);
      const id = h.draft();
      const calls = [
        ['GET', `/v1/jobs/${encodeURIComponent(id)}`], ['GET', '/v1/jobs?limit=5'], ['GET', '/v1/usage/events'], ['GET', '/health'],
        ['POST', `/v1/jobs/${encodeURIComponent(id)}/start`, { model: 'light' }], ['POST', `/v1/jobs/${encodeURIComponent(id)}/start`, {}],
        ['POST', '/v1/jobs', {}], ['GET', '/v1/jobs', null],
      ] as const;
      for (const [method, path, body] of calls) {
        const r = h.call(method, path, body === null ? { key: null } : body === undefined ? {} : { body });
        expect(checkResponse({ method, path, status: r.status, headers: r.headers, body: r.json, text: r.text }), `${variant}: ${method} ${path}`).toEqual([]);
      }
      h.advance(5000);
      const done = h.job(encodeURIComponent(id));
      expect(checkResponse({ method: 'GET', path: `/v1/jobs/${id}`, status: done.status, headers: done.headers, body: done.json }), `${variant}: the finished job`).toEqual([]);
    }
  });

  it('the catalogue: every variant is exercised here (or in a variants-*.test.ts beside it) and says where SPEC allows it', () => {
    const text = readSelf();
    for (const v of VARIANT_NAMES) {
      expect(text.includes(`'${v}'`), `${v} is exercised by a test of tests/mock/variants*.test.ts`).toBe(true);
      expect(VARIANTS[v].allowedBy.length).toBeGreaterThan(5);
    }
  });
});

/** This file and its siblings (variants-choices, -deep, -transport): each variant is proven in one of them. */
function readSelf(): string {
  const dir = dirname(fileURLToPath(import.meta.url));
  return readdirSync(dir).filter((f) => /^variants.*\.test\.ts$/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
}
