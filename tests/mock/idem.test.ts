import { describe, expect, it } from 'vitest';
import { createEngine, startHttpServer } from '../../mocks/index.js';
import { KEYS, setup, VIDEO } from './harness.js';

const withKey = (k: string) => ({ headers: { 'idempotency-key': k } });

describe('IDEM rules', () => {
  it('IDEM-1: a retried start replays status and body with Idempotent-Replayed: true and has one effect', () => {
    const h = setup();
    const id = h.draft();
    const first = h.start(id, { model: 'light' }, withKey('start-1'));
    const again = h.start(id, { model: 'light' }, withKey('start-1'));
    expect(again.status).toBe(first.status);
    expect(again.text).toBe(first.text);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect(h.events(id).json.events).toHaveLength(1);
    expect(h.job(id).json.history.filter((e: { status: string }) => e.status === 'processing')).toHaveLength(1);
  });

  it('IDEM-1: the same body in another key order or spacing is the same request', () => {
    const h = setup();
    const id = h.draft();
    h.call('POST', `/v1/jobs/${id}/start`, { raw: '{"model":"pro","text_prompt":"cat"}', headers: { 'content-type': 'application/json', 'idempotency-key': 'k' } });
    const r = h.call('POST', `/v1/jobs/${id}/start`, { raw: '{ "text_prompt": "cat",  "model": "pro" }', headers: { 'content-type': 'application/json', 'idempotency-key': 'k' } });
    expect(r.headers['idempotent-replayed']).toBe('true');
  });

  it('IDEM-1: a retried create makes one job', () => {
    const h = setup();
    const a = h.call('POST', '/v1/jobs', { body: { video_url: VIDEO, auto_start: false }, ...withKey('create-1') });
    const b = h.call('POST', '/v1/jobs', { body: { video_url: VIDEO, auto_start: false }, ...withKey('create-1') });
    expect(b.json.id).toBe(a.json.id);
    expect(h.call('GET', '/v1/jobs').json.total).toBe(1);
  });

  it('IDEM-1 faults: idem-replay-ignored runs the retry again; idem-no-replay-header drops the marker', () => {
    const f = setup({ faults: ['idem-replay-ignored'] });
    f.call('POST', '/v1/jobs', { body: { video_url: VIDEO }, ...withKey('c') });
    f.call('POST', '/v1/jobs', { body: { video_url: VIDEO }, ...withKey('c') });
    expect(f.call('GET', '/v1/jobs').json.total).toBe(2);
    const g = setup({ faults: ['idem-no-replay-header'] });
    const id = g.draft();
    g.start(id, {}, withKey('s'));
    const replay = g.start(id, {}, withKey('s'));
    expect(replay.status).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBeUndefined();
  });

  it('IDEM-1: the replay expires after 24 h', () => {
    const h = setup();
    const a = h.call('POST', '/v1/jobs', { body: { video_url: VIDEO, auto_start: false }, ...withKey('day') });
    h.advance(24 * 3600 * 1000 + 1);
    const b = h.call('POST', '/v1/jobs', { body: { video_url: VIDEO, auto_start: false }, ...withKey('day') });
    expect(b.json.id).not.toBe(a.json.id);
  });

  it('IDEM-1 fault idem-short-ttl: a key is forgotten after faultIdempotencyTtlMs, so a later retry acts again', () => {
    const f = setup({ faults: ['idem-short-ttl'], faultIdempotencyTtlMs: 2000 });
    const body = { body: { video_url: VIDEO, auto_start: false }, ...withKey('short') };
    const a = f.call('POST', '/v1/jobs', body);
    f.advance(1999);
    expect(f.call('POST', '/v1/jobs', body).headers['idempotent-replayed'], 'still within its lifetime').toBe('true');
    f.advance(2);
    const late = f.call('POST', '/v1/jobs', body);
    expect([late.status, late.headers['idempotent-replayed']]).toEqual([200, undefined]);
    expect(late.json.id).not.toBe(a.json.id);
    expect(f.call('GET', '/v1/jobs').json.total).toBe(2);
  });

  it('IDEM-2: the same key with another body or path → 422 idempotency_key_reused; idem-reuse-replays replays instead', () => {
    const h = setup();
    const id = h.draft();
    const other = h.draft();
    h.start(id, { model: 'light' }, withKey('k'));
    const body = h.start(id, { model: 'human' }, withKey('k'));
    expect([body.status, body.json.error.code]).toEqual([422, 'idempotency_key_reused']);
    const path = h.start(other, { model: 'light' }, withKey('k'));
    expect([path.status, path.json.error.code]).toEqual([422, 'idempotency_key_reused']);
    expect(h.job(other).json.status).toBe('created');
    const f = setup({ faults: ['idem-reuse-replays'] });
    const fid = f.draft();
    f.start(fid, { model: 'light' }, withKey('k'));
    expect(f.start(fid, { model: 'human' }, withKey('k')).status).toBe(200);
  });

  // Over a real socket, eight requests in flight at once: the engine is synchronous, so without the
  // idem-in-progress variant the first to arrive finishes before the next is read and the rest replay it;
  // with it the key stays in progress while the first answer is held back, and the others get 409.
  it.each([[[], 'replay'], [['idem-in-progress'], '409 idempotency_in_progress']] as const)('IDEM-3: concurrent duplicates over HTTP have one effect (variants %j: the others %s)', async (variants, others) => {
    const server = await startHttpServer(createEngine({ variants: [...variants], rateLimit: false, processingMs: 60_000 }));
    try {
      const post = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'x-api-key': KEYS.primary, 'content-type': 'application/json', ...headers }, body: JSON.stringify(path === '/v1/jobs' ? { video_url: VIDEO, auto_start: false } : {}) });
      const id = ((await (await post('/v1/jobs')).json()) as { id: string }).id;
      const replies = await Promise.all(Array.from({ length: 8 }, () => post(`/v1/jobs/${id}/start`, { 'idempotency-key': 'race' })));
      const bodies = await Promise.all(replies.map(async (r) => ({ status: r.status, replayed: r.headers.get('idempotent-replayed'), code: ((await r.json()) as { error?: { code?: string } }).error?.code })));
      expect(bodies.filter((b) => b.status === 200 && b.replayed !== 'true'), 'originals').toHaveLength(1);
      const rest = bodies.filter((b) => !(b.status === 200 && b.replayed !== 'true'));
      if (others === 'replay') expect(rest.every((b) => b.status === 200 && b.replayed === 'true'), JSON.stringify(rest)).toBe(true);
      else expect(rest.every((b) => b.status === 409 && b.code === 'idempotency_in_progress'), JSON.stringify(rest)).toBe(true);
      const events = (await (await fetch(`${server.url}/v1/usage/events?job_id=${id}`, { headers: { 'x-api-key': KEYS.primary } })).json()) as { events: unknown[] };
      expect(events.events, 'one charge').toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('IDEM-4: keys are scoped per API key; idem-global-keys shares them', () => {
    const h = setup();
    const a = h.call('POST', '/v1/jobs', { body: { video_url: VIDEO, auto_start: false }, ...withKey('shared') });
    const b = h.call('POST', '/v1/jobs', { key: KEYS.second, body: { video_url: VIDEO, auto_start: false }, ...withKey('shared') });
    expect(b.status).toBe(200);
    expect(b.json.id).not.toBe(a.json.id);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    const f = setup({ faults: ['idem-global-keys'] });
    const fa = f.call('POST', '/v1/jobs', { body: { video_url: VIDEO, auto_start: false }, ...withKey('shared') });
    const fb = f.call('POST', '/v1/jobs', { key: KEYS.second, body: { video_url: VIDEO, auto_start: false }, ...withKey('shared') });
    expect(fb.json.id).toBe(fa.json.id);
  });

  it('IDEM-5: restarting a processing or completed job without a key → 409 job_not_startable, no charge', () => {
    const h = setup();
    const id = h.draft();
    h.start(id);
    const busy = h.start(id);
    expect([busy.status, busy.json.error.code]).toEqual([409, 'job_not_startable']);
    h.advance(1000);
    expect(h.job(id).json.status).toBe('completed');
    expect(h.start(id).status).toBe(409);
    expect(h.events(id).json.events).toHaveLength(1);
    const f = setup({ faults: ['idem-double-charge'] });
    const fid = f.draft();
    f.start(fid);
    expect(f.start(fid).status).toBe(200);
    expect(f.events(fid).json.events).toHaveLength(2);
  });

  it('IDEM-5: a failed job may be started again, and is charged once per start', () => {
    const h = setup();
    const id = h.draft({ video_url: 'https://media.example.com/fail/clip.mp4' });
    h.start(id);
    h.advance(1000);
    expect(h.job(id).json.status).toBe('failed');
    expect(h.start(id).status).toBe(200);
    expect(h.events(id).json.events).toHaveLength(2);
  });

  it('IDEM-6: a 429 is not stored; the retry after the wait runs; idem-stores-errors replays the 429', () => {
    for (const [faults, expected] of [[[], 200], [['idem-stores-errors'], 429]] as const) {
      const h = setup({ rateLimit: { capacity: 2, refillPerSecond: 1 }, faults: [...faults] });
      const id = h.draft();
      h.call('GET', '/v1/jobs');
      expect(h.start(id, {}, withKey('after-429')).status).toBe(429);
      h.advance(2000);
      expect(h.start(id, {}, withKey('after-429')).status, faults.join()).toBe(expected);
    }
  });

  it('IDEM-6: other errors are not stored either: a 400 retried after fixing nothing still answers 400 afresh', () => {
    const h = setup();
    const id = h.draft();
    const a = h.start(id, { model: 'nope' }, withKey('bad'));
    const b = h.start(id, { model: 'nope' }, withKey('bad'));
    expect([a.status, b.status]).toEqual([400, 400]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(b.json.error.request_id).toBe(b.headers['x-request-id']);
  });

  it('IDEM: an Idempotency-Key outside 1–255 printable ASCII → 400 naming the header', () => {
    const h = setup();
    for (const key of ['x'.repeat(256), 'tab\tkey', 'ключ']) {
      const r = h.call('POST', '/v1/jobs', { body: { video_url: VIDEO }, headers: { 'idempotency-key': key } });
      expect(r.status).toBe(400);
      expect(r.json.error.param).toBe('Idempotency-Key');
    }
  });
});
