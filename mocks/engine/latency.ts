/**
 * Added response latency, in one place. The engine is synchronous, so it only
 * marks how long a response waits (`withDelay`); the adapters hold it back
 * (`sendAfterDelay`). The load-latency fault uses it, and so can any other
 * source of slowness (a legal "slow provider" variation).
 */
import type { MockResponse } from './types.js';

/** The load-latency fault's delay unless the engine is given another (EngineOptions.faultLatencyMs). */
export const DEFAULT_FAULT_LATENCY_MS = 1000;

/** Adds `ms` to the response's delay (delays from several sources add up). */
export function withDelay(res: MockResponse, ms: number): MockResponse {
  if (ms > 0) res.delayMs = (res.delayMs ?? 0) + ms;
  return res;
}

/**
 * Calls `send(target, res)` now, or after the response's delay. Taking the target as an argument
 * keeps the adapters' hot path free of a closure per request when there is no delay.
 */
export function sendAfterDelay<T>(res: MockResponse, send: (target: T, res: MockResponse) => void, target: T): void {
  const ms = res.delayMs ?? 0;
  if (ms > 0) setTimeout(send, ms, target, res);
  else send(target, res);
}
