/** CLI-1: every /v1 request carries X-Api-Key; after a 401 the same request is not sent again with the same key. */
import { describe, Index, isV1, some, verdict, type Verdict } from './context.js';

export function gradeCli1(ix: Index): Verdict {
  const v1 = ix.records.filter(isV1);
  const base = { id: 'cli.api-key', rule: 'CLI-1', title: 'every /v1 request carries X-Api-Key; a 401 is not sent again with the same key' } as const;
  if (v1.length === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: 'the client sent no /v1 request', requests: [], injections: [], logLines: [] });
  const keyless = v1.filter((r) => r.key === 'none');
  const unauthorized = v1.filter((r) => r.delivered?.status === 401);
  const repeats = unauthorized.flatMap((r) => ix.later(r).filter((l) => l.key === r.key).slice(0, 1).map((l) => ({ first: r, again: l })));
  const problems = [
    ...keyless.map((r) => `${describe(r)} carried no X-Api-Key`),
    ...repeats.map(({ first, again }) => `${describe(again)} repeated ${describe(first)} with the same key`),
  ];
  const evidence = [...keyless, ...repeats.flatMap(({ first, again }) => [first, again])];
  const injections = ix.injectionsOf(unauthorized);
  if (problems.length > 0) {
    return verdict(base.id, base.rule, base.title, { status: 'fail', message: `${problems.length} violation(s): ${some(problems)}`, requests: evidence.map((r) => r.seq), injections, logLines: [] });
  }
  const after401 = unauthorized.length > 0 ? `; ${unauthorized.length} request(s) answered 401 (${unauthorized.slice(0, 3).map((r) => `#${r.seq}`).join(', ')}) were not sent again with that key` : '; no 401 was answered, so the 401 clause was not exercised';
  return verdict(base.id, base.rule, base.title, { status: 'pass', message: `all ${v1.length} /v1 requests carried X-Api-Key${after401}`, requests: unauthorized.map((r) => r.seq), injections, logLines: [] });
}
