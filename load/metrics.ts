/**
 * Turns what a ScenarioRecorder collected into the numbers the reports and the
 * thresholds use. Only the measured window counts (warm-up excluded);
 * latencies are of non-429 responses (a throttled request is answered fast
 * and says nothing about the work); an error is a request with no answer or
 * any answer other than 2xx and 429.
 */
import type { Counts, EndpointMetrics, LatencySummary, PercentilePoint, TimelineBucket } from '../core/load-results.js';
import type { ScenarioRecorder } from './recorder.js';
import { ENDPOINTS, type Endpoint } from './types.js';

/** Selects the measured responses of one scenario, optionally one endpoint. */
export interface Window { fromMs: number; toMs: number }

const PERCENTILE_POINTS = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100];

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0] as number;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

const round = (n: number): number => Math.round(n * 100) / 100;

export function latencySummary(sorted: readonly number[]): LatencySummary | null {
  if (sorted.length === 0) return null;
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length, min: round(sorted[0] as number), avg: round(sum / sorted.length),
    p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)), p999: round(percentile(sorted, 99.9)), max: round(sorted[sorted.length - 1] as number),
  };
}

const isOk = (s: number): boolean => s >= 200 && s < 300;

/** Latencies (ascending) and counts of the responses in the window, for one endpoint or all. */
export function collect(rec: ScenarioRecorder, w: Window, endpoint?: Endpoint): { latencies: number[]; counts: Counts } {
  const ep = endpoint === undefined ? -1 : ENDPOINTS.indexOf(endpoint);
  const latencies: number[] = [];
  const counts: Counts = { requests: 0, responses: 0, ok: 0, rate_limited: 0, http_5xx: 0, errors: 0, timeouts: 0, connection_errors: 0, statuses: {} };
  for (let i = 0; i < rec.t.length; i++) {
    const t = rec.t[i] as number;
    if (t < w.fromMs || t > w.toMs || (ep !== -1 && rec.endpoint[i] !== ep)) continue;
    const s = rec.status[i] as number;
    counts.responses++;
    counts.statuses[s] = (counts.statuses[s] ?? 0) + 1;
    if (isOk(s)) counts.ok++;
    else if (s === 429) counts.rate_limited++;
    else counts.errors++;
    if (s >= 500) counts.http_5xx++;
    if (s !== 429) latencies.push(rec.latency[i] as number);
  }
  for (const e of rec.errors) {
    if (e.t < w.fromMs || e.t > w.toMs || (ep !== -1 && e.endpoint !== ep)) continue;
    counts.errors++;
    if (e.kind === 'timeout') counts.timeouts++;
    else counts.connection_errors++;
  }
  counts.requests = counts.responses + counts.timeouts + counts.connection_errors;
  latencies.sort((a, b) => a - b);
  return { latencies, counts };
}

export function endpointMetrics(rec: ScenarioRecorder, w: Window, endpoint?: Endpoint): EndpointMetrics {
  const { latencies, counts } = collect(rec, w, endpoint);
  const seconds = Math.max(0.001, (w.toMs - w.fromMs) / 1000);
  return {
    endpoint: endpoint ?? 'all', ...counts,
    throughput: round(counts.responses / seconds), ok_throughput: round(counts.ok / seconds),
    rate_limited_share: counts.responses ? round((counts.rate_limited / counts.responses) * 100) / 100 : 0,
    error_share: counts.requests ? counts.errors / counts.requests : 0,
    latency: latencySummary(latencies),
  };
}

/** Buckets of whole or half seconds over the run, warm-up included (and marked), for the latency-over-time chart. */
export function timeline(rec: ScenarioRecorder, elapsedMs: number, warmupMs: number): TimelineBucket[] {
  const size = [250, 500, 1000, 2000, 5000, 10_000].find((s) => elapsedMs / s <= 60) ?? 10_000;
  const n = Math.max(1, Math.ceil(elapsedMs / size));
  const lat: number[][] = Array.from({ length: n }, () => []);
  const buckets = Array.from({ length: n }, (_, i) => ({ t_s: ((i + 1) * size) / 1000, responses: 0, rate_limited: 0, errors: 0, warmup: (i + 1) * size <= warmupMs }));
  for (let i = 0; i < rec.t.length; i++) {
    const b = Math.min(n - 1, Math.floor((rec.t[i] as number) / size));
    const s = rec.status[i] as number;
    const bucket = buckets[b]!;
    bucket.responses++;
    if (s === 429) bucket.rate_limited++;
    else {
      lat[b]!.push(rec.latency[i] as number);
      if (!isOk(s)) bucket.errors++;
    }
  }
  for (const e of rec.errors) buckets[Math.min(n - 1, Math.floor(e.t / size))]!.errors++;
  return buckets.map((b, i) => {
    const xs = lat[i]!.sort((x, y) => x - y);
    return { ...b, p50: xs.length ? round(percentile(xs, 50)) : null, p99: xs.length ? round(percentile(xs, 99)) : null, max: xs.length ? round(xs[xs.length - 1] as number) : null };
  });
}

/** Latency by percentile (the HdrHistogram view), points the data supports. */
export function percentileCurve(sorted: readonly number[]): PercentilePoint[] {
  if (sorted.length === 0) return [];
  // A percentile finer than 1/n repeats the maximum; stop at the first that needs more data.
  const finest = 100 - 100 / sorted.length;
  const points = PERCENTILE_POINTS.filter((p) => p <= finest || p === 100);
  return points.map((p) => ({ p, ms: round(percentile(sorted, p)) }));
}
