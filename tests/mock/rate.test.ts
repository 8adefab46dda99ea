import { describe, expect, it } from 'vitest';
import { KEYS, setup } from './harness.js';

const limited = { rateLimit: { capacity: 20, refillPerSecond: 10 } };

function burst(h: ReturnType<typeof setup>, n: number, key = KEYS.primary) {
  return Array.from({ length: n }, () => h.call('GET', '/v1/jobs', { key }));
}

describe('RATE rules', () => {
  it('RATE-1: a burst beyond capacity 20 gets 429 rate_limited, per key, on every /v1 route', () => {
    const h = setup(limited);
    const replies = burst(h, 25);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(20);
    const throttled = replies.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(5);
    for (const r of throttled) expect(r.json.error.code).toBe('rate_limited');
    expect(h.call('GET', '/v1/usage/events').status).toBe(429);
    expect(h.call('GET', '/health', { key: null }).status).toBe(200); // not /v1
  });

  it('RATE-1 fault rate-no-limit: 100 requests, no 429, while RateLimit-Policy still advertises the limit (unless rate-no-headers takes it away too)', () => {
    const h = setup({ ...limited, faults: ['rate-no-limit'] });
    const answers = burst(h, 100);
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(answers.every((r) => /"default";q=\d+;w=\d+/.test(r.headers['ratelimit-policy'] ?? ''))).toBe(true);
    const silent = setup({ ...limited, faults: ['rate-no-limit', 'rate-no-headers'] });
    expect(burst(silent, 5).every((r) => r.headers['ratelimit-policy'] === undefined)).toBe(true);
  });

  it('RATE-2: every 429 carries Retry-After ≥ 1 s (delay-seconds); the fault drops it', () => {
    const h = setup(limited);
    const throttled = burst(h, 30).filter((x) => x.status === 429);
    expect(throttled.length, 'the burst was throttled: the loop below judges real 429s').toBeGreaterThan(0);
    for (const r of throttled) {
      expect(r.headers['retry-after']).toMatch(/^\d+$/);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    const f = setup({ ...limited, faults: ['rate-no-retry-after'] });
    const last = burst(f, 21).at(-1)!;
    expect(last.status).toBe(429);
    expect(last.headers['retry-after']).toBeUndefined();
  });

  it('RATE-3: after waiting Retry-After the key succeeds again; rate-no-recovery breaks that', () => {
    for (const [faults, recovered] of [[[], true], [['rate-no-recovery'], false]] as const) {
      const h = setup({ ...limited, faults: [...faults] });
      const last = burst(h, 21).at(-1)!;
      expect(last.status).toBe(429);
      h.advance(Number(last.headers['retry-after']) * 1000);
      expect(h.call('GET', '/v1/jobs').status === 200, `faults ${faults.join()}`).toBe(recovered);
    }
  });

  it('RATE-3 fault rate-retry-after-short: Retry-After says 1 s, yet each throttled request holds the key 4 s; backing off past the hold recovers', () => {
    const h = setup({ ...limited, faults: ['rate-retry-after-short'] });
    const last = burst(h, 21).at(-1)!;
    expect([last.status, last.headers['retry-after']]).toEqual([429, '1']);
    h.advance(1000);
    const asTold = h.call('GET', '/v1/jobs');
    expect([asTold.status, asTold.headers['retry-after']], 'waiting exactly as told meets another 429 that again says 1 s').toEqual([429, '1']);
    h.advance(2000);
    expect(h.call('GET', '/v1/jobs').status, 'within the hold its own 429 restarted').toBe(429);
    h.advance(4000);
    expect(h.call('GET', '/v1/jobs').status, 'a wait past the hold recovers (RATE-3 backoff)').toBe(200);
  });

  it("RATE-4: one key's burst does not throttle another; rate-shared-bucket does", () => {
    const h = setup(limited);
    burst(h, 30);
    expect(h.call('GET', '/v1/jobs', { key: KEYS.second }).status).toBe(200);
    const f = setup({ ...limited, faults: ['rate-shared-bucket'] });
    burst(f, 30);
    expect(f.call('GET', '/v1/jobs', { key: KEYS.second }).status).toBe(429);
  });

  it('RATE-5: a throttled start leaves the job created and charges nothing; rate-side-effect starts it', () => {
    for (const [faults, status, charges] of [[[], 'created', 0], [['rate-side-effect'], 'processing', 1]] as const) {
      const h = setup({ ...limited, faults: [...faults] });
      const id = h.draft();
      burst(h, 30);
      expect(h.start(id, {}).status).toBe(429);
      h.advance(5000);
      const job = h.job(id).json;
      expect(job.status === 'created' ? 'created' : 'processing').toBe(status);
      expect(h.events(id).json.events).toHaveLength(charges);
    }
  });

  it('RATE-6: RateLimit and RateLimit-Policy fields on /v1 responses, 429 included; the fault drops them', () => {
    const h = setup(limited);
    const ok = h.call('GET', '/v1/jobs');
    expect(ok.headers['ratelimit-policy']).toBe('"default";q=20;w=2');
    expect(ok.headers.ratelimit).toMatch(/^"default";r=19;t=\d+$/);
    expect(burst(h, 25).at(-1)!.headers.ratelimit).toMatch(/r=0/);
    expect(setup({ ...limited, faults: ['rate-no-headers'] }).call('GET', '/v1/jobs').headers.ratelimit).toBeUndefined();
  });

  it('RATE-3: refill is gradual: 10 tokens per second', () => {
    const h = setup(limited);
    burst(h, 20);
    h.advance(500);
    expect(burst(h, 6).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
