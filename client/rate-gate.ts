/**
 * One gate per API key (CLI-12): after a 429, no request with that key leaves
 * before its Retry-After has passed, whichever caller sent the throttled one.
 * A client instance owns one; clients that share a key can share a gate.
 */
import type { Clock } from './clock.js';

export interface RateGate {
  /** Waits until the key may send again. */
  wait(clock: Clock, signal?: AbortSignal): Promise<void>;
  /** Closes the gate until `untilMs` (a later time never shortens an earlier close). */
  closeUntil(untilMs: number): void;
  readonly openAt: number;
}

export function createRateGate(): RateGate {
  let openAt = 0;
  return {
    get openAt() { return openAt; },
    closeUntil(untilMs) { openAt = Math.max(openAt, untilMs); },
    async wait(clock, signal) {
      // Loop: the gate may close again while we sleep (another caller's 429).
      for (let now = clock.now(); now < openAt; now = clock.now()) await clock.sleep(openAt - now, signal);
    },
  };
}
