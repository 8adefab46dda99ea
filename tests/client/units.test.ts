// The client's pure parts: Retry-After parsing (both RFC 9110 forms, CLI-2),
// backoff windows (growing and jittered, CLI-3), the per-key gate (CLI-12) and
// the per-job read pacing (CLI-6).
import { describe, expect, it } from 'vitest';
import { backoffDelay, createRateGate, parseRetryAfter } from '../../client/index.js';
import { createReadPacer } from '../../client/read-pacer.js';
import { seededRandom } from './harness.js';
import { virtualTime } from './virtual-time.js';

const NOW = Date.parse('2026-01-01T00:00:00.000Z');

describe('parseRetryAfter (CLI-2)', () => {
  it.each([
    ['0', 0],
    ['1', 1000],
    [' 120 ', 120_000],
    ['Thu, 01 Jan 2026 00:00:05 GMT', 5000],
    ['Thursday, 01-Jan-26 00:00:05 GMT', 5000],
    ['Thu Jan  1 00:00:05 2026', 5000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
  ])('%j → %d ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it.each([null, undefined, '', '-1', '1.5', 'soon', '2026-01-01T00:00:05Z', 'Thu, 01 Jan 2026 00:00:05 UTC'])('%j is not a Retry-After', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('backoffDelay (CLI-3)', () => {
  it('stays within growing windows up to the cap, jittered', () => {
    const random = seededRandom(7);
    const draws = Array.from({ length: 200 }, () => Array.from({ length: 7 }, (_, n) => backoffDelay(n, random)));
    for (const seq of draws) {
      seq.forEach((d, n) => {
        const window = Math.min(16_000, 1000 * 2 ** n);
        expect(d).toBeGreaterThanOrEqual(window / 2);
        expect(d).toBeLessThanOrEqual(window);
      });
      // Growing until the window reaches the cap (retry 4: 8–16 s); from there on, capped windows repeat.
      for (let n = 1; n <= 4; n++) expect(seq[n]).toBeGreaterThanOrEqual(seq[n - 1] as number);
    }
    expect(new Set(draws.map((s) => s[2])).size).toBeGreaterThan(50);
  });

  it('reaches the extremes of a window with random 0 and almost 1', () => {
    expect(backoffDelay(3, () => 0)).toBe(4000);
    expect(backoffDelay(3, () => 0.999999)).toBe(8000);
    expect(backoffDelay(99, () => 0.999999)).toBe(16_000);
  });
});

describe('rate gate and read pacing', () => {
  it('the gate holds every waiter until the latest close passes (CLI-12)', async () => {
    const vt = virtualTime(NOW);
    const gate = createRateGate();
    gate.closeUntil(NOW + 3000);
    gate.closeUntil(NOW + 1000); // an earlier time never shortens the close
    const opened: number[] = [];
    await vt.run(Promise.all([0, 1, 2].map(async () => { await gate.wait(vt.clock); opened.push(vt.now()); })));
    expect(opened).toEqual([NOW + 3000, NOW + 3000, NOW + 3000]);
  });

  it('paces reads of one job, not of others or of lists (CLI-6)', () => {
    const pacer = createReadPacer(1000);
    pacer.markSent('GET', '/v1/jobs/a', NOW);
    expect(pacer.delayFor('GET', '/v1/jobs/a', NOW + 400)).toBe(600);
    expect(pacer.delayFor('GET', '/v1/jobs/b', NOW + 400)).toBe(0);
    expect(pacer.delayFor('GET', '/v1/jobs', NOW + 400)).toBe(0);
    expect(pacer.delayFor('POST', '/v1/jobs/a/start', NOW + 400)).toBe(0);
    expect(pacer.delayFor('GET', '/v1/jobs/a', NOW + 1000)).toBe(0);
  });

  it('counts the gap from the end of a slow read, not from its send (CLI-6: the provider sees a read end when it answers)', () => {
    const pacer = createReadPacer(1000);
    pacer.markSent('GET', '/v1/jobs/a', NOW);
    pacer.markEnded('GET', '/v1/jobs/a', NOW + 700);
    expect(pacer.delayFor('GET', '/v1/jobs/a', NOW + 1000)).toBe(700);
    expect(pacer.delayFor('GET', '/v1/jobs/a', NOW + 1700)).toBe(0);
    // The later moment counts: an end reported after a newer send never shortens the gap.
    pacer.markSent('GET', '/v1/jobs/a', NOW + 1700);
    pacer.markEnded('GET', '/v1/jobs/a', NOW + 1500);
    expect(pacer.delayFor('GET', '/v1/jobs/a', NOW + 2000)).toBe(700);
  });
});
