/**
 * CLI-6: at least 1 s between two reads of the same job (a retried read counts
 * as a read; a list read counts for every job it returns), no read after the
 * client was told the job is completed or failed, and no endless polling: a
 * job that never finishes is given up (at the latest after 30 minutes).
 */
import type { Observed } from '../traffic.js';
import { describe, Index, seconds, some, verdict, type Verdict } from './context.js';

const MIN_GAP_MS = 1000;
const TOLERANCE_MS = 5;
const MAX_POLLING_MS = 30 * 60 * 1000;
/** A job last read this recently when the client was stopped was still being polled. */
const STILL_POLLING_MS = 15_000;
const TERMINAL = new Set(['completed', 'failed']);

interface Read { r: Observed; status?: string }

export function gradeCli6(ix: Index): Verdict {
  const base = { id: 'cli.polling', rule: 'CLI-6', title: '' };
  const reads = new Map<string, Read[]>();
  const add = (job: string, read: Read): void => { reads.set(job, [...(reads.get(job) ?? []), read]); };
  for (const r of ix.records) {
    if (r.origin !== 'mock') continue;
    if (r.op === 'poll' && r.jobId) add(r.jobId, { r, ...(r.seen?.jobStatus && r.delivered?.status === 200 ? { status: r.seen.jobStatus } : {}) });
    if (r.op === 'list' && r.delivered?.status === 200) for (const j of r.seen?.jobs ?? []) add(j.id, { r, status: j.status });
  }
  if (reads.size === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: 'the client read no job', requests: [], injections: [], logLines: [] });

  const problems: string[] = [];
  const evidence: Observed[] = [];
  const notes: string[] = [];
  let gaps = 0;
  let minGap = Number.POSITIVE_INFINITY;
  const { run } = ix.input;
  for (const [job, list] of reads) {
    const tooSoon: string[] = [];
    for (let i = 1; i < list.length; i++) {
      const prev = (list[i - 1] as Read).r;
      const cur = (list[i] as Read).r;
      if (prev === cur) continue;
      const waited = cur.arrivedAt - (prev.closedSince ?? prev.endedAt ?? prev.arrivedAt);
      gaps++;
      minGap = Math.min(minGap, waited);
      if (waited < MIN_GAP_MS - TOLERANCE_MS) {
        tooSoon.push(`#${cur.seq} ${seconds(waited)} after #${prev.seq}`);
        if (tooSoon.length <= 2) evidence.push(prev, cur);
      }
    }
    if (tooSoon.length > 0) problems.push(`${job} read ${tooSoon.length} time(s) less than 1 s after the previous read: ${some(tooSoon, 2)}`);

    const terminal = list.find((x) => x.status !== undefined && TERMINAL.has(x.status) && x.r.outcome === 'answered');
    if (terminal) {
      const after = list.filter((x) => x.r.op === 'poll' && x.r.arrivedAt > (terminal.r.endedAt ?? terminal.r.arrivedAt));
      if (after.length > 0) {
        problems.push(`${job} was read ${after.length} more time(s) after ${describe(terminal.r)} said ${terminal.status}, first ${describe((after[0] as Read).r)}`);
        evidence.push(terminal.r, (after[0] as Read).r);
      }
      continue;
    }
    const first = (list[0] as Read).r;
    const last = (list[list.length - 1] as Read).r;
    const span = last.arrivedAt - first.arrivedAt;
    if (span > MAX_POLLING_MS) {
      problems.push(`${job} was polled for ${seconds(span)} (more than 30 minutes) without finishing`);
      evidence.push(first, last);
    } else if (run.stopped !== null && last.arrivedAt > run.endedAt - STILL_POLLING_MS) {
      const why = run.stopped === 'timeout' ? 'the client timeout stopped it' : run.stopped === 'interrupt' ? 'jobcert was interrupted' : 'the serve window ended';
      if (run.stopped !== 'timeout') {
        notes.push(`${job} was still being polled (${list.length} reads over ${seconds(span)}) when ${why}; whether it gives up within 30 minutes was not observed`);
      } else {
        problems.push(`${job} never finished and was still being polled (${list.length} reads over ${seconds(span)}, last ${describe(last)}) when ${why}: no sign of giving up`);
        evidence.push(first, last);
      }
    }
  }
  const injections = ix.instancesOf(['never-finishes', 'http-503', 'burst-5xx', 'retry-after-date']);
  if (problems.length > 0) return verdict(base.id, base.rule, base.title, { status: 'fail', message: `${problems.length} violation(s): ${some(problems)}`, requests: [...new Set(evidence.map((r) => r.seq))], injections, logLines: [], notes });
  const unfinished = [...reads.entries()].filter(([, list]) => !list.some((x) => x.status !== undefined && TERMINAL.has(x.status))).map(([job]) => job);
  if (notes.length > 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: `reads were ≥ 1 s apart and stopped at terminal states, but ${some(notes)}`, requests: [], injections, logLines: [], notes });
  return verdict(base.id, base.rule, base.title, {
    status: 'pass',
    message: `${reads.size} jobs read; ${gaps === 0 ? 'no job was read twice' : `${gaps} waits between reads of a job, all ≥ 1 s (shortest ${seconds(minGap)})`}; no read after a terminal state; ${unfinished.length} unfinished job(s) given up${unfinished.length ? ` (${unfinished.slice(0, 3).join(', ')})` : ''}`,
    requests: [], injections, logLines: [], notes,
  });
}
