/**
 * LOAD latency compared per scenario and endpoint present in both runs: p95,
 * a regression when more than the tolerance AND more than the floor slower
 * (both strict: exactly +20% or exactly +50 ms is within). A percentile is
 * compared only where both runs could have judged it: the sample rules of
 * load/thresholds.ts (core may not import load/; tests/core/diff.test.ts
 * holds the two equal), and no threshold of that scope left not judged.
 */
import type { EndpointMetrics, LoadResults, ScenarioResult } from '../load-results.js';
import type { Compliance } from '../results.js';
import type { DiffOptions, LatencyComparison, LoadDiff } from './model.js';

export const COMPARED_PERCENTILE = 95;
/** load/thresholds.ts `neededAnswers` for p95: ten answers above it. */
export const P95_NEEDED_ANSWERS = 200;
/** load/thresholds.ts `MAX_RATE_LIMITED_SHARE`: above it a sample measures the limiter, not the service. */
export const MAX_RATE_LIMITED_SHARE = 0.05;

type Side = 'OLD' | 'NEW';

/** A threshold's expression names p95 (`p95<500`, `mixed/getJob:p(95)<300`). */
const isP95 = (expr: string): boolean => /^\s*(?:[a-z]+(?:\/[A-Za-z]+)?\s*:\s*)?p\(?95\)?\s*(?:<|>|=|!)/.test(expr);

const scopeOf = (scenario: string, endpoint: string): string => (endpoint === 'all' ? scenario : `${scenario}/${endpoint}`);

function metricsOf(s: ScenarioResult): Map<string, EndpointMetrics> {
  const m = new Map<string, EndpointMetrics>();
  if (s.all) m.set('all', s.all);
  for (const e of s.endpoints) if (typeof e.endpoint === 'string' && e.endpoint !== 'all') m.set(e.endpoint, e);
  return m;
}

/** Why one run's p95 at this scope says nothing comparable; undefined when it does. */
function unusable(side: Side, load: LoadResults, s: ScenarioResult, endpoint: string, m: EndpointMetrics | undefined): string | undefined {
  if (s.name === 'limiter') return `the limiter scenario measures the rate limiter, not the service`;
  if (!m) return `${side}'s ${s.name} scenario has no measurements (${s.status}${s.stop_reason ? `: ${s.stop_reason}` : ''})`;
  const notJudged = load.thresholds.find((t) => t.scope === scopeOf(s.name, endpoint) && isP95(t.expr) && t.status === 'not-judged');
  if (notJudged) return `${side} did not judge \`${notJudged.expr}\`${notJudged.why ? `: ${notJudged.why}` : ''}`;
  const p95 = m.latency?.p95;
  if (typeof p95 !== 'number') return `${side} recorded no p95 here`;
  const n = m.latency?.count ?? 0;
  if (n < P95_NEEDED_ANSWERS) return `${side}'s p95 rests on ${n} non-429 answers (a p95 needs ${P95_NEEDED_ANSWERS}: ten above it)`;
  if (typeof m.rate_limited_share === 'number' && m.rate_limited_share > MAX_RATE_LIMITED_SHARE) {
    return `${(m.rate_limited_share * 100).toFixed(1)}% of ${side}'s answers were 429 (more than ${MAX_RATE_LIMITED_SHARE * 100}%): the sample measures the rate limiter, not the service`;
  }
  return undefined;
}

const round = (x: number): number => Math.round(x * 100) / 100;

export function compareLatency(oldMs: number, newMs: number, o: DiffOptions): Pick<LatencyComparison, 'delta_ms' | 'delta_pct' | 'result'> {
  const delta = newMs - oldMs;
  const pct = oldMs > 0 ? (delta / oldMs) * 100 : null;
  // OLD at 0 ms: any slowdown is beyond every percentage, so the floor alone decides.
  const beyond = (d: number, p: number | null): boolean => d > o.latencyFloorMs && (p === null || p > o.latencyTolerancePct);
  const result = beyond(delta, pct) ? 'regression' : oldMs > 0 && beyond(-delta, pct === null ? null : -pct) ? 'improved' : 'within-tolerance';
  return { delta_ms: round(delta), delta_pct: pct === null ? null : round(pct), result };
}

export function diffLoad(oldDoc: Compliance, newDoc: Compliance, o: DiffOptions): LoadDiff {
  const head = { percentile: 'p95' as const, tolerance_pct: o.latencyTolerancePct, floor_ms: o.latencyFloorMs };
  const a = oldDoc.load;
  const b = newDoc.load;
  if (!a || !b) {
    const why = !a && !b ? 'neither run measured load (the full profile, or jobcert load, does)' : `only ${a ? 'OLD' : 'NEW'} measured load`;
    return { ...head, status: 'absent', why, entries: [] };
  }
  const entries: LatencyComparison[] = [];
  for (const sNew of b.scenarios) {
    const sOld = a.scenarios.find((s) => s.name === sNew.name);
    if (!sOld) continue;
    const mo = metricsOf(sOld);
    const mn = metricsOf(sNew);
    const endpoints = [...new Set([...mn.keys(), ...mo.keys()])].filter((e) => mo.has(e) && mn.has(e));
    // A scenario with no measurements in one run still gets its row, saying why.
    if (endpoints.length === 0) endpoints.push('all');
    for (const endpoint of endpoints) {
      const x = mo.get(endpoint);
      const y = mn.get(endpoint);
      const base = {
        scenario: sNew.name, endpoint,
        old_ms: typeof x?.latency?.p95 === 'number' ? x.latency.p95 : null, new_ms: typeof y?.latency?.p95 === 'number' ? y.latency.p95 : null,
        old_n: x?.latency?.count ?? null, new_n: y?.latency?.count ?? null,
      };
      const why = [unusable('OLD', a, sOld, endpoint, x), unusable('NEW', b, sNew, endpoint, y)].filter((w): w is string => w !== undefined);
      if (why.length > 0 || base.old_ms === null || base.new_ms === null) {
        entries.push({ ...base, delta_ms: null, delta_pct: null, result: 'not-compared', why: [...new Set(why)].join('; ') || 'no p95 in one run' });
      } else {
        entries.push({ ...base, ...compareLatency(base.old_ms, base.new_ms, o) });
      }
    }
  }
  return { ...head, status: 'compared', entries };
}
