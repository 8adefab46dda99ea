/**
 * Virtual time for the client tests: the client's clock and the mock engine's
 * clock are one counter that jumps to the next timer whenever nothing else can
 * happen (no request in flight), so a run with minutes of backoff and polling
 * takes milliseconds, and concurrent callers still interleave in time order.
 */
import type { Clock } from '../../client/index.js';

interface Timer { at: number; seq: number; fire: () => void }

const realTick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export interface VirtualTime {
  clock: Clock;
  now(): number;
  /** Wraps a fetch so the driver knows when a request is in flight. */
  track<F extends (req: Request) => Promise<Response>>(fetch: F): F;
  /** Marks in-flight requests that hang on purpose (they wait for an abort), so time may move on. */
  hanging(delta: number): void;
  /** Drives time until `work` settles; bounded by steps and real time. */
  run<T>(work: Promise<T>, limits?: { maxSteps?: number; maxRealMs?: number }): Promise<T>;
  pendingTimers(): number;
}

export function virtualTime(start = Date.parse('2026-01-01T00:00:00.000Z')): VirtualTime {
  let now = start;
  let seq = 0;
  let inFlight = 0;
  let hung = 0;
  const timers: Timer[] = [];

  const clock: Clock = {
    now: () => now,
    sleep: (ms, signal) => new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = { at: now + Math.max(0, ms), seq: seq++, fire: () => { signal?.removeEventListener('abort', onAbort); resolve(); } };
      const onAbort = (): void => {
        const i = timers.indexOf(timer);
        if (i >= 0) timers.splice(i, 1);
        reject(signal?.reason);
      };
      timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  };

  return {
    clock,
    now: () => now,
    pendingTimers: () => timers.length,
    hanging(delta) { hung += delta; },
    track(fetch) {
      return (async (req: Request) => {
        inFlight++;
        try { return await fetch(req); } finally { inFlight--; }
      }) as typeof fetch;
    },
    async run(work, limits = {}) {
      let settled = false;
      work.then(() => { settled = true; }, () => { settled = true; });
      const maxSteps = limits.maxSteps ?? 100_000;
      const realDeadline = Date.now() + (limits.maxRealMs ?? 10_000);
      for (let step = 0; step < maxSteps; step++) {
        await realTick();
        if (settled) return work;
        if (Date.now() > realDeadline) throw new Error(`virtual time: no progress within ${limits.maxRealMs ?? 10_000} ms of real time (${inFlight} in flight, ${timers.length} timers)`);
        if (inFlight - hung > 0) continue;
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.shift();
        if (!next) continue;
        now = Math.max(now, next.at);
        next.fire();
      }
      throw new Error(`virtual time: still running after ${maxSteps} steps`);
    },
  };
}
