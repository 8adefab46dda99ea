import { describe, expect, it } from 'vitest';
import { Job } from '../../contracts/schemas.js';
import { KEYS, setup, VIDEO } from './harness.js';

const statuses = (job: { history: { status: string }[] }) => job.history.map((e) => e.status);

describe('LIFE rules', () => {
  it('LIFE-1/LIFE-2/LIFE-4: created → processing → completed, output_url only when completed, each transition once', () => {
    const h = setup({ processingMs: 300 });
    const id = h.draft();
    expect(h.job(id).json).not.toHaveProperty('output_url');
    h.start(id);
    const processing = h.job(id).json;
    expect(processing.status).toBe('processing');
    expect(processing).not.toHaveProperty('output_url');
    expect(processing).not.toHaveProperty('error');
    h.advance(299);
    expect(h.job(id).json.status).toBe('processing');
    h.advance(1);
    const done = h.job(id).json;
    expect(done.status).toBe('completed');
    expect(done.output_url).toMatch(/^http:\/\/mock\.test\/artifacts\//);
    expect(done).not.toHaveProperty('error');
    expect(statuses(done)).toEqual(['created', 'processing', 'completed']);
    h.advance(5000);
    expect(statuses(h.job(id).json)).toEqual(['created', 'processing', 'completed']);
    expect(Job.safeParse(done).success).toBe(true);
  });

  it('LIFE-1: a failing source ends failed with an error and no output_url; it may be started again', () => {
    const h = setup();
    const id = h.draft({ video_url: 'https://media.example.com/fail-me.mp4' });
    h.start(id);
    h.advance(1000);
    const failed = h.job(id).json;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(failed).not.toHaveProperty('output_url');
    h.start(id);
    expect(statuses(h.job(id).json)).toEqual(['created', 'processing', 'failed', 'processing']);
    expect(h.job(id).json).not.toHaveProperty('error');
  });

  it('LIFE-1 fault life-skip-processing: created → completed directly', () => {
    const f = setup({ faults: ['life-skip-processing'] });
    const id = f.draft();
    f.start(id);
    expect(statuses(f.job(id).json)).toEqual(['created', 'completed']);
  });

  it('LIFE-2 fault life-output-url-early', () => {
    const f = setup({ faults: ['life-output-url-early'] });
    const id = f.draft();
    f.start(id);
    expect(f.job(id).json).toHaveProperty('output_url');
  });

  it('LIFE-3: a started job is terminal within the processing time; life-stuck-processing never is', () => {
    for (const [faults, status] of [[[], 'completed'], [['life-stuck-processing'], 'processing']] as const) {
      const h = setup({ faults: [...faults] });
      const id = h.draft();
      h.start(id);
      h.advance(60_000);
      expect(h.job(id).json.status).toBe(status);
    }
  });

  it('LIFE-3: auto_start jobs finish too, and list shows up-to-date statuses newest first', () => {
    const h = setup();
    const a = h.call('POST', '/v1/jobs', { body: { video_url: VIDEO } }).json;
    const b = h.call('POST', '/v1/jobs', { body: { video_url: VIDEO, auto_start: false } }).json;
    expect([a.status, b.status]).toEqual(['processing', 'created']);
    h.advance(1000);
    const list = h.call('GET', '/v1/jobs').json;
    expect(list.jobs.map((j: { id: string }) => j.id)).toEqual([b.id, a.id]);
    expect(list.jobs[1].status).toBe('completed');
    expect(h.call('GET', '/v1/jobs?status=completed').json).toMatchObject({ total: 1, limit: 20, offset: 0 });
    expect(h.call('GET', '/v1/jobs?limit=1&offset=1').json.jobs[0].id).toBe(a.id);
  });

  it('LIFE-4 fault life-history-duplicates', () => {
    const f = setup({ faults: ['life-history-duplicates'] });
    const id = f.draft();
    f.start(id);
    f.advance(1000);
    expect(statuses(f.job(id).json)).toEqual(['created', 'processing', 'completed', 'completed']);
  });

  it('LIFE-5: too few credits → 402 insufficient_credits and the job stays created; the fault lets it start', () => {
    const h = setup();
    const id = h.draft({}, KEYS.broke);
    const r = h.start(id, {}, { key: KEYS.broke });
    expect([r.status, r.json.error.code]).toEqual([402, 'insufficient_credits']);
    expect(h.job(id, KEYS.broke).json.status).toBe('created');
    expect(h.events(id, KEYS.broke).json.events).toEqual([]);
    const f = setup({ faults: ['life-no-credit-check'] });
    expect(f.start(f.draft({}, KEYS.broke), {}, { key: KEYS.broke }).status).toBe(200);
  });

  it('LIFE-5: credits are charged per the pricing table and run out', () => {
    const h = setup({ accounts: [{ name: 'small', key: 'k-small', credits: 100 }] });
    const id = h.draft({ video_url: 'https://m.example/v.mp4?duration=30' }, 'k-small');
    expect(h.start(id, { model: 'pro', text_prompt: 'cat', preview_duration: 20 }, { key: 'k-small' }).status).toBe(200);
    expect(h.events(id, 'k-small').json.events[0].credits).toBe(60);
    h.advance(1000);
    expect(h.job(id, 'k-small').json.credits_charged).toBe(60);
    const next = h.draft({ video_url: 'https://m.example/v.mp4?duration=30' }, 'k-small');
    // 40 credits left: original for 30 s costs 30 and fits; pro for 30 s would cost 90 and does not.
    expect(h.start(next, { model: 'pro', text_prompt: 'cat' }, { key: 'k-small' }).status).toBe(402);
    expect(h.start(next, { model: 'original' }, { key: 'k-small' }).status).toBe(200);
  });

  it('LIFE-6: output_url is downloadable without the key with a media type fitting output_format; the fault breaks it', () => {
    for (const [format, type] of [['webm', 'video/webm'], ['mov', 'video/quicktime'], ['gif', 'image/gif'], ['webp', 'image/webp'], ['png_sequence', 'application/zip']]) {
      const h = setup();
      const id = h.draft({ output_format: format });
      h.start(id);
      h.advance(1000);
      const url = new URL(h.job(id).json.output_url as string);
      const get = h.call('GET', url.pathname + url.search, { key: null });
      const head = h.call('HEAD', url.pathname + url.search, { key: null });
      expect([get.status, get.headers['content-type'], head.status, head.headers['content-type'], head.text]).toEqual([200, type, 200, type, '']);
      expect(h.call('GET', url.pathname, { key: null }).status).toBe(404); // unsigned
    }
    const f = setup({ faults: ['life-artifact-wrong-type'] });
    const id = f.draft();
    f.start(id);
    f.advance(1000);
    const url = new URL(f.job(id).json.output_url as string);
    expect(f.call('GET', url.pathname + url.search, { key: null }).headers['content-type']).toBe('application/octet-stream');
  });
});
