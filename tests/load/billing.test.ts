// The post-load billing check as a pure function: the ledger of what the load
// did against the usage events the provider reports.
import { describe, expect, it } from 'vitest';
import { evaluateBilling } from '../../load/billing.js';
import { Ledger } from '../../load/ledger.js';

function ledger(): Ledger {
  const l = new Ledger();
  for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) l.created(id, 0);
  l.startSent('a', 1); l.startAnswered('a', 200);            // accepted
  l.startSent('b', 3); l.startAnswered('b', 429);            // throttled, then accepted on a retry
  l.startSent('b', 3); l.startAnswered('b', 200);
  l.startSent('c', 1); l.startAnswered('c', 429);            // throttled only
  l.startSent('d', 1); l.startAnswered('d', 503);            // no clear answer
  l.startSent('e', 1);                                       // still in flight when the load stopped
  return l;                                                  // f: never started
}
const charge = (job_id: string, credits: number) => ({ type: 'charge', job_id, credits });

describe('billing after the load', () => {
  it('the ledger keeps an accepted start accepted, counts in-flight starts as unsure', () => {
    const byId = Object.fromEntries(ledger().entries().map((e) => [e.jobId, e.outcome]));
    expect(byId).toEqual({ a: 'started', b: 'started', c: 'throttled', d: 'unsure', e: 'unsure', f: 'not-started' });
  });

  it('passes when each accepted start has one charge with its credits, unsure ones at most one, the rest none', () => {
    const r = evaluateBilling(ledger().entries(), [charge('a', 1), charge('b', 3), charge('d', 1), charge('other-job', 60)]);
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ jobs: 6, started: 2, unsure: 2, not_started: 2, charges: 3, credits: 5 });
  });

  it('IDEM-5: an accepted start charged twice, or not at all', () => {
    const r = evaluateBilling(ledger().entries(), [charge('a', 1), charge('a', 1)]);
    expect(r.problems.map((p) => [p.job_id, p.kind, p.rule])).toEqual([['a', 'charged-twice', 'IDEM-5'], ['b', 'not-charged', 'IDEM-5']]);
  });

  it('IDEM-1: a start retried with its Idempotency-Key charged twice', () => {
    const r = evaluateBilling(ledger().entries(), [charge('a', 1), charge('b', 3), charge('b', 3)]);
    expect(r.problems.map((p) => [p.job_id, p.kind, p.rule])).toEqual([['b', 'charged-twice', 'IDEM-1']]);
  });

  it('the credit formula: a charge with other credits than the body sent gives', () => {
    const r = evaluateBilling(ledger().entries(), [charge('a', 60), charge('b', 3)]);
    expect(r.problems).toEqual([expect.objectContaining({ job_id: 'a', kind: 'wrong-credits', rule: 'credits' })]);
  });

  it('RATE-5: a start answered 429 that ran anyway (its retry then gets 409) is charged without an accepted start', () => {
    const l = new Ledger();
    l.created('g', 1);
    l.startSent('g', 1); l.startAnswered('g', 429);
    l.startSent('g', 1); l.startAnswered('g', 409);
    expect(evaluateBilling(l.entries(), [charge('g', 1)]).problems).toEqual([expect.objectContaining({ job_id: 'g', kind: 'charged-without-start', rule: 'RATE-5' })]);
  });

  it('RATE-5: a throttled start that was charged; a never-started job that was; an unsure one charged twice', () => {
    const r = evaluateBilling(ledger().entries(), [charge('a', 1), charge('b', 3), charge('c', 1), charge('f', 1), charge('e', 1), charge('e', 1)]);
    expect(r.problems.map((p) => [p.job_id, p.kind, p.rule])).toEqual([['c', 'charged-without-start', 'RATE-5'], ['e', 'charged-twice', 'IDEM-5'], ['f', 'charged-without-start', 'IDEM-5']]);
  });
});
