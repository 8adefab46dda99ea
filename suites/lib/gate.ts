/**
 * One gate per API key, shared by every check of the run (the checks run
 * concurrently in one process). It does three jobs:
 *
 * - a read/write lock, so a check that floods a key's rate limit (or counts
 *   the key's jobs) runs alone on that key while the others wait;
 * - pacing and 429 handling as a polite client does (CLI-12): after a 429 no
 *   request with that key goes out before its Retry-After, then one probe goes
 *   first; requests are paced below the rate limit the run discovered;
 * - a circuit breaker: a key that stays throttled past its Retry-After twice is
 *   stuck (RATE-3), and every later request with it ends at once as `blocked`
 *   instead of waiting, so a provider that never recovers cannot make the run
 *   unbounded, and only RATE is blamed.
 */
import { backoffMs, sleep } from './backoff.js';
import { Blocked, OutOfTime } from './errors.js';

export type LockMode = 'shared' | 'exclusive';

/** FIFO read/write lock; a waiting writer holds back later readers, so floods are never starved. */
export class RwLock {
  private readers = 0;
  private writer = false;
  private readonly queue: { mode: LockMode; grant: () => void }[] = [];

  async acquire(mode: LockMode, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw signal.reason;
    await new Promise<void>((resolve, reject) => {
      const waiter = { mode, grant: () => { signal?.removeEventListener('abort', onAbort); resolve(); } };
      const onAbort = (): void => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        this.pump();
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (mode === 'exclusive') this.writer = false;
      else this.readers--;
      this.pump();
    };
  }

  private pump(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head || this.writer) return;
      if (head.mode === 'exclusive' && this.readers > 0) return;
      this.queue.shift();
      if (head.mode === 'exclusive') this.writer = true;
      else this.readers++;
      head.grant();
      if (head.mode === 'exclusive') return;
    }
  }
}

/** GCRA pacing: `rate` requests per second with bursts of `burst`; waiters are served in order. */
export class Pacer {
  private tat = 0;
  constructor(readonly rate: number, readonly burst: number, private readonly now: () => number = Date.now) {}

  /** The bucket is empty until `t`: from then on requests go at the rate, the burst earned back over time. */
  drainUntil(t: number): void {
    const interval = 1000 / this.rate;
    this.tat = Math.max(this.tat, t + (this.burst - 1) * interval);
  }

  /** Reserves the next slot; returns how long to wait for it. */
  reserve(): number {
    const t = this.now();
    const interval = 1000 / this.rate;
    const tolerance = (this.burst - 1) * interval;
    const tat = Math.max(this.tat, t);
    this.tat = tat + interval;
    return Math.max(0, tat - tolerance - t);
  }
}

export interface ThrottleEvidence { status: number; retryAfterMs: number | undefined }

/** Retry-After values beyond this are not waited for: the key is reported blocked instead. */
export const MAX_RETRY_AFTER_MS = 120_000;

export class KeyGate {
  readonly lock = new RwLock();
  private blockedUntil = 0;
  private needsProbe = false;
  private probing: Promise<void> | undefined;
  private strikes = 0;
  private stuckReason: string | undefined;
  private pacer: Pacer | undefined;

  constructor(readonly role: string, private readonly now: () => number = Date.now) {}

  get stuck(): string | undefined { return this.stuckReason; }

  /** Paces normal traffic below the discovered limit (a fraction of it, so concurrent checks leave headroom). */
  pace(ratePerSecond: number, burst: number): void {
    this.pacer = new Pacer(Math.max(0.5, ratePerSecond), Math.max(1, Math.floor(burst)), this.now);
    if (this.blockedUntil > this.now()) this.pacer.drainUntil(this.blockedUntil);
  }

  /** The key is stuck: every later request ends as blocked (RATE-3). */
  markStuck(reason: string): void {
    this.stuckReason ??= reason;
  }

  /** A 429 seen anywhere (checks, floods): nothing goes out before its Retry-After, then a probe goes first. */
  note429(retryAfterMs: number | undefined): void {
    const wait = Math.max(retryAfterMs ?? 1000, 1000);
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + wait);
    this.needsProbe = true;
    this.pacer?.drainUntil(this.blockedUntil);
  }

  /** The key was served again (a flood's recovery): no probe is owed any more. */
  noteRecovered(): void {
    this.needsProbe = false;
    this.strikes = 0;
  }

  /**
   * Waits until a request with this key may go out. Returns whether it is the
   * probe that tests the key's recovery; the caller reports its outcome with
   * `settle`.
   */
  async admit(signal: AbortSignal | undefined, deadlineAt: number): Promise<{ probe: boolean }> {
    for (;;) {
      if (this.stuckReason) throw new Blocked(`blocked: the ${this.role} key stays throttled (RATE-3): ${this.stuckReason}`);
      const wait = this.blockedUntil - this.now();
      if (wait > 0) {
        if (wait > MAX_RETRY_AFTER_MS) {
          this.markStuck(`Retry-After asks for ${Math.round(wait / 1000)} s, more than jobcert waits (${MAX_RETRY_AFTER_MS / 1000} s)`);
          continue;
        }
        if (this.now() + wait > deadlineAt) throw new OutOfTime(`the run deadline (--max-duration) passes before the ${this.role} key's Retry-After`);
        await sleep(wait, signal);
        continue;
      }
      if (this.needsProbe) {
        if (this.probing) {
          await raceAbort(this.probing, signal);
          continue;
        }
        this.probing = new Promise<void>((resolve) => { this.endProbe = resolve; });
        this.pacer?.reserve(); // the probe goes first, in the pacer's first slot after the wait
        return { probe: true };
      }
      const pause = this.pacer?.reserve() ?? 0;
      if (pause > 0) {
        if (this.now() + pause > deadlineAt) throw new OutOfTime('the run deadline (--max-duration) passes while pacing requests');
        await sleep(pause, signal);
      }
      return { probe: false };
    }
  }

  private endProbe: (() => void) | undefined;

  /** The outcome of an admitted request: a probe answered 429 is a strike; two strikes make the key stuck. */
  settle(admitted: { probe: boolean }, outcome: ThrottleEvidence | 'no-answer'): void {
    if (outcome !== 'no-answer' && outcome.status === 429) {
      if (admitted.probe) {
        this.strikes++;
        if (this.strikes >= 2) this.markStuck(`still 429 after waiting its Retry-After ${this.strikes} times`);
      }
      this.note429(admitted.probe ? Math.max(outcome.retryAfterMs ?? 0, backoffMs(this.strikes)) : outcome.retryAfterMs);
    } else if (admitted.probe && outcome !== 'no-answer') {
      this.noteRecovered();
    }
    if (admitted.probe) {
      this.probing = undefined;
      const end = this.endProbe;
      this.endProbe = undefined;
      end?.();
    }
  }
}

function raceAbort(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(() => { signal.removeEventListener('abort', onAbort); resolve(); }, reject);
  });
}

/**
 * A run's gates, one per key role, shared by every check of that run (and by
 * nothing else: two runs in one process each have their own).
 */
export class KeyGates {
  private readonly gates = new Map<string, KeyGate>();
  for(role: string): KeyGate {
    let gate = this.gates.get(role);
    if (!gate) this.gates.set(role, (gate = new KeyGate(role)));
    return gate;
  }
}
