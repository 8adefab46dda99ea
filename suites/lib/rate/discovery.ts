/**
 * Finding a provider's rate limit instead of assuming one (RATE-1), and the
 * floods the RATE, AUTH-3, OBS-1 and IDEM-6 probes are built from. A limit can
 * be 5/s or 1,000/s: discovery floods one key with growing concurrency (enough
 * to outrun the refill) until the first 429, bounded by --burst-max requests and
 * 15 s, using RateLimit / RateLimit-Policy as a hint when they are sent, then
 * keeps the key saturated for a moment to measure the refill. The run paces its
 * normal traffic below what it found.
 */
import { backoffMs, parseRetryAfter } from '../backoff.js';
import { Client, type Exchange, type Reply } from '../client.js';
import type { KeyRole, RunConfig } from '../config.js';
import { MAX_RETRY_AFTER_MS } from '../gate.js';
import type { RunSession } from '../session.js';
import { FLOOD_PATH, MAX_CONCURRENCY, flood } from './flood.js';

import type { RateProfile } from '../../../core/results.js';

export type { RateProfile } from '../../../core/results.js';

export interface Discovery {
  profile: RateProfile;
  /** 429 responses seen while discovering (RATE-2 and OBS-1 judge these; no second flood needed). */
  throttled: Reply[];
  exchanges: Exchange[];
}

export const DISCOVERY_SECONDS = 15;
/** After the first 429 the key rests this long; what the next burst gets through is the refill. */
const REFILL_REST_MS = 500;

/** RateLimit-Policy `q=` (the quota) and RateLimit `r=` (what remains), IETF draft syntax; legacy X-RateLimit-* too. */
function hintFrom(r: Reply): { policy: string | null; quota: number | null; remaining: number | null } {
  const policy = r.headers.get('ratelimit-policy');
  const num = (v: string | null | undefined, re: RegExp): number | null => {
    const m = v ? re.exec(v) : null;
    return m ? Number(m[1]) : null;
  };
  const quota = num(policy, /(?:^|[;,\s])q=(\d+)/) ?? num(r.headers.get('x-ratelimit-limit'), /^(\d+)/);
  const remaining = num(r.headers.get('ratelimit'), /(?:^|[;,\s])r=(\d+)/) ?? num(r.headers.get('x-ratelimit-remaining'), /^(\d+)/);
  return { policy, quota, remaining };
}

/**
 * Discovers the limit of one key. The caller holds that key's gate exclusively.
 * The refill is measured cheaply: after the first 429 the key rests for
 * REFILL_REST_MS, then one burst of the observed size shows how much came back.
 */
export async function discover(raw: Client, config: RunConfig, key: KeyRole = 'primary'): Promise<Omit<Discovery, 'exchanges'>> {
  const maxRequests = config.burstMax;
  const first = await raw.get(FLOOD_PATH, { key, retry429: false, bypassGate: true });
  if (first.status === 429) {
    // Someone (an earlier run?) left the key throttled: wait as asked once, then start afresh.
    const wait = Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, parseRetryAfter(first.headers.get('retry-after'), first.headers.get('date')) ?? backoffMs(0)));
    await raw.pause(wait);
  }
  const hint = hintFrom(first);
  const expected = hint.remaining ?? hint.quota;
  const start = expected !== null ? Math.min(MAX_CONCURRENCY, Math.max(8, Math.ceil(expected / 4))) : 8;
  const t0 = performance.now();
  const state = await flood(raw, { key, startConcurrency: start, maxRequests, maxMs: DISCOVERY_SECONDS * 1000, done: (s) => s.first429At !== undefined });
  const first429 = state.throttled.reduce<Reply | undefined>((a, r) => (!a || r.doneAt < a.doneAt ? r : a), undefined);
  const profile: RateProfile = {
    key, throttled: first429 !== undefined, requests_before_first_429: null, sent: state.sent + 1, elapsed_ms: 0,
    peak_concurrency: state.peakConcurrency, refill_per_second: null, refill_window_ms: 0, retry_after: null, retry_after_ms: null,
    policy_header: hint.policy, hinted_quota: hint.quota, bound: { requests: maxRequests, seconds: DISCOVERY_SECONDS }, pacing: null,
  };
  const throttled = [...state.throttled];
  if (first429) {
    // Admitted requests that went out before the bucket ran dry: the burst the key allows.
    const burst = state.admitted.filter((r) => r.sentAt < first429.doneAt).length + (first.status < 300 ? 1 : 0);
    profile.requests_before_first_429 = burst;
    profile.retry_after = first429.headers.get('retry-after');
    profile.retry_after_ms = parseRetryAfter(profile.retry_after, first429.headers.get('date')) ?? null;
    const rest = performance.now() + REFILL_REST_MS;
    await raw.pause(REFILL_REST_MS);
    const probeSize = Math.min(maxRequests, Math.max(4, burst + 4));
    const refill = await flood(raw, { key, startConcurrency: Math.min(MAX_CONCURRENCY, probeSize), maxRequests: probeSize, maxMs: DISCOVERY_SECONDS * 1000, done: () => false });
    // Tokens keep coming while the burst goes out: the window runs from the rest to the last request admitted.
    const restStart = rest - REFILL_REST_MS;
    const window = Math.max(REFILL_REST_MS, ...refill.admitted.map((r) => r.sentAt - restStart));
    profile.refill_window_ms = Math.round(window);
    profile.refill_per_second = Math.round((refill.admitted.length / window) * 10_000) / 10;
    profile.sent += refill.sent;
    throttled.push(...refill.throttled);
    const last = throttled.reduce((a, r) => (r.doneAt > a.doneAt ? r : a));
    profile.pacing = pacingFor(profile);
    raw.gates.for(key).note429(parseRetryAfter(last.headers.get('retry-after'), last.headers.get('date')));
  }
  profile.elapsed_ms = Math.round(performance.now() - t0);
  return { profile, throttled };
}

/**
 * Normal traffic is paced at 85% of the observed refill (or of the burst per
 * Retry-After window when nothing came back while resting), with bursts of
 * two thirds of the observed burst, so concurrent checks rarely see a 429
 * (and when they do, the gate waits it out).
 */
function pacingFor(p: RateProfile): RateProfile['pacing'] {
  const burst = Math.max(1, Math.floor(((p.requests_before_first_429 ?? 3) * 2) / 3));
  const windowS = Math.max(1, (p.retry_after_ms ?? 1000) / 1000);
  const refill = p.refill_per_second && p.refill_per_second > 0 ? p.refill_per_second : (p.requests_before_first_429 ?? 1) / windowS;
  return { per_second: Math.max(0.5, Math.round(refill * 0.85 * 10) / 10), burst };
}

/**
 * The run's discovery of the primary key's limit, done once (under the key's
 * exclusive lock) and shared by every check that needs it. Every key is then
 * paced from it: a provider gives its keys the same plan.
 */
export function rateDiscovery(session: RunSession, signal: AbortSignal | undefined): Promise<Discovery> {
  const { config, gates } = session;
  const discovery = (session.discovery ??= (async () => {
    const release = await gates.for('primary').lock.acquire('exclusive', signal);
    try {
      const recorder = session.recorder('(rate-limit discovery)', ['RATE-1']);
      const raw = new Client(recorder, { retry429: false, ...(signal ? { signal } : {}) });
      const found = await discover(raw, config, 'primary');
      const pacing = found.profile.pacing;
      if (pacing) for (const role of ['primary', 'alt', 'broke'] as const) gates.for(role).pace(pacing.per_second, pacing.burst);
      return { ...found, exchanges: recorder.exchanges };
    } finally {
      release();
    }
  })());
  // A discovery cut short by one check's budget must not poison the others: the next caller retries.
  discovery.catch(() => { if (session.discovery === discovery) session.discovery = undefined; });
  return discovery;
}
