/**
 * CLI-4 (a retried POST repeats its first attempt's body and Idempotency-Key,
 * so a lost response causes no second job, start or charge) and CLI-5 (every
 * create and start carries an Idempotency-Key from its first attempt). CLI-4
 * also reads the mock's ledger: what the retries actually did.
 */
import type { Observed } from '../traffic.js';
import { describe, Index, sameBody, some, verdict, type Verdict } from './context.js';

const IDEMPOTENCY_KEY = /^[!-~]([ -~]*[!-~])?$/;
const isPost = (r: Observed): boolean => r.op === 'create' || r.op === 'start';
/** The engine did something new (not a replay, not a refusal). */
const tookEffect = (r: Observed): boolean => r.engine?.status === 200 && r.engine.headers['idempotent-replayed'] !== 'true';

export function gradeCli4(ix: Index): Verdict {
  const base = { id: 'cli.retry-identity', rule: 'CLI-4', title: '' };
  const retried = ix.chains().filter((c) => c.length > 1 && isPost(c[0] as Observed));
  const { ledger } = ix.input;
  const charged = new Map<string, number>();
  for (const c of ledger.charges) charged.set(c.jobId, (charged.get(c.jobId) ?? 0) + 1);
  const ledgerNote = `ledger: ${ledger.jobs.length} jobs, ${ledger.charges.length} charges, ${[...charged.values()].filter((n) => n > 1).length} jobs charged more than once`;
  if (retried.length === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: `no create or start was retried (${ledgerNote})`, requests: [], injections: [], logLines: [], notes: [ledgerNote] });

  const problems: string[] = [];
  const evidence: Observed[] = [];
  for (const chain of retried) {
    const first = chain[0] as Observed;
    for (const again of chain.slice(1)) {
      const diffs: string[] = [];
      if (!sameBody(again.body, first.body)) diffs.push('a different body');
      if (again.idempotencyKey !== first.idempotencyKey) diffs.push(`Idempotency-Key ${again.idempotencyKey === undefined ? 'none' : JSON.stringify(again.idempotencyKey)} instead of ${first.idempotencyKey === undefined ? 'none' : JSON.stringify(first.idempotencyKey)}`);
      if (diffs.length > 0) {
        problems.push(`${describe(again)} retried #${first.seq} with ${diffs.join(' and ')}`);
        evidence.push(first, again);
      }
    }
    // What the retries did, from the engine's side: a second job or start for one logical request.
    const effects = chain.filter(tookEffect);
    if (effects.length > 1) {
      const what = first.op === 'create' ? 'jobs' : 'starts';
      const charges = first.op === 'start' ? ledger.charges.filter((c) => effects.some((e) => e.engine?.requestId === c.requestId)).length : 0;
      problems.unshift(`one ${first.op} made ${effects.length} ${what} (${effects.map((e) => `#${e.seq}`).join(', ')})${charges > 1 ? `, ${charges} charges in the ledger` : ''}`);
      evidence.push(...effects);
    }
  }
  const injections = ix.injectionsOf(retried.flat());
  if (problems.length > 0) return verdict(base.id, base.rule, base.title, { status: 'fail', message: `${problems.length} violation(s): ${some(problems)}`, requests: [...new Set(evidence.map((r) => r.seq))], injections, logLines: [], notes: [ledgerNote] });
  const replays = retried.flat().filter((r) => r.engine?.headers['idempotent-replayed'] === 'true').length;
  return verdict(base.id, base.rule, base.title, {
    status: 'pass', message: `${retried.length} retried POSTs repeated their body and Idempotency-Key (${replays} answered as replays); no duplicate job, start or charge (${ledgerNote})`,
    requests: retried.map((c) => (c[0] as Observed).seq), injections, logLines: [], notes: [ledgerNote],
  });
}

export function gradeCli5(ix: Index): Verdict {
  const base = { id: 'cli.idempotency-key', rule: 'CLI-5', title: '' };
  const firsts = ix.chains().map((c) => c[0] as Observed).filter(isPost);
  if (firsts.length === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: 'the client sent no create or start', requests: [], injections: [], logLines: [] });
  const missing = firsts.filter((r) => r.idempotencyKey === undefined || r.idempotencyKey.length > 255 || !IDEMPOTENCY_KEY.test(r.idempotencyKey));
  if (missing.length > 0) {
    return verdict(base.id, base.rule, base.title, {
      status: 'fail', message: `${missing.length} of ${firsts.length} creates and starts had no valid Idempotency-Key on their first attempt: ${some(missing.map(describe))}`,
      requests: missing.map((r) => r.seq), injections: [], logLines: [],
    });
  }
  return verdict(base.id, base.rule, base.title, { status: 'pass', message: `all ${firsts.length} creates and starts carried an Idempotency-Key from their first attempt`, requests: [], injections: [], logLines: [] });
}
