/**
 * The LOAD family's checks, in the shape certify reports (CheckResult):
 * per scenario `load.<scenario>.ran`, `.no-5xx` (ERR-3), `.retry-after`
 * (RATE-2 on every 429), `.contract` (sampled responses against the spec);
 * `load.billing` (IDEM-5, IDEM-1, RATE-5, the credit formula); and one
 * `load.threshold.<expr>` per SLO threshold, measured value against limit.
 */
import { requestIdsOf } from '../core/exchange.js';
import type { CapacityResult, LoadResults, ScenarioResult } from '../core/load-results.js';
import { checkResult, type CheckDraft, type CheckResult, type Status } from '../core/results.js';
import type { ScenarioRecorder } from './recorder.js';

/** A LOAD check counts the exchanges it keeps; the load's own requests are counted in the Load section (requests_sent). */
export function check(d: CheckDraft): CheckResult {
  const evidence = d.evidence ?? [];
  return checkResult({ ...d, requests: evidence.length, request_ids: requestIdsOf(evidence) });
}

const pct = (x: number): string => `${(x * 100).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;
const ms = (x: number | undefined): string => (x === undefined ? '—' : `${x.toFixed(x < 10 ? 2 : 1)} ms`);

export function summaryLine(s: ScenarioResult): string {
  const a = s.all;
  if (!a) return 'no measured responses';
  return `${a.throughput.toFixed(0)} responses/s over ${s.measured_s.toFixed(1)} s (${a.responses} responses), p50 ${ms(a.latency?.p50)}, p99 ${ms(a.latency?.p99)}, max ${ms(a.latency?.max)}, `
    + `429 ${pct(a.rate_limited_share)}, errors ${a.errors} (${pct(a.error_share)}), timeouts ${a.timeouts}`;
}

const BENIGN_STOP = /^(request cap|drafts ran out)/;

function scenarioChecks(s: ScenarioResult, rec: ScenarioRecorder | undefined): CheckResult[] {
  const id = (x: string): string => `load.${s.name}.${x}`;
  const titles = {
    ran: `${s.name}: ${s.title} ran its load`,
    no5xx: `${s.name}: no 5xx under load`,
    retry: `${s.name}: every 429 under load carries a valid Retry-After`,
    contract: `${s.name}: sampled responses under load match contracts/openapi.yaml`,
  };
  if (s.status === 'not-run' || !rec) {
    const why = s.stop_reason ?? 'not run';
    return [
      check({ id: id('ran'), rules: [], title: titles.ran, status: 'skip', message: why }),
      check({ id: id('no-5xx'), rules: ['ERR-3'], title: titles.no5xx, status: 'skip', message: why }),
      check({ id: id('retry-after'), rules: ['RATE-2'], title: titles.retry, status: 'skip', message: why }),
      check({ id: id('contract'), rules: [], title: titles.contract, status: 'skip', message: why }),
    ];
  }
  if (s.status === 'setup-failed') {
    return [check({ id: id('ran'), rules: [], title: titles.ran, status: 'error', message: s.stop_reason ?? 'setup failed' })];
  }
  const ranStatus: Status = s.status === 'stopped' && !BENIGN_STOP.test(s.stop_reason ?? '') ? 'fail' : 'pass';
  const fives = rec.status.filter((x) => x >= 500).length;
  const shown429 = s.all ? `${rec.rateLimit.responses} 429 responses (${pct(s.all.rate_limited_share)} of measured responses; expected when the load is above the key's limit)` : `${rec.rateLimit.responses} 429 responses`;
  return [
    check({
      id: id('ran'), rules: [], title: titles.ran, status: ranStatus,
      message: `${s.status === 'stopped' ? `${s.stop_reason}; ` : ''}${summaryLine(s)}`, notes: s.notes,
    }),
    check({
      id: id('no-5xx'), rules: ['ERR-3'], title: titles.no5xx, status: fives > 0 ? 'fail' : 'pass', evidence: rec.serverErrors,
      message: fives > 0 ? `${fives} of ${rec.status.length} responses were 5xx (${[...new Set(rec.status.filter((x) => x >= 500))].join(', ')})` : `${rec.status.length} responses, none 5xx (warm-up included)`,
    }),
    check({
      id: id('retry-after'), rules: ['RATE-2'], title: titles.retry, evidence: rec.rateLimit.evidence,
      status: rec.rateLimit.responses === 0 ? 'skip' : rec.rateLimit.badRetryAfter > 0 ? 'fail' : 'pass',
      message: rec.rateLimit.responses === 0 ? 'no 429 under this load: nothing to check'
        : rec.rateLimit.badRetryAfter > 0 ? `${rec.rateLimit.badRetryAfter} of ${shown429} had no valid Retry-After ≥ 1 s`
        : `${shown429}, each with a valid Retry-After ≥ 1 s`,
    }),
    check({
      id: id('contract'), rules: [], title: titles.contract, evidence: rec.contract.evidence,
      status: rec.contract.sampled === 0 ? 'skip' : rec.contract.violations > 0 ? 'fail' : 'pass',
      message: rec.contract.violations > 0
        ? `${rec.contract.violations} of ${rec.contract.sampled} sampled responses break the spec: ${[...new Set(rec.contract.evidence.flatMap((e) => e.violations.map((v) => v.message)))].slice(0, 3).join('; ')}`
        : `${rec.contract.sampled} sampled responses (per endpoint the first 5, the first of each status, and one in 50) match the spec`,
    }),
  ];
}

const BILLING_RULES = ['IDEM-5', 'IDEM-1', 'RATE-5'];
/** Every rule ID a LOAD check may cite: `--only ERR-3` runs the stage for the checks that cite it. */
export const LOAD_RULES: readonly string[] = ['ERR-3', 'RATE-2', ...BILLING_RULES];

function billingCheck(results: LoadResults): CheckResult {
  const title = 'every start under load was charged exactly once, with the formula\'s credits; nothing else was charged';
  const rules = BILLING_RULES;
  const b = results.billing;
  if (!b) return check({ id: 'load.billing', rules, title, status: 'skip', message: 'no job was started' });
  if (b.status === 'error') return check({ id: 'load.billing', rules, title, status: 'error', message: b.message });
  const byKind = new Map<string, number>();
  for (const p of b.problems) byKind.set(p.kind, (byKind.get(p.kind) ?? 0) + 1);
  return check({
    id: 'load.billing', rules, title, status: b.problems.length > 0 ? 'fail' : 'pass',
    message: b.problems.length > 0
      ? `${b.problems.length} billing problems (${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')}), e.g. ${b.problems.slice(0, 3).map((p) => `${p.job_id} ${p.detail} [${p.rule}]`).join('; ')}`
      : `${b.started} accepted starts, ${b.charges} charge events, ${b.credits} credits: one charge each with the formula's credits; ${b.not_started} jobs not started, none charged; ${b.unsure} without a clear answer, none charged twice`,
    notes: b.problems.slice(3, 20).map((p) => `${p.job_id}: ${p.detail} [${p.rule}]`),
  });
}

export function loadChecks(results: LoadResults, recorders: ReadonlyMap<string, ScenarioRecorder>): CheckResult[] {
  const out: CheckResult[] = [];
  // The limiter is judged by its own checks (limiter.ts), not as a service scenario.
  for (const s of results.scenarios) if (s.name !== 'limiter') out.push(...scenarioChecks(s, recorders.get(s.name)));
  out.push(billingCheck(results));
  for (const t of results.thresholds) {
    const on = `on ${t.sample.non_429} non-429 of ${t.sample.answers} answers (${pct(t.sample.rate_limited_share)} 429)`;
    out.push(check({
      id: t.id, rules: /http_5xx/.test(t.expr) ? ['ERR-3'] : [], title: `threshold ${t.expr} (${t.scope})`,
      // A sample that says nothing about the service is no verdict either way: not judged, and what would judge it.
      status: t.status === 'not-judged' ? 'error' : t.pass ? 'pass' : 'fail',
      message: t.status === 'not-judged' ? `not judged: ${t.why ?? 'nothing measured'} (measured ${t.display} ${on})` : `measured ${t.display} ${on}, threshold ${t.limit}`,
    }));
  }
  return out;
}

/** `load.capacity`: the highest rate that met every threshold, or why none did; the curve is in the reports. */
export function capacityCheck(c: CapacityResult): CheckResult {
  const title = `${c.scenario}: the highest request rate that meets every threshold (capacity search)`;
  const curve = c.points.map((p) => `${p.rate}/s: ${p.verdict}, p99 ${p.p99 ?? '—'} ms on ${p.non_429} answers, ${pct(p.rate_limited_share)} 429`);
  if (c.points.length === 0) return check({ id: 'load.capacity', rules: [], title, status: 'error', message: `not judged: no step could run (${c.stopped_by})` });
  if (c.capacity === null) {
    const first = c.points[0]!;
    // The keys' limit below the first step says nothing about the service; a broken threshold does.
    if (first.verdict === 'limited') return check({ id: 'load.capacity', rules: [], title, status: 'error', message: `not judged: already at ${first.rate}/s ${first.notes.at(-1) ?? ''}; spread the load over more keys (--load-api-key)`, notes: curve });
    return check({ id: 'load.capacity', rules: [], title, status: 'fail', message: `no rate met every threshold: at ${first.rate}/s, ${first.notes[0] ?? first.verdict}`, notes: curve });
  }
  // "Every threshold held" needs every threshold judged at that rate: one that had too few answers there held nothing.
  const at = c.points.find((p) => p.rate === c.capacity);
  const unjudged = (at?.notes ?? []).filter((n) => / not judged /.test(n));
  if (unjudged.length > 0) {
    return check({ id: 'load.capacity', rules: [], title, status: 'error', message: `not judged: at ${c.capacity}/s (where the search stopped: ${c.stopped_by}) ${unjudged.join('; ')}: lengthen each step (--duration) so every threshold is judged`, notes: curve });
  }
  return check({ id: 'load.capacity', rules: [], title, status: 'pass', message: `capacity ${c.capacity}/s: every threshold held up to it; stopped by ${c.stopped_by}`, notes: curve });
}
