// RATE-3 as a client lives it (suites/lib/rate/honesty.ts): a 429's Retry-After,
// waited with nothing else on the key, is enough. Against the mock on loopback
// with a clock that moves only when jobcert waits (its Client's pause), so no
// test sleeps: an honest bucket passes at once; the rate-retry-after-short fault
// (Retry-After 1 s, each 429 holds the key 4 s) is held-longer even with the
// second a whole-second value may round away; a layered limit whose last slot
// a request admitted after the 429 spent throttles afresh, and that fresh
// promise, kept, is honest (RATE-1: the layers are the provider's).
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, startHttpServer, type EngineOptions, type RunningServer } from '../../mocks/index.js';
import { Client, Recorder, type Reply } from '../../suites/lib/client.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { askedOf, honestyRecord, ROUNDING_TOLERANCE_MS, waitAsTold } from '../../suites/lib/rate/honesty.js';
import { FLOOD_PATH } from '../../suites/lib/rate/flood.js';
import { describeHonesty } from '../../core/reports/rate-limit.js';
import { KEYS } from '../mock/harness.js';

let server: RunningServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

async function keyOn(options: EngineOptions): Promise<{ raw: Client; send: (n: number) => Promise<Reply[]>; advance: (ms: number) => void; paused: number[] }> {
  let now = Date.parse('2026-11-27T10:00:00.000Z');
  server = await startHttpServer(createEngine({ ...options, clock: { now: () => now } }));
  const config: RunConfig = {
    target: server.url, embedded: null, keys: { primary: KEYS.primary }, videos: [], profile: 'quick', jobTimeoutS: 10, requestTimeoutMs: 5000,
    deadlineAt: Date.now() + 60_000, concurrency: 1, burstMax: 100, promptPolicy: 'required',
  };
  const raw = new Client(new Recorder(config), { retry429: false });
  // A wait passes on the mock's clock only, at once.
  const paused: number[] = [];
  raw.pause = (ms: number): Promise<void> => { paused.push(ms); now += ms; return Promise.resolve(); };
  // One at a time: nothing is in flight when the last answer comes.
  const send = async (n: number): Promise<Reply[]> => {
    const out: Reply[] = [];
    for (let i = 0; i < n; i++) out.push(await raw.get(FLOOD_PATH, { key: 'primary', retry429: false, bypassGate: true }));
    return out;
  };
  return { raw, send, advance: (ms) => { now += ms; }, paused };
}

const throttledOf = (replies: Reply[]): Reply[] => replies.filter((r) => r.status === 429);

describe("Retry-After's honesty (RATE-3)", () => {
  it('an honest bucket: the flood\'s latest Retry-After, waited exactly, is enough', async () => {
    const { raw, send } = await keyOn({ rateLimit: { capacity: 20, refillPerSecond: 10 } });
    const throttled = throttledOf(await send(25));
    expect(throttled).toHaveLength(5);
    const h = await waitAsTold(raw, throttled);
    expect([h.verdict, h.steps.length, h.steps[0]?.lone, h.steps[0]?.probe.status]).toEqual(['honest', 1, false, 200]);
    const record = honestyRecord(h, h.steps[0]?.probe, 0);
    expect(record).toMatchObject({ verdict: 'honest', retry_after: '1', form: 'delay-seconds', asked_ms: 1000, tolerance_ms: 0, first_status: 200, throttled_after: 0 });
    expect(describeHonesty(record)).toMatch(/^Retry-After honest: Retry-After 1 asked for 1\.0 s, jobcert waited \d\.\d s and the next request was served$/);
  });

  it('rate-retry-after-short: a lone 429 waited as told, plus the rounding second, meets another 429: held longer than it said', async () => {
    const { raw, send, paused } = await keyOn({ rateLimit: { capacity: 20, refillPerSecond: 10 }, faults: ['rate-retry-after-short'] });
    const h = await waitAsTold(raw, throttledOf(await send(25)));
    // Measured from each 429's answer: what this machine took since then comes off the pause.
    expect(paused.map((ms) => Math.round(ms / 100) * 100)).toEqual([1000, 2000]);
    expect(h.verdict).toBe('held-longer');
    expect(h.steps.map((s) => [s.lone, s.toleranceMs, s.probe.status])).toEqual([[false, 0, 429], [true, ROUNDING_TOLERANCE_MS, 429]]);
    const lone = h.steps[1]!;
    expect(lone.throttled, 'the judged 429 is the lone probe of the first step').toBe(h.steps[0]!.probe);
    const record = honestyRecord(h, undefined, 1);
    expect(record).toMatchObject({ verdict: 'held-longer', asked_ms: 1000, tolerance_ms: 1000, first_status: 429, served_after_ms: null, throttled_after: 1 });
    expect(describeHonesty({ ...record, waited_ms: 2004 })).toMatch(/^Retry-After not honest \(RATE-3\): Retry-After 1 asked for 1\.0 s, jobcert waited 2\.0 s \(1\.0 s allowed for whole-second rounding\) with nothing else on the key and met another 429; not served again within the backoff$/);
  });

  it('a layered limit: a request admitted after the 429 spent the outer layer\'s last slot; the fresh 429 says so, and keeping it is honest', async () => {
    // Inner 2 per 2 s refilled at 1/s; outer 3 per 10 s.
    const { raw, send, advance } = await keyOn({ rateLimit: { capacity: 2, refillPerSecond: 1, layer: { capacity: 3, windowMs: 10_000 } } });
    const [a, b, c] = await send(3);
    expect([a?.status, b?.status, c?.status, c?.headers.get('retry-after')]).toEqual([200, 200, 429, '1']);
    advance(1000);
    // Admitted after that 429 was decided, as a flood request still in flight would be: the outer layer is now full.
    expect((await send(1))[0]?.status).toBe(200);
    const h = await waitAsTold(raw, [c!]);
    expect(h.verdict).toBe('honest');
    expect(h.steps.map((s) => [s.lone, s.probe.status])).toEqual([[false, 429], [true, 200]]);
    expect(Number(h.steps[0]!.probe.headers.get('retry-after')), 'the fresh 429 names the outer layer\'s reset').toBeGreaterThan(1);
    expect(h.why).toMatch(/admitted after that 429/);
  });

  it('reads both forms: delay-seconds as is; an HTTP-date against the Date header, or against jobcert\'s clock (then not judged)', () => {
    const reply = (headers: Record<string, string>): Reply => ({ headers: new Headers(headers) }) as Reply;
    expect(askedOf(reply({ 'retry-after': '3' }))).toEqual({ value: '3', form: 'delay-seconds', ms: 3000, ownClock: false });
    expect(askedOf(reply({ 'retry-after': 'Fri, 27 Nov 2026 10:00:02 GMT', date: 'Fri, 27 Nov 2026 10:00:00 GMT' })))
      .toEqual({ value: 'Fri, 27 Nov 2026 10:00:02 GMT', form: 'HTTP-date', ms: 2000, ownClock: false });
    expect(askedOf(reply({ 'retry-after': 'Fri, 27 Nov 2026 10:00:02 GMT' }), Date.parse('2026-11-27T10:00:00.500Z'))).toMatchObject({ ms: 1500, ownClock: true });
    expect(askedOf(reply({ 'retry-after': 'soon' }))).toBeUndefined();
  });

  it('an HTTP-date Retry-After (with Date) is waited as the end of its second and honest on the mock', async () => {
    const { raw, send } = await keyOn({ variants: ['retry-after-date', 'bucket-small'] });
    const throttled = throttledOf(await send(8));
    expect(throttled[0]?.headers.get('retry-after')).toMatch(/GMT$/);
    const h = await waitAsTold(raw, throttled);
    expect(h.verdict).toBe('honest');
    expect(honestyRecord(h, h.steps.at(-1)?.probe, 0).form).toBe('HTTP-date');
  });

  it('without a valid Retry-After nothing is waited: not judged, RATE-2 is rate.retry-after\'s', async () => {
    const { raw, send } = await keyOn({ rateLimit: { capacity: 2, refillPerSecond: 1 }, faults: ['rate-no-retry-after'] });
    const h = await waitAsTold(raw, throttledOf(await send(3)));
    expect([h.verdict, h.steps.length]).toEqual(['not-judged', 0]);
    expect(describeHonesty(honestyRecord(h, undefined, 0))).toMatch(/^Retry-After honesty not judged: no 429 of the flood carried a valid Retry-After/);
  });
});
