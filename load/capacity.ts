/**
 * `jobcert load --find-capacity`: how fast may the keys go before the service
 * breaks a threshold? One scenario, in steps of rising open-model rate, back
 * to back: ×1.5 while every threshold holds; then the last rate that held is
 * tried again (a token bucket lets a step just above its refill through
 * until the bucket is spent, so the first step past the limit can pass on
 * saved tokens: tried again on an empty bucket, it shows the limit), and the
 * gap between the highest rate that held and the lowest that did not is
 * halved twice (about 11% apart at the end). A step fails where a threshold
 * breaks, or is limited where the keys' limits are reached (more than 5% of
 * the answers 429: past that the limiter answers, not the service); the
 * search also stops at its bounds (time, requests, a top rate).
 */
import type { CapacityPoint, CapacityResult } from '../core/load-results.js';
import { constantPlan, runArrivals, virtualUsers } from './arrival.js';
import { collect, percentile } from './metrics.js';
import { ScenarioRecorder } from './recorder.js';
import { SCENARIOS, type ScenarioEnv } from './scenarios.js';
import { evaluateThreshold, MAX_RATE_LIMITED_SHARE, type Threshold } from './thresholds.js';
import type { ScenarioName } from './types.js';

export interface CapacityOptions {
  scenario: ScenarioName;
  thresholds: readonly Threshold[];
  /** The first rate tried. */
  startRate: number;
  /** No step above this (the keys' summed limits when known: the search then shows where they bind). */
  maxRate: number;
  /** Seconds per step: warm-up plus measured. */
  warmupS: number;
  stepS: number;
  /** The whole search, in seconds. */
  maxSeconds: number;
  connections: number;
  abortAfterErrors: number;
  log(line: string): void;
}

const GROWTH = 1.5;
const BISECTIONS = 2;
const round1 = (x: number): number => Math.round(x * 10) / 10;

type Prepared = Awaited<ReturnType<(typeof SCENARIOS)[ScenarioName]['prepare']>>;

async function step(env: ScenarioEnv, opts: CapacityOptions, rate: number, reuse: Prepared | undefined): Promise<CapacityPoint> {
  // Polls and mixed flows can run again on what was prepared once; each start needs a fresh draft.
  const prepared = reuse ?? await SCENARIOS[opts.scenario].prepare({ ...env, rate, totalS: opts.warmupS + opts.stepS });
  const recorder = new ScenarioRecorder({ scenario: opts.scenario, base: env.base, warmupMs: opts.warmupS * 1000, abortAfterErrors: opts.abortAfterErrors, keys: env.keys, ledger: env.ledger });
  const vus = virtualUsers(opts.connections, rate);
  const run = await runArrivals({
    url: env.base, plan: constantPlan(rate, opts.warmupS + opts.stepS), maxInFlight: vus, lanes: env.keys.length, timeoutS: env.timeoutS, maxRequests: env.budget.left(),
    script: (i, control) => { if (i === 0) recorder.attach(control); return prepared.script(i, control); },
    observer: recorder,
  });
  env.budget.spend(run.requestsSent);
  const window = { fromMs: opts.warmupS * 1000, toMs: run.elapsedMs };
  const { latencies, counts } = collect(recorder, window);
  const seconds = Math.max(0.001, (window.toMs - window.fromMs) / 1000);
  const non429 = counts.responses - counts.rate_limited;
  const share = counts.responses ? counts.rate_limited / counts.responses : 0;
  const results = opts.thresholds.map((t) => evaluateThreshold(t, [{ name: opts.scenario, recorder, window }]));
  const broken = results.filter((t) => t.status === 'fail');
  const unjudged = results.filter((t) => t.status === 'not-judged' && share <= MAX_RATE_LIMITED_SHARE);
  const verdict: CapacityPoint['verdict'] = share > MAX_RATE_LIMITED_SHARE ? 'limited' : broken.length > 0 || run.stopReason ? 'fail' : 'pass';
  const notes = [
    ...broken.map((t) => `${t.expr} broke: measured ${t.display} on ${t.sample.non_429} answers`),
    ...unjudged.map((t) => `${t.expr} not judged (${t.sample.non_429} answers; it needs ${t.sample.needed})`),
    ...(verdict === 'limited' ? [`${(share * 100).toFixed(1)}% of ${counts.responses} answers were 429: the keys' limits are reached`] : []),
    ...(run.stopReason ? [run.stopReason] : []),
  ];
  const point: CapacityPoint = {
    rate, achieved: round1(non429 / seconds), answers: counts.responses, non_429: non429, rate_limited_share: Math.round(share * 10_000) / 10_000,
    error_share: counts.requests ? Math.round((counts.errors / counts.requests) * 10_000) / 10_000 : 0,
    p50: latencies.length ? round1(percentile(latencies, 50)) : null, p99: latencies.length ? round1(percentile(latencies, 99)) : null, verdict, notes,
  };
  opts.log(`capacity: ${rate}/s → ${point.achieved} non-429 answers/s, p50 ${point.p50 ?? '—'} ms, p99 ${point.p99 ?? '—'} ms on ${non429} answers, ${(share * 100).toFixed(1)}% 429: ${verdict}${notes.length ? ` (${notes.join('; ')})` : ''}`);
  return point;
}

export async function findCapacity(env: ScenarioEnv, opts: CapacityOptions): Promise<CapacityResult> {
  const t0 = performance.now();
  const points: CapacityPoint[] = [];
  const elapsedS = (): number => (performance.now() - t0) / 1000;
  const perStep = opts.warmupS + opts.stepS;
  const canStep = (): string | undefined => {
    if (elapsedS() + perStep > opts.maxSeconds) return `the time cap (${opts.maxSeconds} s) leaves no room for another ${perStep} s step`;
    if (env.budget.left() < opts.connections * 2) return 'the request cap is spent';
    return undefined;
  };
  const reuse = opts.scenario === 'start' ? undefined : await SCENARIOS[opts.scenario].prepare({ ...env, totalS: opts.warmupS + opts.stepS });
  const held: number[] = [];
  let bad: number | undefined;
  let stoppedBy = '';
  const why = (p: CapacityPoint): string => (p.verdict === 'limited' ? `the keys' limits: ${p.notes.at(-1) ?? ''}` : `a threshold broke at ${p.rate}/s: ${p.notes[0] ?? ''}`);
  let rate = round1(opts.startRate);
  // Grow until a step fails, the keys' limits bind, or a bound.
  for (;;) {
    const bound = canStep();
    if (bound) { stoppedBy = bound; break; }
    const p = await step(env, opts, rate, reuse);
    points.push(p);
    if (p.verdict !== 'pass') { bad = rate; stoppedBy = why(p); break; }
    held.push(rate);
    if (rate >= opts.maxRate) { stoppedBy = `the top rate of the search (${opts.maxRate}/s) held every threshold`; break; }
    rate = round1(Math.min(opts.maxRate, rate * GROWTH));
  }
  // Right after a failed step the keys' buckets are spent: the rates that held are tried again, highest first, until one still holds.
  while (bad !== undefined && held.length > 0 && !canStep()) {
    const again = held.at(-1) as number;
    const p = await step(env, opts, again, reuse);
    points.push(p);
    if (p.verdict === 'pass') break;
    held.pop();
    bad = again;
    stoppedBy = why(p);
  }
  let good = held.at(-1);
  // Narrow the gap between the highest rate that held and the lowest that did not.
  for (let i = 0; i < BISECTIONS && good !== undefined && bad !== undefined && bad / good > 1.05; i++) {
    if (canStep()) break;
    const mid = round1(Math.sqrt(good * bad));
    const p = await step(env, opts, mid, reuse);
    points.push(p);
    if (p.verdict === 'pass') good = mid;
    else bad = mid;
  }
  // Each rate's latest step is its point on the curve (an earlier one may have run on saved tokens).
  const latest = new Map<number, CapacityPoint>();
  for (const p of points) latest.set(p.rate, p);
  return { scenario: opts.scenario, capacity: good ?? null, stopped_by: stoppedBy, points: [...latest.values()].sort((a, b) => a.rate - b.rate) };
}
