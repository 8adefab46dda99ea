/**
 * SLO thresholds in the k6 style, over the recorded metrics.
 *
 *   threshold := [scope ":"] metric op number [unit]
 *   scope     := scenario ["/" endpoint]         poll, start, mixed; createJob, startJob, getJob, listJobs
 *   metric    := p50 | p90 | p99.9 | p(99.9) | med | avg | min | max        latency, ms, non-429 responses
 *              | errors | http_5xx | rate_limited | timeouts                  a count, or a share with %
 *              | rate | ok_rate                                            responses (2xx) per second
 *   op        := < | <= | > | >= | == | !=
 *   unit      := ms | s  (latency)  |  %  (counts: share of requests)
 *
 * Without a scope a threshold covers every scenario's measured window.
 * Examples: `p99<800`, `p(99.9)<1.5s`, `errors<1%`, `http_5xx==0`,
 * `rate>=200`, `start:p95<500`, `mixed/getJob:p99<300`.
 */
import type { Counts, ThresholdResult, ThresholdSample } from '../core/load-results.js';
import { collect, percentile, type Window } from './metrics.js';
import type { ScenarioRecorder } from './recorder.js';
import { ENDPOINTS, SCENARIO_NAMES, type Endpoint, type ScenarioName } from './types.js';

export const DEFAULT_THRESHOLDS = ['p99<800', 'errors<1%', 'http_5xx==0'] as const;

export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';
type CountMetric = 'errors' | 'http_5xx' | 'rate_limited' | 'timeouts';
export type Metric =
  | { kind: 'latency'; stat: 'percentile'; p: number }
  | { kind: 'latency'; stat: 'avg' | 'min' | 'max' }
  | { kind: 'count'; name: CountMetric; share: boolean }
  | { kind: 'rate'; name: 'rate' | 'ok_rate' };

export interface Threshold {
  expr: string;
  scenario?: ScenarioName;
  endpoint?: Endpoint;
  metric: Metric;
  op: Op;
  /** In ms for latency, a fraction (0..1) for shares, per second for rates, else a count. */
  value: number;
}

export class ThresholdSyntaxError extends Error {}

const GRAMMAR = 'expected [scenario[/endpoint]:]metric op number[unit], e.g. p99<800, p(99.9)<1500, errors<1%, http_5xx==0, rate>=200, start:p95<500';
const RE = /^\s*(?:([a-z]+)(?:\/([A-Za-z]+))?\s*:\s*)?([a-z_0-9.()]+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*(ms|s|%)?\s*$/;

function parseMetric(name: string, expr: string): Omit<Metric, 'share'> | Metric {
  const p = /^p\(?(\d+(?:\.\d+)?)\)?$/.exec(name);
  if (p && (name.startsWith('p(') === name.endsWith(')'))) {
    const n = Number(p[1]);
    if (!(n >= 0 && n <= 100)) throw new ThresholdSyntaxError(`${expr}: a percentile is between 0 and 100`);
    return { kind: 'latency', stat: 'percentile', p: n };
  }
  if (name === 'med') return { kind: 'latency', stat: 'percentile', p: 50 };
  if (name === 'avg' || name === 'min' || name === 'max') return { kind: 'latency', stat: name };
  if (name === 'errors' || name === 'http_5xx' || name === 'rate_limited' || name === 'timeouts') return { kind: 'count', name, share: false };
  if (name === 'rate' || name === 'ok_rate') return { kind: 'rate', name };
  throw new ThresholdSyntaxError(`${expr}: unknown metric "${name}" (p50, p90, p99, p99.9, p(N), med, avg, min, max, errors, http_5xx, rate_limited, timeouts, rate, ok_rate)`);
}

export function parseThreshold(expr: string): Threshold {
  const m = RE.exec(expr);
  if (!m) throw new ThresholdSyntaxError(`${JSON.stringify(expr)}: ${GRAMMAR}`);
  const [, scenario, endpoint, name = '', op, rawValue, unit] = m;
  if (scenario !== undefined && !(SCENARIO_NAMES as readonly string[]).includes(scenario)) throw new ThresholdSyntaxError(`${expr}: unknown scenario "${scenario}" (${SCENARIO_NAMES.join(', ')})`);
  if (endpoint !== undefined && !(ENDPOINTS as readonly string[]).includes(endpoint)) throw new ThresholdSyntaxError(`${expr}: unknown endpoint "${endpoint}" (${ENDPOINTS.join(', ')})`);
  const metric = parseMetric(name, expr) as Metric;
  let value = Number(rawValue);
  if (metric.kind === 'latency') {
    if (unit === '%') throw new ThresholdSyntaxError(`${expr}: a latency takes ms or s, not %`);
    if (unit === 's') value *= 1000;
  } else if (metric.kind === 'count') {
    if (unit === 'ms' || unit === 's') throw new ThresholdSyntaxError(`${expr}: ${metric.name} is a count, or a share with %`);
    if (unit === '%') {
      if (value < 0 || value > 100) throw new ThresholdSyntaxError(`${expr}: a share is between 0% and 100%`);
      metric.share = true;
      value /= 100;
    }
  } else if (unit !== undefined) throw new ThresholdSyntaxError(`${expr}: ${metric.name} is per second and takes no unit`);
  if (value < 0) throw new ThresholdSyntaxError(`${expr}: the value cannot be negative`);
  return { expr: expr.trim(), ...(scenario ? { scenario: scenario as ScenarioName } : {}), ...(endpoint ? { endpoint: endpoint as Endpoint } : {}), metric, op: op as Op, value };
}

/** A stable check id: `load.threshold.p99-lt-800`, `load.threshold.start.errors-lt-1pct`. */
export function thresholdSlug(t: Threshold): string {
  const ops: Record<Op, string> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' };
  const m = t.metric;
  const name = m.kind === 'latency' ? (m.stat === 'percentile' ? `p${m.p}` : m.stat) : m.name;
  const value = m.kind === 'count' && m.share ? `${+(t.value * 100).toFixed(6)}pct` : `${+t.value.toFixed(6)}`;
  const scope = [t.scenario, t.endpoint].filter(Boolean).join('.');
  return `${scope ? `${scope}.` : ''}${name}-${ops[t.op]}-${value}`.replace(/[^a-zA-Z0-9._-]/g, '_');
}

export interface ScenarioData { name: ScenarioName; recorder: ScenarioRecorder; window: Window }

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    case '!=': return a !== b;
  }
}

const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);

function describe(t: Threshold, v: number): string {
  const m = t.metric;
  if (m.kind === 'latency') return fmtMs(v);
  if (m.kind === 'rate') return `${v.toFixed(1)}/s`;
  return m.share ? `${(v * 100).toFixed(3).replace(/\.?0+$/, '')}%` : String(v);
}

export function evaluateThreshold(t: Threshold, scenarios: readonly ScenarioData[]): ThresholdResult {
  const scope = [t.scenario ?? 'all scenarios', t.endpoint].filter(Boolean).join('/');
  const inScope = scenarios.filter((s) => t.scenario === undefined || s.name === t.scenario);
  const latencies: number[] = [];
  const counts: Counts = { requests: 0, responses: 0, ok: 0, rate_limited: 0, http_5xx: 0, errors: 0, timeouts: 0, connection_errors: 0, statuses: {} };
  let seconds = 0;
  for (const s of inScope) {
    const c = collect(s.recorder, s.window, t.endpoint);
    for (const x of c.latencies) latencies.push(x);
    for (const k of ['requests', 'responses', 'ok', 'rate_limited', 'http_5xx', 'errors', 'timeouts', 'connection_errors'] as const) counts[k] += c.counts[k];
    seconds += Math.max(0, s.window.toMs - s.window.fromMs) / 1000;
  }
  latencies.sort((a, b) => a - b);
  const m = t.metric;
  let measured: number | undefined;
  if (m.kind === 'latency') {
    if (latencies.length > 0) {
      measured = m.stat === 'percentile' ? percentile(latencies, m.p)
        : m.stat === 'avg' ? latencies.reduce((a, b) => a + b, 0) / latencies.length
        : m.stat === 'min' ? latencies[0] : latencies[latencies.length - 1];
    }
  } else if (m.kind === 'rate') {
    if (seconds > 0 && counts.requests > 0) measured = (m.name === 'rate' ? counts.responses : counts.ok) / seconds;
  } else if (counts.requests > 0) measured = m.share ? counts[m.name] / counts.requests : counts[m.name];
  const limit = `${t.op} ${describe(t, t.value)}`;
  const id = `load.threshold.${thresholdSlug(t)}`;
  const non429 = counts.responses - counts.rate_limited;
  const sample: ThresholdSample = {
    answers: counts.responses, non_429: non429,
    rate_limited_share: counts.responses ? Math.round((counts.rate_limited / counts.responses) * 10_000) / 10_000 : 0,
    needed: neededAnswers(m),
  };
  const why = unjudgedBecause(t, sample);
  const display = measured === undefined ? 'nothing measured' : describe(t, measured);
  if (why !== undefined) return { expr: t.expr, id, scope, ...(measured !== undefined ? { measured } : {}), display, limit, status: 'not-judged', pass: false, sample, why };
  if (measured === undefined) return { expr: t.expr, id, scope, display, limit, status: 'not-judged', pass: false, sample, why: 'nothing was measured in its scope' };
  const pass = compare(measured, t.op, t.value);
  return { expr: t.expr, id, scope, measured, display, limit, status: pass ? 'pass' : 'fail', pass, sample };
}

/** Above this share of 429 answers a sample describes the limiter, not the service. */
export const MAX_RATE_LIMITED_SHARE = 0.05;

/**
 * The fewest non-429 answers a metric needs: a percentile p needs ten answers
 * above it (p99: 1,000; p90: 100; p99.9: 10,000; the median 20); max, like a
 * p99, 1,000; min and avg 20; counts, shares and rates 100.
 */
export function neededAnswers(m: Metric): number {
  if (m.kind === 'latency') {
    // toFixed: 1 - 99.9/100 is not 0.001 in binary, and 10,001 is not what anyone means.
    if (m.stat === 'percentile') return m.p >= 100 ? 1000 : Math.max(20, Math.ceil(Number((10 / (1 - m.p / 100)).toFixed(6))));
    return m.stat === 'max' ? 1000 : 20;
  }
  return 100;
}

/** Why a threshold cannot be judged on this sample, with what input would judge it; undefined when it can. */
function unjudgedBecause(t: Threshold, s: ThresholdSample): string | undefined {
  // rate_limited judges the limiter itself: any share of 429 is what it measures.
  if (t.metric.kind === 'count' && t.metric.name === 'rate_limited') return s.answers >= s.needed ? undefined : `only ${s.answers} answers (it needs ${s.needed}): run longer (--duration)`;
  if (s.rate_limited_share > MAX_RATE_LIMITED_SHARE) {
    return `${(s.rate_limited_share * 100).toFixed(1)}% of ${s.answers} answers were 429 (more than ${MAX_RATE_LIMITED_SHARE * 100}%): the sample measures the rate limiter, not the service; offer less load (a lower --rate) or spread it over more keys (--load-api-key)`;
  }
  if (s.non_429 < s.needed) {
    return `only ${s.non_429} non-429 answers (${t.expr} needs ${s.needed}): run longer (--duration), at a higher rate if the keys allow it (--rate), or over more keys (--load-api-key)`;
  }
  return undefined;
}
