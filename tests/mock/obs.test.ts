import { describe, expect, it } from 'vitest';
import { KEYS, setup } from './harness.js';

describe('OBS rules', () => {
  it('OBS-1: every response class carries a unique X-Request-Id', () => {
    const h = setup({ rateLimit: { capacity: 5, refillPerSecond: 1 } });
    const id = h.draft();
    const replies = [
      h.job(id), h.call('GET', '/health', { key: null }), h.call('GET', '/v1/jobs', { key: null }),
      h.call('GET', '/nope'), h.call('GET', '/v1/jobs/missing'), h.start(id, { model: 'bad' }),
      ...Array.from({ length: 6 }, () => h.call('GET', '/v1/jobs')),
    ];
    expect(replies.some((r) => r.status === 429)).toBe(true);
    const ids = replies.map((r) => r.headers['x-request-id']);
    expect(ids.every((x) => typeof x === 'string' && x.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('OBS-1 faults: obs-no-request-id-on-errors and obs-reused-request-ids', () => {
    expect(setup({ faults: ['obs-no-request-id-on-errors'] }).call('GET', '/nope').headers['x-request-id']).toBeUndefined();
    const f = setup({ faults: ['obs-reused-request-ids'] });
    const ids = Array.from({ length: 8 }, () => f.call('GET', '/health').headers['x-request-id']);
    expect(new Set(ids).size).toBeLessThan(8);
  });

  it("OBS-2: an error body's request_id equals X-Request-Id; obs-error-id-mismatch breaks it", () => {
    const h = setup();
    for (const r of [h.call('GET', '/nope'), h.call('GET', '/v1/jobs', { key: null }), h.call('POST', '/v1/jobs', { body: {} })]) {
      expect(r.json.error.request_id).toBe(r.headers['x-request-id']);
    }
    const f = setup({ faults: ['obs-error-id-mismatch'] }).call('GET', '/nope');
    expect(f.json.error.request_id).not.toBe(f.headers['x-request-id']);
  });

  it("OBS-3: start's id is the path's job_id; history entries carry the causing request ids", () => {
    const h = setup();
    const create = h.call('POST', '/v1/jobs', { body: { video_url: 'https://m.example/v.mp4', auto_start: false } });
    const id = create.json.id;
    const start = h.start(id);
    expect(start.json.id).toBe(id);
    h.advance(1000);
    const job = h.job(id).json;
    expect(job.id).toBe(id);
    expect(job.history.map((e: { request_id: string }) => e.request_id)).toEqual([
      create.headers['x-request-id'], start.headers['x-request-id'], start.headers['x-request-id'],
    ]);
    expect(h.events(id).json.events[0].request_id).toBe(start.headers['x-request-id']);
  });

  it('OBS-3 faults: obs-start-wrong-id and obs-history-wrong-request-id', () => {
    const f = setup({ faults: ['obs-start-wrong-id'] });
    const id = f.draft();
    expect(f.start(id).json.id).not.toBe(id);
    const g = setup({ faults: ['obs-history-wrong-request-id'] });
    const create = g.call('POST', '/v1/jobs', { body: { video_url: 'https://m.example/v.mp4', auto_start: false } });
    expect(g.job(create.json.id).json.history[0].request_id).not.toBe(create.headers['x-request-id']);
  });

  it('OBS-4: each request id appears in the logs with the job id it touched, and no API key is logged', () => {
    const h = setup();
    const create = h.call('POST', '/v1/jobs', { body: { video_url: 'https://m.example/v.mp4', auto_start: false } });
    const id = create.json.id;
    const start = h.start(id);
    const get = h.job(id);
    const foreign = h.job(id, KEYS.second);
    for (const r of [create, start, get, foreign]) {
      const rid = r.headers['x-request-id'];
      expect(h.logs.some((l) => l.request_id === rid && l.job_id === id), rid).toBe(true);
    }
    const text = JSON.stringify(h.logs);
    for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
    const f = setup({ faults: ['obs-logs-without-job-id'] });
    f.draft();
    expect(f.logs.some((l) => l.job_id !== undefined)).toBe(false);
  });

  it('OBS-5: a valid client X-Request-Id is echoed, an invalid one replaced; obs-no-echo ignores it', () => {
    const h = setup();
    expect(h.call('GET', '/health', { headers: { 'x-request-id': 'client:abc-1.2_3' } }).headers['x-request-id']).toBe('client:abc-1.2_3');
    const bad = h.call('GET', '/health', { headers: { 'x-request-id': 'has space' } });
    expect(bad.headers['x-request-id']).not.toBe('has space');
    expect(h.call('GET', '/health', { headers: { 'x-request-id': 'x'.repeat(129) } }).headers['x-request-id']).not.toBe('x'.repeat(129));
    expect(setup({ faults: ['obs-no-echo'] }).call('GET', '/health', { headers: { 'x-request-id': 'mine' } }).headers['x-request-id']).not.toBe('mine');
  });
});
