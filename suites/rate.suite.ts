// RATE: the seed's "burst test and confirm 429 handling with backoff". The burst
// is side-effect free (GETs); only the RATE-5 probe sends a throttled start.
import { describe, expect } from 'vitest';
import { burst, chargesFor, createDraft, duringBurst, getJob, provoke429, start } from './lib/api.js';
import { backoffMs, parseRetryAfter, sleep } from './lib/backoff.js';
import { check, fail } from './lib/check.js';
import type { Client, Reply } from './lib/client.js';

async function burst429(raw: Client, key: 'primary' | 'alt' = 'primary'): Promise<Reply> {
  const r = await provoke429(raw, key);
  if (!r) fail('120 concurrent requests in 4 waves were never throttled: no 429 (RATE-1)');
  return r;
}

/** Waits with jittered exponential backoff, honouring Retry-After, until the key is served again. */
async function recover(raw: Client, first: Reply): Promise<{ recovered: boolean; waitedMs: number }> {
  let last = first;
  let waited = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    const wait = Math.max(parseRetryAfter(last.headers.get('retry-after')) ?? 0, backoffMs(attempt));
    await sleep(Math.min(16_000, wait));
    waited += Math.min(16_000, wait);
    last = await raw.get('/v1/jobs?limit=1');
    if (last.status !== 429) return { recovered: last.status === 200, waitedMs: waited };
  }
  return { recovered: false, waitedMs: waited };
}

describe('RATE', () => {
  check('rate.burst', ['RATE-1'], 'a burst beyond the limit gets 429 rate_limited', async ({ raw }) => {
    const r = await burst429(raw);
    expect(r.json?.error?.code).toBe('rate_limited');
    await recover(raw, r);
  });

  check('rate.retry-after', ['RATE-2'], 'every 429 carries a valid Retry-After ≥ 1 s', async ({ raw }) => {
    const throttled = (await Promise.all(burst(raw, 40))).filter((r) => r.status === 429);
    if (throttled.length === 0) fail('no 429 in a burst of 40 (RATE-1)');
    for (const r of throttled) {
      const value = r.headers.get('retry-after');
      const ms = parseRetryAfter(value);
      if (ms === undefined) fail(`429 with Retry-After ${JSON.stringify(value)}: neither delay-seconds nor an HTTP-date`);
      // An HTTP-date has whole-second precision, so allow the clock's rounding.
      expect(ms, `Retry-After ${value}`).toBeGreaterThanOrEqual(/^\d+$/.test(value ?? '') ? 1000 : 0);
    }
    await recover(raw, throttled[0] as Reply);
  });

  check('rate.recovers', ['RATE-3'], 'after Retry-After, jittered backoff recovers the key', async ({ raw, note }) => {
    const r = await burst429(raw);
    const { recovered, waitedMs } = await recover(raw, r);
    note(`waited ${waitedMs} ms`);
    if (!recovered) fail(`still throttled after backing off 4 times (${waitedMs} ms, Retry-After ${r.headers.get('retry-after')})`);
  }, { timeoutMs: 90_000 });

  check('rate.per-key', ['RATE-4'], "one key's burst does not throttle another", async ({ raw }) => {
    const { probe, throttled } = await duringBurst(raw, () => raw.get('/v1/jobs?limit=1', { key: 'alt' }), 'primary');
    if (!throttled) fail('a burst of 40 with the primary key was never throttled (RATE-1)');
    expect(probe.status, 'the second key in the middle of the primary key\'s throttled burst').toBe(200);
    await recover(raw, throttled);
  }, { needs: ['alt'] });

  check('rate.no-side-effect', ['RATE-5'], 'a throttled start leaves the job created and charges nothing', async ({ client, raw, config }) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = await createDraft(client, config);
      const { probe } = await duringBurst(raw, () => start(raw, id, {}));
      // A start that was not throttled ran legitimately: try again with a fresh draft.
      if (probe.status !== 429) continue;
      await recover(raw, probe);
      const job = await getJob(client, id);
      expect(job.json?.status, 'job after the throttled start').toBe('created');
      expect(await chargesFor(client, id), 'charges after the throttled start').toEqual([]);
      return;
    }
    throw new Error('no start was throttled in 3 bursts of 40 requests; the probe could not run');
  }, { timeoutMs: 120_000 });

  check('rate.headers', ['RATE-6'], 'responses carry RateLimit and RateLimit-Policy', async ({ raw }) => {
    const r = await raw.get('/v1/jobs?limit=1');
    expect(r.headers.get('ratelimit'), 'RateLimit').toBeTruthy();
    expect(r.headers.get('ratelimit-policy'), 'RateLimit-Policy').toBeTruthy();
  });
});
