// Rate-limit discovery (suites/lib/rate/discovery.ts) finds the limit instead of assuming
// it (RATE-1): against mocks with other limits on loopback, the observed burst
// and refill come out as the configured ones, and a provider with no limit is
// reported with how hard jobcert pushed. The mock's clock moves only when
// discovery rests (its Client's pause): what a burst gets through is then the
// bucket, not the bucket plus whatever refilled while this machine sent it, so
// the figures are exact however loaded the machine is.
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { Client, Recorder } from '../../suites/lib/client.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { discover } from '../../suites/lib/rate/discovery.js';
import { KEYS } from '../mock/harness.js';

let server: RunningServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

async function discoverOn(options: Parameters<typeof createEngine>[0], burstMax = 2000) {
  let now = Date.parse('2026-11-27T10:00:00.000Z');
  server = await startHttpServer(createEngine({ ...options, clock: { now: () => now } }));
  const config: RunConfig = {
    target: server.url, embedded: null, keys: { primary: KEYS.primary }, videos: [], profile: 'quick', jobTimeoutS: 10, requestTimeoutMs: 5000,
    deadlineAt: Date.now() + 60_000, concurrency: 4, burstMax, promptPolicy: 'required',
  };
  const client = new Client(new Recorder(config), { retry429: false });
  // A rest passes on the mock's clock only, at once.
  client.pause = (ms: number): Promise<void> => { now += ms; return Promise.resolve(); };
  const found = await discover(client, config);
  return found;
}

/** How long discovery rests after the first 429 before it measures the refill (suites/lib/rate/discovery.ts). */
const REFILL_REST_MS = 500;

describe('rate-limit discovery (RATE-1)', () => {
  it('finds a 20-request bucket refilled at 10/s, the hint read from RateLimit-Policy', async () => {
    const { profile, throttled } = await discoverOn({ rateLimit: { capacity: 20, refillPerSecond: 10 } });
    expect(profile.throttled).toBe(true);
    expect(profile.requests_before_first_429).toBe(20);
    // The rest brought back what 500 ms refill at 10/s: 5 requests. Over the window discovery measured
    // (the rest, or longer if the machine held the probe back past it) that makes at most 10/s.
    expect(profile.refill_window_ms).toBeGreaterThanOrEqual(REFILL_REST_MS);
    expect(Math.round((profile.refill_per_second! * profile.refill_window_ms) / 1000), 'requests the rest brought back').toBe(5);
    expect(profile.refill_per_second).toBeLessThanOrEqual(10);
    expect([profile.retry_after, profile.hinted_quota]).toEqual(['1', 20]);
    expect(profile.pacing?.per_second).toBeGreaterThan(0);
    expect(throttled.every((r) => r.status === 429)).toBe(true);
  });

  it('finds a larger bucket without a hint (no RateLimit fields)', async () => {
    const { profile } = await discoverOn({ rateLimit: { capacity: 100, refillPerSecond: 50 }, faults: ['rate-no-headers'] });
    expect([profile.throttled, profile.policy_header]).toEqual([true, null]);
    // The 100 in the bucket: nothing refills while the burst is on its way.
    expect(profile.requests_before_first_429).toBe(100);
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
