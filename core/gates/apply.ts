/**
 * The gates of a run: each failed check marked new, known (in the baseline),
 * waived or expired (`gate` on the check), the rules a waiver excuses for
 * completeness, and the `gates` section of compliance.json. A failure gates
 * only when it is new or what covered it has run out; a waiver excuses an
 * unjudged rule only when it names that rule (core/verdict.ts).
 */
import type { CheckResult } from '../results.js';
import type { Completeness } from '../verdict.js';
import { baselineExpiredLine, entryFor, outcomeOf } from './baseline.js';
import type { Baseline, CheckGate, Gates, Waiver, WaiverOutcome } from './model.js';
import { signatureOf } from './signature.js';
import { covers, inScope, isExpired, waiverExpiredLine, waiverSubject } from './waivers.js';

export interface GateInputs {
  baseline?: { file: string; doc: Baseline };
  waivers: readonly Waiver[];
  /** The run's target URL, for a waiver's `target`. */
  target: string;
  /** The run's day, UTC, YYYY-MM-DD. */
  today: string;
}

const mark = (e: NonNullable<ReturnType<typeof entryFor>>): NonNullable<CheckGate['baseline']> => ({
  first_seen: e.first_seen, last_seen: e.last_seen, ...(e.reason ? { reason: e.reason } : {}), ...(e.ticket ? { ticket: e.ticket } : {}), ...(e.expires ? { expires: e.expires } : {}),
});

function gateOf(c: CheckResult, g: GateInputs): CheckGate | undefined {
  const scoped = g.waivers.filter((w) => inScope(w, g.target) && covers(w, c));
  const waiver = scoped.find((w) => !isExpired(w.expires, g.today));
  const lapsed = scoped.find((w) => isExpired(w.expires, g.today));
  if (c.status === 'error') {
    if (waiver) return { state: 'waived', waiver };
    return lapsed ? { state: 'expired', waiver: lapsed, expired: waiverExpiredLine(lapsed) } : undefined;
  }
  if (c.status !== 'fail') return undefined;
  const signature = signatureOf(c);
  const entry = entryFor(g.baseline?.doc.entries ?? [], { ...c, gate: { state: 'new', signature } });
  const known = entry ? { baseline: mark(entry) } : {};
  if (waiver) return { state: 'waived', signature, ...known, waiver };
  if (entry && !isExpired(entry.expires, g.today)) return { state: 'known', signature, ...known };
  const why = [entry ? baselineExpiredLine(entry) : undefined, lapsed ? waiverExpiredLine(lapsed) : undefined].filter((l): l is string => l !== undefined);
  if (why.length > 0) return { state: 'expired', signature, ...known, ...(lapsed ? { waiver: lapsed } : {}), expired: why.join('; ') };
  return { state: 'new', signature };
}

/** Sets `gate` on every failed check (and every check that could not judge a waived rule) of a run's own results. */
export function markGates(checks: readonly CheckResult[], g: GateInputs): void {
  for (const c of checks) {
    const gate = gateOf(c, g);
    if (gate) c.gate = gate;
  }
}

/** The rules an in-force waiver of this run names: completeness excuses them when no check judged them. */
export function waivedRules(g: GateInputs): ReadonlyMap<string, Waiver> {
  const out = new Map<string, Waiver>();
  for (const w of g.waivers) if (w.rule && inScope(w, g.target) && !isExpired(w.expires, g.today) && !out.has(w.rule)) out.set(w.rule, w);
  return out;
}

function waiverOutcome(w: Waiver, checks: readonly CheckResult[], c: Completeness, g: GateInputs): WaiverOutcome {
  const subject = waiverSubject(w);
  if (!inScope(w, g.target)) return { ...w, state: 'unused', matched: [], detail: `holds for ${w.target}, not this run's target ${g.target}` };
  const failing = checks.filter((x) => covers(w, x)).map((x) => x.id);
  if (isExpired(w.expires, g.today)) {
    const rules = w.rule && c.unjudged.some((u) => u.rule === w.rule && u.excused === undefined) ? [w.rule] : [];
    const matched = [...failing, ...rules];
    return { ...w, state: 'expired', matched, detail: matched.length ? `${waiverExpiredLine(w)}: ${matched.join(', ')} gate${matched.length === 1 ? 's' : ''} again` : `${waiverExpiredLine(w)}; it matched nothing in this run` };
  }
  const mine = checks.filter((x) => x.gate?.state === 'waived' && x.gate.waiver === w).map((x) => x.id);
  const rules = c.unjudged.filter((u) => u.excused === 'waiver' && u.rule === w.rule && waivedRules(g).get(u.rule) === w).map((u) => u.rule);
  const matched = [...mine, ...rules];
  if (matched.length > 0) return { ...w, state: 'used', matched, detail: `covers ${matched.join(', ')}` };
  if (failing.length > 0) return { ...w, state: 'unused', matched, detail: `${failing.join(', ')} already covered by an earlier waiver` };
  return { ...w, state: 'unused', matched, detail: `matched nothing in this run: no failure of ${subject}${w.rule ? ' and no unjudged rule' : ''}` };
}

/** The `gates` section of compliance.json. */
export function gatesOf(checks: readonly CheckResult[], c: Completeness, g: GateInputs): Gates {
  const failures = { new: 0, known: 0, waived: 0, expired: 0 };
  for (const x of checks) if (x.status === 'fail' && x.gate) failures[x.gate.state]++;
  const outcomes = g.waivers.map((w) => waiverOutcome(w, checks, c, g));
  const count = (s: WaiverOutcome['state']): number => outcomes.filter((o) => o.state === s).length;
  const expired = [
    ...checks.flatMap((x) => (x.gate?.state === 'expired' && x.gate.expired ? [`${x.gate.expired} (${x.id} ${x.status === 'fail' ? 'fails' : 'could not judge'})`] : [])),
    ...outcomes.filter((o) => o.state === 'expired' && o.rule && o.matched.includes(o.rule)).map((o) => `${waiverExpiredLine(o)} (${o.rule} not judged)`),
  ];
  const out: Gates = { failures, waivers: { used: count('used'), unused: count('unused'), expired: count('expired'), outcomes }, expired };
  if (g.baseline) {
    const bo = g.baseline.doc.entries.map((e) => outcomeOf(e, checks, g.today));
    const n = (s: string): number => bo.filter((o) => o.state === s).length;
    out.baseline = { file: g.baseline.file, entries: bo.length, known: n('known'), expired: n('expired'), fixed: n('fixed'), unobserved: n('unobserved'), outcomes: bo };
  }
  return out;
}
