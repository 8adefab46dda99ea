// The per-key gate every check shares (suites/lib/gate.ts): the read/write
// lock that lets a flood run alone, the pacing below a discovered limit, and
// the circuit breaker that ends a run's waiting on a key that never recovers
// (RATE-3). Fake timers: the waits are real code paths, not real seconds.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Blocked, OutOfTime } from '../../suites/lib/errors.js';
import { KeyGate, MAX_RETRY_AFTER_MS, Pacer, RwLock } from '../../suites/lib/gate.js';

beforeEach(() => { vi.useFakeTimers({ now: Date.parse('2026-11-27T10:00:00Z') }); });
afterEach(() => { vi.useRealTimers(); });

const FAR = Date.parse('2027-01-01T00:00:00Z');

describe('RwLock', () => {
  it('shares among readers, and a waiting writer holds back later readers (floods are never starved)', async () => {
    const lock = new RwLock();
    const order: string[] = [];
    const r1 = await lock.acquire('shared');
    const r2 = await lock.acquire('shared');
    const writer = lock.acquire('exclusive').then((release) => { order.push('writer'); return release; });
    const late = lock.acquire('shared').then((release) => { order.push('late reader'); return release; });
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual([]);
    r1();
    r2();
    const w = await writer;
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['writer']);
    w();
    (await late)();
    expect(order).toEqual(['writer', 'late reader']);
  });

  it('a waiter that gives up leaves the queue', async () => {
    const lock = new RwLock();
    const held = await lock.acquire('exclusive');
    const abort = new AbortController();
    const waiting = lock.acquire('exclusive', abort.signal);
    abort.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    held();
    (await lock.acquire('exclusive'))();
  });
});

describe('Pacer (GCRA)', () => {
  it('lets a burst through, then spaces requests at the rate, in order', () => {
    const pacer = new Pacer(10, 3);
    expect([pacer.reserve(), pacer.reserve(), pacer.reserve()]).toEqual([0, 0, 0]);
    expect(pacer.reserve()).toBe(100);
    expect(pacer.reserve()).toBe(200);
  });
});

describe('KeyGate', () => {
  it('after a 429 nothing goes out before its Retry-After; then one probe goes first and the rest follow it', async () => {
    const gate = new KeyGate('primary');
    gate.note429(2000);
    const events: string[] = [];
    const a = gate.admit(undefined, FAR).then((t) => { events.push(`a probe=${t.probe}`); return t; });
    const b = gate.admit(undefined, FAR).then((t) => { events.push(`b probe=${t.probe}`); return t; });
    await vi.advanceTimersByTimeAsync(1999);
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(events).toEqual(['a probe=true']);
    gate.settle(await a, { status: 200, retryAfterMs: undefined });
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['a probe=true', 'b probe=false']);
    await b;
  });

  it('a key still throttled after waiting its Retry-After twice is stuck (RATE-3): later requests end at once as blocked', async () => {
    const gate = new KeyGate('primary');
    gate.note429(1000);
    for (let strike = 1; strike <= 2; strike++) {
      const admitted = gate.admit(undefined, FAR);
      await vi.advanceTimersByTimeAsync(20_000);
      const ticket = await admitted;
      expect(ticket.probe).toBe(true);
      gate.settle(ticket, { status: 429, retryAfterMs: 1000 });
    }
    expect(gate.stuck).toMatch(/still 429 after waiting its Retry-After 2 times/);
    await expect(gate.admit(undefined, FAR)).rejects.toThrow(Blocked);
    await expect(gate.admit(undefined, FAR)).rejects.toThrow(/blocked: the primary key stays throttled \(RATE-3\)/);
  });

  it('one strike then a served probe is forgiven', async () => {
    const gate = new KeyGate('alt');
    gate.note429(1000);
    let admitted = gate.admit(undefined, FAR);
    await vi.advanceTimersByTimeAsync(1000);
    gate.settle(await admitted, { status: 429, retryAfterMs: 1000 });
    admitted = gate.admit(undefined, FAR);
    await vi.advanceTimersByTimeAsync(20_000);
    gate.settle(await admitted, { status: 200, retryAfterMs: undefined });
    gate.note429(1000);
    admitted = gate.admit(undefined, FAR);
    await vi.advanceTimersByTimeAsync(1000);
    gate.settle(await admitted, { status: 429, retryAfterMs: 1000 });
    expect(gate.stuck).toBeUndefined();
  });

  it('a Retry-After beyond what jobcert waits makes the key blocked, not a long hang', async () => {
    const gate = new KeyGate('primary');
    gate.note429(MAX_RETRY_AFTER_MS + 60_000);
    await expect(gate.admit(undefined, FAR)).rejects.toThrow(/Retry-After asks for \d+ s, more than jobcert waits/);
  });

  it('a wait that would pass the run deadline ends as out of time instead', async () => {
    const gate = new KeyGate('primary');
    gate.note429(5000);
    await expect(gate.admit(undefined, Date.now() + 1000)).rejects.toThrow(OutOfTime);
  });

  it('after a 429 the pacer starts empty: requests resume at the rate, not in a burst', async () => {
    const gate = new KeyGate('alt');
    gate.pace(10, 5);
    gate.note429(1000);
    const times: number[] = [];
    const t0 = Date.now();
    const first = gate.admit(undefined, FAR);
    await vi.advanceTimersByTimeAsync(1000);
    gate.settle(await first, { status: 200, retryAfterMs: undefined });
    times.push(Date.now() - t0);
    const rest = Promise.all([0, 1].map(() => gate.admit(undefined, FAR).then(() => times.push(Date.now() - t0))));
    await vi.advanceTimersByTimeAsync(1000);
    await rest;
    expect(times).toEqual([1000, 1100, 1200]);
  });

  it('paces normal traffic below the discovered limit', async () => {
    const gate = new KeyGate('broke');
    gate.pace(2, 1);
    const times: number[] = [];
    const t0 = Date.now();
    const all = Promise.all([0, 1, 2].map(() => gate.admit(undefined, FAR).then(() => times.push(Date.now() - t0))));
    await vi.advanceTimersByTimeAsync(2000);
    await all;
    expect(times).toEqual([0, 500, 1000]);
  });
});
