// The two LOAD faults: a provider that is slow (load-latency) and one that
// breaks ERR-3 once traffic is high (load-5xx-under-load). The engine decides
// (a manual clock drives the rate), the adapters hold a delayed response back
// (observed on a fake timer clock: no test here reads the wall clock).
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../mocks/index.js';
import { OVERLOAD_RPS } from '../../mocks/engine/overload.js';
import { KEYS, setup } from './harness.js';
import { observedMock } from './held.js';

describe('LOAD faults', () => {
  it("'load-5xx-under-load' breaks ERR-3 only above the rate: 500 internal_error for one /v1 request in 4", () => {
    const h = setup({ faults: ['load-5xx-under-load'] });
    // Slow traffic, one request every 100 ms (10/s): never a 5xx.
    const slow = Array.from({ length: 40 }, () => { h.advance(100); return h.call('GET', '/v1/jobs').status; });
    expect(slow.every((s) => s === 200)).toBe(true);
    // A burst within one second, well above OVERLOAD_RPS: a quarter of the requests past the threshold fail.
    h.advance(5000);
    const burst = Array.from({ length: OVERLOAD_RPS * 4 }, () => { h.advance(1); return h.call('GET', '/v1/jobs'); });
    const failed = burst.filter((r) => r.status === 500);
    expect(failed.length).toBeGreaterThan(OVERLOAD_RPS / 2);
    expect(failed.length).toBeLessThanOrEqual(burst.length / 4 + 1);
    for (const r of failed) {
      expect(r.json.error.code).toBe('internal_error');
      expect(r.headers['x-request-id']).toBe(r.json.error.request_id);
    }
    // /health is not /v1: it stays up, so the probe still reaches the provider.
    expect(Array.from({ length: 20 }, () => h.call('GET', '/health', { key: null }).status).every((s) => s === 200)).toBe(true);
  });

  it('the clean mock gives no 5xx at the same burst (ERR-3)', () => {
    const h = setup();
    const burst = Array.from({ length: OVERLOAD_RPS * 4 }, () => { h.advance(1); return h.call('GET', '/v1/jobs').status; });
    expect(burst.filter((s) => s >= 500)).toEqual([]);
  });

  it("'load-latency' marks every response with its delay (faultLatencyMs, default 1000); the clean engine adds none", () => {
    const slow = createEngine({ faults: ['load-latency'], faultLatencyMs: 250, rateLimit: false });
    const res = slow.handle({ method: 'GET', url: '/v1/jobs', headers: { 'x-api-key': KEYS.primary }, body: null });
    expect(res.status).toBe(200);
    expect(res.delayMs).toBe(250);
    expect(createEngine({ faults: ['load-latency'] }).handle({ method: 'GET', url: '/health', headers: {}, body: null }).delayMs).toBe(1000);
    expect(createEngine().handle({ method: 'GET', url: '/health', headers: {}, body: null }).delayMs).toBeUndefined();
  });

  it("'load-latency' over node:http: the answer is held back on a timer for exactly its delay, then sent", async () => {
    // Observed through the adapter's timer on a fake clock, not by timing the answer (tests/mock/held.ts).
    const mock = await observedMock({ faults: ['load-latency'], faultLatencyMs: 300, rateLimit: false });
    try {
      expect(await mock.get('/v1/jobs', { 'x-api-key': KEYS.primary })).toEqual({ status: 200, timers: 1, heldForMs: 300 });
    } finally {
      await mock.close();
    }
    const clean = await observedMock({ rateLimit: false });
    try {
      expect(await clean.get('/v1/jobs', { 'x-api-key': KEYS.primary }), 'the clean mock sends at once').toEqual({ status: 200, timers: 0, heldForMs: 0 });
    } finally {
      await clean.close();
    }
  });
});
