/**
 * CLI-8: a 402 insufficient_credits and a failed job end that job's work with
 * an error the log shows; neither is retried as if transient (no new start of
 * the job, no new job for the source).
 */
import type { Observed } from '../traffic.js';
import { describe, Index, some, verdict, type Verdict } from './context.js';

export function gradeCli8(ix: Index): Verdict {
  const base = { id: 'cli.credits-and-failures', rule: 'CLI-8', title: '' };
  const { log } = ix.input;
  const firstPerJob = new Set<string>();
  // The first 402 per job (or source) is the one whose aftermath is judged; repeats are the aftermath.
  const refused = ix.records.filter((r) => r.origin === 'mock' && (r.op === 'start' || r.op === 'create') && r.delivered?.status === 402)
    .filter((r) => { const k = r.jobId ?? r.source ?? `#${r.seq}`; if (firstPerJob.has(k)) return false; firstPerJob.add(k); return true; });
  const failedReads = new Map<string, Observed>();
  for (const r of ix.records) if (r.op === 'poll' && r.jobId && r.seen?.jobStatus === 'failed' && r.outcome === 'answered' && !failedReads.has(r.jobId)) failedReads.set(r.jobId, r);
  if (refused.length === 0 && failedReads.size === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: 'no 402 and no failed job reached the client', requests: [], injections: [], logLines: [] });

  const problems: string[] = [];
  const evidence: Observed[] = [];
  const logLines: number[] = [];
  const unlogged: string[] = [];
  const endsWork = (cause: Observed, job: string | undefined, source: string | undefined, what: string): void => {
    const after = cause.endedAt ?? cause.arrivedAt;
    const again = ix.records.filter((r) => r.arrivedAt > after && ((r.op === 'start' && job !== undefined && r.jobId === job) || (r.op === 'create' && source !== undefined && r.source === source)));
    if (again.length > 0) {
      problems.push(`${what} was retried as if transient: ${again.length} more ${[...new Set(again.map((r) => r.op))].join('/')} request(s), first ${describe(again[0] as Observed)}`);
      evidence.push(cause, ...again.slice(0, 2));
    }
  };
  for (const r of refused) {
    endsWork(r, r.jobId, r.source, `the 402 ${describe(r)}`);
    const line = log.findAny([...(r.delivered?.requestId ? [r.delivered.requestId] : []), 'insufficient_credits', /insufficient/i], r.endedAt);
    if (line) logLines.push(line.n); else unlogged.push(`the 402 #${r.seq}`);
  }
  for (const [job, r] of failedReads) {
    endsWork(r, job, r.source, `the failed job ${job} (${describe(r)})`);
    const line = log.findAny([job], r.endedAt);
    if (line) logLines.push(line.n); else unlogged.push(`the failed job ${job}`);
  }
  const injections = ix.injectionsOf([...refused, ...failedReads.values()]).concat(ix.instancesOf(['insufficient-credits', 'failing-source']));
  const uniqueInjections = [...new Set(injections)];
  if (log.given && unlogged.length > 0) problems.push(`no log line shows ${some(unlogged)} (the log has ${log.lines.length} lines)`);
  if (problems.length > 0) return verdict(base.id, base.rule, base.title, { status: 'fail', message: `${problems.length} violation(s): ${some(problems)}`, requests: [...new Set(evidence.map((x) => x.seq))].concat(refused.map((x) => x.seq)), injections: uniqueInjections, logLines });
  const what = `${[refused.length ? `${refused.length} 402` : '', failedReads.size ? `${failedReads.size} failed job(s)` : ''].filter(Boolean).join(' and ')} ended their job's work without a retry`;
  if (!log.given) return verdict(base.id, base.rule, base.title, { status: 'skip', message: `${what}; whether the log shows them was not checked (no --client-log)`, requests: refused.map((x) => x.seq), injections: uniqueInjections, logLines: [] });
  return verdict(base.id, base.rule, base.title, { status: 'pass', message: `${what}, each shown in the log (lines ${logLines.join(', ')})`, requests: [...refused, ...failedReads.values()].map((x) => x.seq), injections: uniqueInjections, logLines });
}
