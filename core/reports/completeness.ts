/** How every report names the verdict and says what an incomplete run left unjudged. */
import type { Compliance } from '../results.js';
import { describeIncomplete, gatingUnjudged, type UnjudgedRule } from '../verdict.js';

export const VERDICT_TEXT: Record<Compliance['verdict'], string> = { pass: 'PASS', fail: 'FAIL', incomplete: 'INCOMPLETE', interrupted: 'INTERRUPTED' };
export const VERDICT_COLOR: Record<Compliance['verdict'], string> = { pass: '#1f7a44', fail: '#b3261e', incomplete: '#8a4b00', interrupted: '#8a6d00' };

/** Why the run is incomplete, a line each (empty when it is not). */
export function incompleteLines(doc: Compliance): string[] {
  return doc.completeness && doc.verdict === 'incomplete' ? describeIncomplete(doc.completeness) : [];
}

/** The rules the run left unjudged, gating or excused, for the reports' table; those left out on purpose are only named (`leftOut`). */
export function unjudgedRows(doc: Compliance): (UnjudgedRule & { gating: boolean })[] {
  if (!doc.completeness) return [];
  const gating = new Set(gatingUnjudged(doc.completeness).map((u) => u.rule));
  return doc.completeness.unjudged.filter((u) => u.excused !== 'selection').map((u) => ({ ...u, gating: gating.has(u.rule) }));
}

/** "18 rules left out by --only / --skip: ERR-1, …", or nothing. */
export function leftOutLine(doc: Compliance): string | undefined {
  const out = doc.completeness?.unjudged.filter((u) => u.excused === 'selection').map((u) => u.rule) ?? [];
  return out.length ? `${out.length} rules left out by --only / --skip: ${out.join(', ')}` : undefined;
}

export const EXCUSE_TEXT: Record<NonNullable<UnjudgedRule['excused']>, string> = {
  selection: 'left out on purpose', 'not-applicable': 'does not apply to this run', should: 'SHOULD: does not gate completeness', waiver: 'waived',
};

/** Why an unjudged rule does not gate, with the waiver's owner, reason and end when a waiver excused it. */
export function excuseText(u: Pick<UnjudgedRule, 'excused' | 'waived_by'>): string {
  const w = u.waived_by;
  return u.excused === 'waiver' && w ? `waived: ${w.reason} (${w.owner}, until ${w.expires})` : EXCUSE_TEXT[u.excused ?? 'should'];
}
