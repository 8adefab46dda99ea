/**
 * What each load key may send, found before any load goes out: certify's own
 * rate-limit discovery (suites/lib/rate/discovery.ts: a flood until the first
 * 429, then the refill measured) on each key in turn. The load is then
 * offered below the sum, so it measures the service rather than its limiter.
 */
import type { RateProfile } from '../core/results.js';
import { Client, Recorder } from '../suites/lib/client.js';
import type { RunConfig } from '../suites/lib/config.js';
import { discover } from '../suites/lib/rate/discovery.js';

export interface KeyLimit {
  /** Index of the key among the load keys (never the key). */
  key: number;
  /** Requests per second the key sustains: the refill discovery measured, or, with no 429 within the bound, the rate it reached. */
  perSecond: number;
  /** A 429 came: the figure is the key's limit, not a lower bound. */
  limited: boolean;
  /** How long the key asked to be left alone after discovery (Retry-After), ms. */
  restMs: number;
  requests: number;
  profile: RateProfile;
}

/** What the keys sustain together. */
export const summedLimit = (limits: readonly KeyLimit[]): number => limits.reduce((s, l) => s + l.perSecond, 0);

/** Discovery leaves each key throttled: waits until all may send again (what they asked, at most 10 s). */
export async function restAfter(limits: readonly KeyLimit[]): Promise<void> {
  const rest = Math.min(10_000, Math.max(0, ...limits.map((l) => l.restMs)));
  if (rest > 0) await new Promise((r) => setTimeout(r, rest));
}

/** Requests discovery may send per key, and how long it may take. */
const BURST_MAX = 2000;

export async function discoverKeyLimits(target: string, keys: readonly string[], timeoutMs: number, deadlineAt: number): Promise<KeyLimit[]> {
  const out: KeyLimit[] = [];
  // One key at a time: a provider with an account-wide limit besides the per-key one shows it as the smaller figure.
  for (const [key, apiKey] of keys.entries()) {
    const config: RunConfig = {
      target, embedded: null, keys: { primary: apiKey }, videos: [], profile: 'quick', jobTimeoutS: 10, requestTimeoutMs: timeoutMs,
      deadlineAt, concurrency: 1, burstMax: BURST_MAX, promptPolicy: 'required',
    };
    const raw = new Client(new Recorder(config), { retry429: false });
    const { profile } = await discover(raw, config, 'primary');
    const reached = profile.elapsed_ms > 0 ? (profile.sent / profile.elapsed_ms) * 1000 : 0;
    const perSecond = profile.throttled && profile.refill_per_second ? profile.refill_per_second : Math.max(1, Math.round(reached));
    out.push({ key, perSecond, limited: profile.throttled, restMs: profile.retry_after_ms ?? (profile.throttled ? 1000 : 0), requests: profile.sent, profile });
  }
  return out;
}
