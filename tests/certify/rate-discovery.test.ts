// Rate-limit discovery (suites/lib/rate.ts) finds the limit instead of assuming
// it (RATE-1): against mocks with other limits on loopback, the observed burst
// and refill come out near the configured ones, and a provider with no limit
// is reported with how hard jobcert pushed.
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { Client, Recorder } from '../../suites/lib/client.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { discover } from '../../suites/lib/rate.js';
import { KEYS } from '../mock/harness.js';

let server: RunningServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

async function discoverOn(options: Parameters<typeof createEngine>[0], burstMax = 2000) {
  server = await startHttpServer(createEngine(options));
  const config: RunConfig = {
    target: server.url, embedded: null, keys: { primary: KEYS.primary }, videos: [], profile: 'quick', jobTimeoutS: 10, requestTimeoutMs: 5000,
    deadlineAt: Date.now() + 60_000, concurrency: 4, burstMax, promptPolicy: 'required',
  };
  const found = await discover(new Client(new Recorder(config), { retry429: false }), config);
  return found;
}

describe('rate-limit discovery (RATE-1)', () => {
  it('finds a 20-request bucket refilled at 10/s, the hint read from RateLimit-Policy', async () => {
    const { profile, throttled } = await discoverOn({ rateLimit: { capacity: 20, refillPerSecond: 10 } });
    expect(profile.throttled).toBe(true);
    expect(profile.requests_before_first_429).toBeGreaterThanOrEqual(19);
    expect(profile.requests_before_first_429).toBeLessThanOrEqual(26);
    expect(profile.refill_per_second).toBeGreaterThan(4);
    expect(profile.refill_per_second).toBeLessThan(20);
    expect([profile.retry_after, profile.hinted_quota]).toEqual(['1', 20]);
    expect(profile.pacing?.per_second).toBeGreaterThan(0);
    expect(throttled.every((r) => r.status === 429)).toBe(true);
  });

  it('finds a larger bucket without a hint (no RateLimit fields)', async () => {
    const { profile } = await discoverOn({ rateLimit: { capacity: 100, refillPerSecond: 50 }, faults: ['rate-no-headers'] });
    expect([profile.throttled, profile.policy_header]).toEqual([true, null]);
    // 100 in the bucket, plus what refilled (50/s) while the burst was on its way.
    expect(profile.requests_before_first_429).toBeGreaterThanOrEqual(95);
    expect(profile.requests_before_first_429).toBeLessThanOrEqual(170);
  });

  it('reads an HTTP-date Retry-After against the Date header', async () => {
    const { profile } = await discoverOn({ variants: ['retry-after-date'] });
    expect(profile.retry_after).toMatch(/GMT$/);
    expect(profile.retry_after_ms).toBeGreaterThanOrEqual(1000);
    expect(profile.retry_after_ms).toBeLessThanOrEqual(3000);
  });

  it('with no limit, stops at --burst-max and says how hard it pushed', async () => {
    const { profile } = await discoverOn({ rateLimit: false }, 300);
    expect(profile.throttled).toBe(false);
    expect(profile.sent).toBe(301);
    expect(profile.requests_before_first_429).toBeNull();
    expect(profile.peak_concurrency).toBeGreaterThanOrEqual(16);
  });
});
