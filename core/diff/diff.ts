/**
 * `jobcert diff`: two or more compliance documents, oldest first, compared.
 * OLD and NEW are the last two; the earlier runs only feed the histories
 * (flapping, verdicts, rate limits). Pure: the documents in, the report out.
 */
import type { Compliance } from '../results.js';
import { diffChecks } from './checks.js';
import { diffWarnings } from './context.js';
import { diffLoad } from './load.js';
import { DEFAULT_DIFF_OPTIONS, type DiffOptions, type DiffReport, type Regression, type RunInput, type RunRef, type VerdictChange } from './model.js';
import { diffRateLimit } from './rate-limit.js';

/** An interrupted run, like an incomplete one, vouches for less than a pass and does not show a failure. */
const VERDICT_RANK: Record<Compliance['verdict'], number> = { pass: 0, incomplete: 1, interrupted: 1, fail: 2 };

export function verdictChange(old: Compliance['verdict'], now: Compliance['verdict']): VerdictChange {
  if (old === now) return 'same';
  const d = VERDICT_RANK[now] - VERDICT_RANK[old];
  return d > 0 ? 'worse' : d < 0 ? 'better' : 'sideways';
}

export function runLabels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? 'NEW' : i === n - 2 ? 'OLD' : `run ${i + 1}`));
}

function runRef(r: RunInput, label: string): RunRef {
  const d = r.doc;
  const counts = { total: d.checks.length, pass: 0, fail: 0, skip: 0, error: 0 };
  for (const c of d.checks) counts[c.status]++;
  const hash = (h: unknown): string | null => (typeof h === 'string' && /^[0-9a-f]{64}$/.test(h) ? h : null);
  return {
    label, source: r.source, started_at: d.started_at, target: d.target, profile: d.profile, strict: d.strict, verdict: d.verdict,
    jobcert_version: d.version, report_version: typeof d.report_version === 'string' ? d.report_version : null,
    spec_sha256: hash(d.provenance?.spec_sha256), openapi_sha256: hash(d.provenance?.openapi_sha256), counts,
  };
}

export function diffRuns(inputs: readonly RunInput[], options: DiffOptions = DEFAULT_DIFF_OPTIONS): DiffReport {
  if (inputs.length < 2) throw new RangeError(`a diff needs at least two runs, got ${inputs.length}`);
  const docs = inputs.map((r) => r.doc);
  const labels = runLabels(inputs.length);
  const oldDoc = docs[docs.length - 2] as Compliance;
  const newDoc = docs[docs.length - 1] as Compliance;
  const checks = diffChecks(docs);
  const verdict = { old: oldDoc.verdict, new: newDoc.verdict, change: verdictChange(oldDoc.verdict, newDoc.verdict), history: docs.map((d) => d.verdict) };
  const load = diffLoad(oldDoc, newDoc, options);
  const regressions: Regression[] = [
    ...checks.new_failures.map((c): Regression => ({ kind: 'new-failure', message: `${c.id} fails (${c.old === 'absent' ? 'a check OLD did not have' : `was ${c.old}`})` })),
    ...(verdict.change === 'worse' ? [{ kind: 'verdict' as const, message: `verdict ${verdict.old} → ${verdict.new}` }] : []),
    ...load.entries.filter((e) => e.result === 'regression').map((e): Regression => ({
      kind: 'latency', message: `${e.scenario}/${e.endpoint} p95 ${e.old_ms} → ${e.new_ms} ms (+${e.delta_ms} ms${e.delta_pct === null ? '' : `, +${e.delta_pct}%`})`,
    })),
  ];
  return {
    tool: 'jobcert-diff', format: 1,
    runs: inputs.map((r, i) => runRef(r, labels[i] as string)),
    verdict, checks, load,
    rate_limit: diffRateLimit(docs, labels),
    warnings: diffWarnings(docs, labels),
    regressions, regressed: regressions.length > 0,
  };
}
