// LOAD measures the service, not its rate limiter (issue 22), proven against
// the mock with a staging-like limit (the bucket-10 variant: 10 requests/s per
// key) over loopback HTTP: the default plan discovers each load key's limit
// and stays under it, so its p99 is judged on enough answers; the capacity
// search finds the keys' summed limit. Assertions are on counts, shares and
// verdicts, never on this machine's speed.
import { describe, expect, it } from 'vitest';
import { createEngine, startHttpServer, type EngineOptions } from '../../mocks/index.js';
import { DEFAULT_CAPS } from '../../load/guards.js';
import { runLoadStage, type LoadStageOptions } from '../../load/stage.js';
import { SAFETY_FACTOR } from '../../load/plan.js';

const VIDEO = 'https://media.example.com/clips/load.mp4?duration=5';
const keysFor = (n: number): string[] => Array.from({ length: n }, (_, i) => `jc_load_key_${i + 1}`);

async function onBucket10(keys: readonly string[], opts: Partial<LoadStageOptions>, engine: Partial<EngineOptions> = {}): Promise<Awaited<ReturnType<typeof runLoadStage>>> {
  const server = await startHttpServer(createEngine({ variants: ['bucket-10'], accounts: keys.map((key, i) => ({ name: `load-${i}`, key, credits: 1_000_000 })), ...engine }));
  try {
    return await runLoadStage({
      target: server.url, keys, videoUrl: VIDEO, scenarios: ['poll'], connections: 8, warmupS: 1, timeoutMs: 5000,
      thresholds: ['p99<5s', 'errors<1%'], guards: { ...DEFAULT_CAPS, allowLoad: true, productionHosts: [] }, embedded: true, billingWaitMs: 0, ...opts,
    });
  } finally {
    await server.close();
  }
}

describe('LOAD against a provider that limits each key to 10 requests/s', () => {
  it('the default plan: each key\'s limit discovered, the load at 0.8 × their sum, under 5% 429, the p99 judged on at least 1,000 answers', async () => {
    const keys = keysFor(10);
    const { results, checks } = await onBucket10(keys, {});
    const poll = results.scenarios[0]!;
    expect(poll.model).toMatchObject({ kind: 'open', source: 'discovered' });
    // Each key's refill is measured, so the sum is near 10 × 10/s: the plan is 0.8 of it, give or take the measurement.
    expect(poll.model!.rate!).toBeGreaterThan(SAFETY_FACTOR * 100 * 0.75);
    expect(poll.model!.rate!).toBeLessThan(SAFETY_FACTOR * 100 * 1.25);
    expect(poll.model!.basis).toMatch(/^0\.8 × the 10 load keys' summed limits \(key #1: [\d.]+\/s \(its discovered refill\)/);
    expect(poll.all!.rate_limited_share).toBeLessThan(0.05);
    const p99 = results.thresholds.find((t) => t.expr === 'p99<5s')!;
    expect(p99.status, p99.why).toBe('pass');
    expect(p99.sample.non_429).toBeGreaterThanOrEqual(1000);
    expect(checks.find((c) => c.id === 'load.threshold.p99-lt-5000')).toMatchObject({ status: 'pass', message: expect.stringMatching(/ on \d{4,} non-429 of \d+ answers /) });
  }, 120_000);

  it('the same provider loaded at 5× its limit: the thresholds are not judged, and say what would judge them', async () => {
    const keys = keysFor(2);
    const { results } = await onBucket10(keys, { rate: 100, durationS: 2 });
    expect(results.scenarios[0]!.all!.rate_limited_share).toBeGreaterThan(0.5);
    for (const t of results.thresholds) expect([t.expr, t.status, t.why]).toEqual([t.expr, 'not-judged', expect.stringMatching(/answers were 429 .*a lower --rate.*--load-api-key/)]);
  }, 60_000);

  it('--find-capacity finds the keys\' summed limit (40/s for 4 keys) within 20%, with the curve', async () => {
    const keys = keysFor(4);
    // Thresholds a 3 s step can judge at these rates (a p90 needs 100 answers; a p99 would need 1,000).
    const { results, checks } = await onBucket10(keys, { findCapacity: true, durationS: 3, warmupS: 1, thresholds: ['p90<5s', 'errors<1%'] });
    const c = results.capacity!;
    expect(c.scenario).toBe('poll');
    expect(c.capacity, JSON.stringify(c.points.map((p) => [p.rate, p.verdict, p.rate_limited_share]))).not.toBeNull();
    expect(c.capacity!).toBeGreaterThanOrEqual(40 * 0.8);
    expect(c.capacity!).toBeLessThanOrEqual(40 * 1.2);
    expect(c.stopped_by).toMatch(/^the keys' limits: /);
    expect(c.points.some((p) => p.verdict === 'limited')).toBe(true);
    expect(c.points.map((p) => p.rate)).toEqual([...c.points.map((p) => p.rate)].sort((a, b) => a - b));
    expect(checks).toEqual([expect.objectContaining({ id: 'load.capacity', status: 'pass', message: expect.stringMatching(new RegExp(`^capacity ${c.capacity}/s: every threshold held up to it`)) })]);
    console.log(`capacity search on 4 bucket-10 keys (40/s): ${c.points.map((p) => `${p.rate}/s ${p.verdict} (${(p.rate_limited_share * 100).toFixed(1)}% 429)`).join(', ')} → ${c.capacity}/s`);
  }, 120_000);

  it('--find-capacity with a threshold no step can judge: load.capacity is not judged, never a pass', async () => {
    const { checks, results } = await onBucket10(keysFor(1), { findCapacity: true, rate: 8, durationS: 2, warmupS: 0, thresholds: ['p99<5s'] });
    expect(checks[0]).toMatchObject({ id: 'load.capacity', status: 'error', message: expect.stringMatching(/^not judged: /) });
    // Where a rate held, it held on a p99 of a few dozen answers: that is what the check says (a loaded machine may see the first step limited instead).
    if (results.capacity?.capacity !== null) expect(checks[0]!.message).toMatch(/^not judged: at [\d.]+\/s .*p99<5s not judged \(\d+ answers; it needs 1000\)/);
  }, 120_000);

  it('--find-capacity on the mock with the latency fault: no rate meets p99<800, and the check fails saying so', async () => {
    const server = await startHttpServer(createEngine({ rateLimit: false, faults: ['load-latency'], faultLatencyMs: 1000 }));
    try {
      const { results, checks } = await runLoadStage({
        target: server.url, keys: keysFor(1).map(() => 'jc_test_primary_7d1f0c'), videoUrl: VIDEO, scenarios: ['poll'], connections: 8, warmupS: 0, timeoutMs: 5000,
        thresholds: ['p90<800'], guards: { ...DEFAULT_CAPS, allowLoad: true, productionHosts: [] }, embedded: true, limiterOff: true, billingWaitMs: 0,
        findCapacity: true, rate: 100, durationS: 2,
      });
      expect(results.capacity).toMatchObject({ capacity: null, stopped_by: expect.stringMatching(/^a threshold broke at 100\/s: p90<800 broke/) });
      expect(checks[0]).toMatchObject({ id: 'load.capacity', status: 'fail', message: expect.stringMatching(/^no rate met every threshold: at 100\/s, p90<800 broke/) });
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('--scenario limiter: the limiter judged apart, on purpose', () => {
  const limiterOnly = { scenarios: [], limiter: true, durationS: 2 } as const;
  const statuses = (checks: { id: string; status: string }[]) => Object.fromEntries(checks.map((c) => [c.id, c.status]));

  it('a conformant limiter: the flood is throttled, every 429 has its Retry-After, no 5xx, every key served again, with its recovery time', async () => {
    const { checks, results } = await onBucket10(keysFor(2), limiterOnly);
    expect(statuses(checks)).toEqual({ 'load.limiter.throttles': 'pass', 'load.limiter.retry-after': 'pass', 'load.limiter.no-5xx': 'pass', 'load.limiter.recovers': 'pass', 'load.billing': 'skip' });
    const limiter = results.scenarios.find((s) => s.name === 'limiter')!;
    expect(limiter.model).toMatchObject({ kind: 'open', basis: expect.stringMatching(/^3 × the keys' summed limits/) });
    expect(limiter.notes.filter((n) => /^key #\d: recovered \d+ ms after the flood/.test(n))).toHaveLength(2);
    expect(results.thresholds, 'the limiter\'s answers judge no latency threshold').toEqual([]);
  }, 60_000);

  it.each([
    ['rate-no-retry-after', 'load.limiter.retry-after'],
    ['rate-no-recovery', 'load.limiter.recovers'],
    ['rate-no-limit', 'load.limiter.throttles'],
  ] as const)('%s: %s fails', async (fault, id) => {
    const { checks } = await onBucket10(keysFor(2), limiterOnly, { faults: [fault] });
    expect(checks.find((c) => c.id === id), JSON.stringify(checks.map((c) => [c.id, c.status, c.message]))).toMatchObject({ status: 'fail' });
  }, 60_000);

  it('load-5xx-under-load: load.limiter.no-5xx fails with the 500s as evidence', async () => {
    const still = { now: () => Date.parse('2026-11-27T10:00:00.000Z') };
    const { checks } = await onBucket10(keysFor(2), { ...limiterOnly, rate: 50 }, { faults: ['load-5xx-under-load'], clock: still });
    const no5xx = checks.find((c) => c.id === 'load.limiter.no-5xx')!;
    expect(no5xx).toMatchObject({ status: 'fail', rule_ids: ['ERR-3'] });
    expect(no5xx.evidence.every((e) => e.response?.status === 500)).toBe(true);
  }, 60_000);
});
