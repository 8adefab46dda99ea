// The variants that take the other side of a choice SPEC states in so many
// words (VAL-3's pro draft, IDEM-1's stored 4xx, RATE-1's layered limits,
// RATE-2's Retry-After): each does what it says and keeps every MUST rule.
import { describe, expect, it } from 'vitest';
import { replayMismatch } from '../../contracts/replay.js';
import { KEYS, setup, VIDEO } from './harness.js';

const withVariant = (variant: string) => setup({ variants: [variant], rateLimit: undefined });

describe('legal variations for the choices SPEC states', () => {
  it('VAL-3: pro-draft-rejected refuses a pro draft without a prompt at create; the default accepts it and asks at start', () => {
    const body = { video_url: VIDEO, model: 'pro', auto_start: false };
    const rejected = withVariant('pro-draft-rejected').call('POST', '/v1/jobs', { body });
    expect([rejected.status, rejected.json.error.code, rejected.json.error.param]).toEqual([400, 'invalid_request', 'text_prompt']);
    const h = setup();
    const accepted = h.call('POST', '/v1/jobs', { body });
    expect(accepted.status).toBe(200);
    const start = h.start(accepted.json.id as string, {});
    expect([start.status, start.json.error.param]).toEqual([400, 'text_prompt']);
    // With a prompt both readings accept the draft.
    expect(withVariant('pro-draft-rejected').call('POST', '/v1/jobs', { body: { ...body, text_prompt: 'person' } }).status).toBe(200);
  });

  it('VAL-3: no-prompt-policy is configured without the prompt policy: pro starts without a prompt', () => {
    const h = withVariant('no-prompt-policy');
    expect(h.start(h.draft(), { model: 'pro' }).status).toBe(200);
    expect(h.call('POST', '/v1/jobs', { body: { video_url: VIDEO, model: 'pro' } }).status).toBe(200);
    // VAL-2 still holds: a prompt needs pro.
    expect(h.start(h.draft(), { text_prompt: 'person' }).status).toBe(400);
  });

  it('IDEM-1: idem-stores-4xx replays a keyed 4xx with the replay\'s own request id; the default judges it afresh', () => {
    const headers = { 'idempotency-key': 'k-4xx' };
    const h = withVariant('idem-stores-4xx');
    const first = h.call('POST', '/v1/jobs', { body: { video_url: 'not a url' }, headers });
    const again = h.call('POST', '/v1/jobs', { body: { video_url: 'not a url' }, headers });
    expect(first.status).toBe(400);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json.error.request_id).toBe(again.headers['x-request-id']);
    expect(again.json.error.request_id).not.toBe(first.json.error.request_id);
    const toAnswer = (r: typeof first) => ({ status: r.status, json: r.json, requestId: r.headers['x-request-id'] ?? null });
    expect(replayMismatch(toAnswer(first), toAnswer(again))).toBeUndefined();
    const plain = setup();
    plain.call('POST', '/v1/jobs', { body: { video_url: 'not a url' }, headers });
    expect(plain.call('POST', '/v1/jobs', { body: { video_url: 'not a url' }, headers }).headers['idempotent-replayed']).toBeUndefined();
  });

  it('IDEM-6: idem-stores-4xx never stores a 429', () => {
    const h = withVariant('idem-stores-4xx');
    const headers = { 'idempotency-key': 'k-429' };
    const id = h.draft();
    for (let n = 0; n < 200 && h.call('GET', '/v1/jobs?limit=1').status !== 429; n++);
    expect(h.start(id, {}, { headers }).status).toBe(429);
    h.advance(60_000);
    const retry = h.start(id, {}, { headers });
    expect([retry.status, retry.headers['idempotent-replayed']]).toEqual([200, undefined]);
  });

  it('RATE-1: layered-limit throttles a burst at 10 and a sustained rate at 80 per 10 s, Retry-After naming the later reset', () => {
    const h = withVariant('layered-limit');
    let admitted = 0;
    for (let n = 0; n < 20; n++) if (h.call('GET', '/v1/jobs?limit=1').status === 200) admitted++;
    expect(admitted).toBe(10);
    // 1 request every 100 ms fits the per-second layer; the 10 s layer runs out after 80 in all.
    let first429: ReturnType<typeof h.call> | undefined;
    for (let n = 0; n < 200 && !first429; n++) {
      h.advance(100);
      const r = h.call('GET', '/v1/jobs?limit=1');
      if (r.status === 429) first429 = r;
      else admitted++;
    }
    expect(admitted).toBe(80);
    const wait = Number(first429?.headers['retry-after']);
    expect(wait).toBeGreaterThan(1);
    h.advance(wait * 1000);
    expect(h.call('GET', '/v1/jobs?limit=1').status).toBe(200);
  });

  it('RATE-2/RATE-3: retry-after-padded asks 1–3 s more than needed, and the key is admitted after it', () => {
    const h = setup({ variants: ['retry-after-padded'], rateLimit: { capacity: 2, refillPerSecond: 1 } });
    const waits = new Set<number>();
    for (let round = 0; round < 30; round++) {
      let r = h.call('GET', '/v1/jobs?limit=1');
      while (r.status !== 429) r = h.call('GET', '/v1/jobs?limit=1');
      const wait = Number(r.headers['retry-after']);
      expect(wait).toBeGreaterThanOrEqual(2);
      expect(wait).toBeLessThanOrEqual(4);
      waits.add(wait);
      h.advance(wait * 1000);
      expect(h.call('GET', '/v1/jobs?limit=1', { key: KEYS.primary }).status).toBe(200);
    }
    expect(waits.size, 'the padding varies').toBeGreaterThan(1);
  });
});

describe('a choice SPEC leaves unsaid: when a start is charged', () => {
  it('§1 Usage: charge-on-completion charges each start once, when its run ends (completed or failed)', () => {
    const h = withVariant('charge-on-completion');
    const id = h.draft();
    expect(h.start(id, { model: 'light' }).status).toBe(200);
    expect(h.events(id).json.events).toEqual([]);
    expect(h.job(id).json.credits_charged).toBe(0);
    h.advance(1000);
    // The usage read alone brings the run to its end: no job read needed first.
    const events = h.events(id).json.events as { credits: number; job_id: string }[];
    expect(events.map((e) => [e.job_id, e.credits])).toEqual([[id, 23]]);
    expect(h.job(id).json.credits_charged).toBe(23);
    const failing = h.draft({ video_url: 'https://media.example.com/fail.mp4?duration=10' });
    h.start(failing);
    h.advance(1000);
    expect(h.events(failing).json.events).toHaveLength(1);
  });
});

describe('a choice SPEC leaves unsaid: the usage filter on a job the key cannot see', () => {
  it('AUTH-4: usage-filter-404 answers 404 not_found for another key\'s job and for none, as the default answers both with no events', () => {
    const h = withVariant('usage-filter-404');
    const theirs = h.draft({}, KEYS.second);
    for (const id of [theirs, 'job_none']) {
      const r = h.events(id);
      expect([r.status, r.json.error.code]).toEqual([404, 'not_found']);
    }
    expect(h.events(h.draft()).status).toBe(200);
    const plain = setup();
    const other = plain.draft({}, KEYS.second);
    for (const id of [other, 'job_none']) expect([plain.events(id).status, plain.events(id).json.events]).toEqual([200, []]);
  });
});
