/**
 * `--scenario limiter`: the rate limiter itself, judged on purpose and apart
 * from the service's latency. Every load key is flooded with side-effect-free
 * reads (GET /v1/jobs?limit=10) at three times the keys' summed limits, then
 * left alone; each key then waits what its last 429 asked (Retry-After) and
 * backs off as RATE-3's client does until an answer is not 429. Its checks:
 * the flood was throttled (RATE-1), every 429 carried a valid Retry-After
 * (RATE-2), no 5xx (ERR-3), and every key recovered, with how long it took
 * (RATE-3). Its answers never enter a latency threshold.
 */
import type { ScenarioResult } from '../core/load-results.js';
import type { CheckResult } from '../core/results.js';
import { backoffMs, parseRetryAfter, sleep } from '../suites/lib/backoff.js';
import { constantPlan, runArrivals, virtualUsers } from './arrival.js';
import { check } from './checks.js';
import { lowerCased } from './driver.js';
import { collect, endpointMetrics, percentileCurve, timeline } from './metrics.js';
import { ScenarioRecorder } from './recorder.js';
import { requestsFor } from './requests.js';

export interface LimiterOptions {
  base: string;
  keys: readonly string[];
  videoUrl: string;
  /** Flood rate, requests per second over all keys. */
  rate: number;
  /** How the rate was chosen, in words. */
  basis: string;
  floodS: number;
  timeoutS: number;
  maxRequests: number;
  abortAfterErrors: number;
}

/** One read, never retried (the setup client waits out 429s itself): what a key gets now. */
async function once(base: string, path: string, apiKey: string, timeoutMs: number): Promise<{ status: number; headers: Headers } | undefined> {
  try {
    const res = await fetch(base + path, { headers: { 'x-api-key': apiKey, accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return { status: res.status, headers: res.headers };
  } catch {
    return undefined;
  }
}

/** RATE-3's client: wait Retry-After, then back off with jitter (1–2, 2–4, 4–8 s, capped at 16 s). */
const RECOVERY_TRIES = 4;
const MAX_WAIT_MS = 16_000;

export interface KeyRecovery { key: number; recovered: boolean; ms: number; tries: number; last: number }

/** A limit the provider advertises (RateLimit-Policy: q requests per w seconds), read off the flood's first answers. */
export interface Advertised { policy: string; quota: number; windowS: number }

export interface LimiterRun { result: ScenarioResult; recorder: ScenarioRecorder; recoveries: KeyRecovery[]; requests: number; advertised?: Advertised; keys: number; floodS: number }

function advertisedIn(policy: string | undefined): Advertised | undefined {
  const q = /(?:^|[;,\s])q=(\d+)/.exec(policy ?? '')?.[1];
  const w = /(?:^|[;,\s])w=(\d+)/.exec(policy ?? '')?.[1];
  return policy && q && w && Number(w) > 0 ? { policy, quota: Number(q), windowS: Number(w) } : undefined;
}

export async function runLimiter(opts: LimiterOptions): Promise<LimiterRun> {
  const recorder = new ScenarioRecorder({ scenario: 'limiter', base: opts.base, warmupMs: 0, abortAfterErrors: opts.abortAfterErrors, keys: opts.keys });
  // The last Retry-After each key was given, for its recovery.
  const lastWait = new Map<string, number>();
  let advertised: Advertised | undefined;
  let looked = 0;
  const factories = opts.keys.map((k) => requestsFor(k, opts.videoUrl));
  const run = await runArrivals({
    url: opts.base, plan: constantPlan(opts.rate, opts.floodS), maxInFlight: virtualUsers(8, opts.rate), lanes: opts.keys.length,
    timeoutS: opts.timeoutS, maxRequests: opts.maxRequests,
    script: (i, control) => { if (i === 0) recorder.attach(control); return { kind: 'static', requests: [factories[i % factories.length]!.list()] }; },
    observer: {
      response: (req, status, latencyMs, tMs, body, rawHeaders) => {
        if (!advertised && looked++ < 20) advertised = advertisedIn(lowerCased(rawHeaders)['ratelimit-policy']);
        if (status === 429) {
          const h = lowerCased(rawHeaders);
          const wait = parseRetryAfter(h['retry-after'], h.date);
          if (wait !== undefined) lastWait.set(req.headers['x-api-key'] ?? '', wait);
        }
        recorder.response(req, status, latencyMs, tMs, body, rawHeaders);
      },
      error: (endpoint, kind, tMs, message) => recorder.error(endpoint, kind, tMs, message),
    },
  });
  const floodEnded = performance.now();
  const recoveries = await Promise.all(opts.keys.map(async (apiKey, key): Promise<KeyRecovery> => {
    let wait = lastWait.get(apiKey) ?? 0;
    for (let tries = 1; ; tries++) {
      await sleep(Math.min(MAX_WAIT_MS, wait));
      const res = await once(opts.base, factories[key]!.list().path, apiKey, opts.timeoutS * 1000);
      const status = res?.status ?? 0;
      if (res && status !== 429) return { key, recovered: status < 500, ms: Math.round(performance.now() - floodEnded), tries, last: status };
      if (tries >= RECOVERY_TRIES) return { key, recovered: false, ms: Math.round(performance.now() - floodEnded), tries, last: status };
      wait = Math.max(parseRetryAfter(res?.headers.get('retry-after'), res?.headers.get('date')) ?? 0, backoffMs(tries - 1));
    }
  }));
  const window = { fromMs: 0, toMs: run.elapsedMs };
  const all = endpointMetrics(recorder, window);
  const result: ScenarioResult = {
    name: 'limiter', title: 'a flood of GET /v1/jobs past the keys\' limits, then each key\'s recovery (the limiter, judged apart)',
    status: run.stopReason && !/^request cap/.test(run.stopReason) ? 'stopped' : 'ran', stop_reason: run.stopReason ?? null,
    model: { kind: 'open', rate: opts.rate, source: 'discovered', basis: opts.basis, expired: run.expired, max_send_delay_ms: run.maxSendDelayMs },
    notes: [`flooded ${opts.keys.length} key(s) at ${opts.rate}/s for ${opts.floodS} s: ${opts.basis}`, ...recoveries.map((r) => `key #${r.key + 1}: ${r.recovered ? `recovered ${r.ms} ms after the flood (${r.tries} tr${r.tries === 1 ? 'y' : 'ies'})` : `not recovered after ${r.tries} tries over ${r.ms} ms (last answer ${r.last || 'none'})`}`)],
    setup_requests: 0, requests_sent: run.requestsSent, started_at: run.startedAt, elapsed_ms: Math.round(run.elapsedMs), warmup_s: 0,
    measured_s: Math.round(run.elapsedMs / 10) / 100, all, endpoints: [endpointMetrics(recorder, window, 'listJobs')],
    timeline: timeline(recorder, run.elapsedMs, 0), percentiles: [{ endpoint: 'all', points: percentileCurve(collect(recorder, window).latencies) }],
    contract: { sampled: recorder.contract.sampled, violations: recorder.contract.violations },
    rate_limit: { responses: recorder.rateLimit.responses, bad_retry_after: recorder.rateLimit.badRetryAfter },
  };
  return { result, recorder, recoveries, requests: run.requestsSent + recoveries.reduce((n, r) => n + r.tries, 0), ...(advertised ? { advertised } : {}), keys: opts.keys.length, floodS: run.elapsedMs / 1000 };
}

export function limiterChecks(run: LimiterRun): CheckResult[] {
  const { result, recorder, recoveries } = run;
  const a = result.all;
  const answers = a?.responses ?? 0;
  const throttled = recorder.rateLimit.responses;
  const share = answers ? `${((throttled / answers) * 100).toFixed(1)}%` : '—';
  const fives = recorder.status.filter((s) => s >= 500).length;
  const stuck = recoveries.filter((r) => !r.recovered);
  const slowest = Math.max(0, ...recoveries.map((r) => r.ms));
  // The size of a limit is the provider's (RATE-1): a flood that drew no 429 did not find it, which is no verdict,
  // unless the provider advertised a limit and each key went well past it.
  const ad = run.advertised;
  const allowedPerKey = ad ? Math.ceil(ad.quota * (1 + run.floodS / ad.windowS)) : undefined;
  const perKey = answers / Math.max(1, run.keys);
  const pastAdvertised = throttled === 0 && allowedPerKey !== undefined && perKey > allowedPerKey;
  return [
    check({
      id: 'load.limiter.throttles', rules: ['RATE-1'], title: 'limiter: a flood past the keys\' limits gets 429',
      status: throttled > 0 ? 'pass' : pastAdvertised ? 'fail' : 'error',
      message: throttled > 0 ? `${throttled} of ${answers} answers were 429 (${share}) at ${result.model?.rate}/s`
        : pastAdvertised ? `no 429 in ${answers} answers at ${result.model?.rate}/s, about ${Math.round(perKey)} per key in ${run.floodS.toFixed(1)} s, though RateLimit-Policy ${ad?.policy} allows about ${allowedPerKey}`
        : `not judged: no 429 in ${answers} answers at ${result.model?.rate}/s: the keys' limits are above that rate (none was advertised); raise --rate`,
      ...(pastAdvertised ? { finding: { rule: 'RATE-1', requires: 'a burst beyond the limit gets 429 rate_limited', observed: `about ${Math.round(perKey)} requests per key in ${run.floodS.toFixed(1)} s past an advertised ${ad?.quota} per ${ad?.windowS} s, none throttled` } } : {}),
    }),
    check({
      id: 'load.limiter.retry-after', rules: ['RATE-2'], title: 'limiter: every 429 of the flood carries a valid Retry-After', evidence: recorder.rateLimit.evidence,
      status: throttled === 0 ? 'skip' : recorder.rateLimit.badRetryAfter > 0 ? 'fail' : 'pass',
      message: throttled === 0 ? 'no 429: nothing to check' : recorder.rateLimit.badRetryAfter > 0 ? `${recorder.rateLimit.badRetryAfter} of ${throttled} 429 answers had no valid Retry-After ≥ 1 s` : `${throttled} 429 answers, each with a valid Retry-After ≥ 1 s`,
    }),
    check({
      id: 'load.limiter.no-5xx', rules: ['ERR-3'], title: 'limiter: no 5xx under the flood', evidence: recorder.serverErrors,
      status: fives > 0 ? 'fail' : 'pass', message: fives > 0 ? `${fives} of ${answers} answers were 5xx` : `${answers} answers, none 5xx`,
    }),
    check({
      id: 'load.limiter.recovers', rules: ['RATE-3'], title: 'limiter: after waiting Retry-After (then backing off), each key is served again',
      status: throttled === 0 ? 'skip' : stuck.length > 0 ? 'fail' : 'pass',
      message: throttled === 0 ? 'no key was throttled: nothing to recover from'
        : stuck.length > 0 ? `${stuck.length} of ${recoveries.length} key(s) still throttled after waiting Retry-After and ${RECOVERY_TRIES} tries with back-off (key ${stuck.map((r) => `#${r.key + 1}: last answer ${r.last || 'none'} after ${r.ms} ms`).join(', ')})`
        : `every key served again; the slowest ${slowest} ms after the flood`,
      notes: result.notes.slice(1),
    }),
  ];
}
