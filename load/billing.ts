/**
 * The post-load billing check: the usage events of every key used, against
 * the ledger. An accepted start is charged exactly once with the formula's
 * credits (IDEM-5, IDEM-1, SPEC §1 Usage); a refused or throttled start is
 * charged nothing (RATE-5); a start with no clear answer at most once.
 */
import type { BillingProblem, BillingResult } from '../core/load-results.js';
import type { LedgerEntry } from './ledger.js';

export interface UsageEventLike { job_id?: unknown; credits?: unknown; type?: unknown }

/** Pure: `events` are every usage event of the keys involved; events of other jobs are ignored. */
export function evaluateBilling(entries: readonly LedgerEntry[], events: readonly UsageEventLike[]): BillingResult {
  const charges = new Map<string, number[]>();
  for (const e of events) {
    if (e.type !== undefined && e.type !== 'charge') continue;
    if (typeof e.job_id !== 'string') continue;
    const list = charges.get(e.job_id) ?? [];
    list.push(typeof e.credits === 'number' ? e.credits : Number.NaN);
    charges.set(e.job_id, list);
  }
  const problems: BillingProblem[] = [];
  let started = 0;
  let unsure = 0;
  let chargeCount = 0;
  let credits = 0;
  for (const job of entries) {
    const got = charges.get(job.jobId) ?? [];
    chargeCount += got.length;
    credits += got.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    if (job.outcome === 'started') {
      started++;
      const retried = job.starts > 1;
      if (got.length === 0) problems.push({ job_id: job.jobId, kind: 'not-charged', rule: 'IDEM-5', detail: 'its start was accepted but no charge event exists' });
      else if (got.length > 1) problems.push({ job_id: job.jobId, kind: 'charged-twice', rule: retried ? 'IDEM-1' : 'IDEM-5', detail: `${got.length} charge events for one accepted start${retried ? ` (${job.starts} start requests, the retries after a 429 with the same Idempotency-Key)` : ''}` });
      else if (job.credits !== undefined && got[0] !== job.credits) problems.push({ job_id: job.jobId, kind: 'wrong-credits', rule: 'credits', detail: `charged ${got[0]} credits, the formula gives ${job.credits}` });
    } else if (job.outcome === 'unsure') {
      unsure++;
      if (got.length > 1) problems.push({ job_id: job.jobId, kind: 'charged-twice', rule: 'IDEM-5', detail: `${got.length} charge events; its start got no clear answer, so at most one is allowed` });
    } else if (got.length > 0) {
      const why = job.outcome === 'throttled' ? 'every start of it was answered 429'
        : job.outcome === 'refused' ? `its start was refused with a 4xx${job.throttled > 0 ? ' after a 429 (the throttled start ran anyway)' : ''}` : 'it was never started';
      problems.push({ job_id: job.jobId, kind: 'charged-without-start', rule: job.throttled > 0 ? 'RATE-5' : 'IDEM-5', detail: `${got.length} charge event(s), but ${why}` });
    }
  }
  return { jobs: entries.length, started, unsure, not_started: entries.length - started - unsure, charges: chargeCount, credits, problems };
}
