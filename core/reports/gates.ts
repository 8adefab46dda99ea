/**
 * How every report (and the console) words the gates: a known or waived
 * failure is shown as such with its reason, owner and end; what ran out is
 * named ("baseline entry for auth.challenge expired on 2025-01-31"); unused
 * waivers and the baseline's fixed and unobserved entries are listed.
 */
import type { CheckGate, Gates } from '../gates/model.js';
import { describeWaiver, waiverSubject } from '../gates/waivers.js';
import type { CheckResult, Compliance } from '../results.js';

export const GATE_LABEL: Record<CheckGate['state'], string> = { new: 'new', known: 'known', waived: 'waived', expired: 'expired' };

/** A check's gate in words, or nothing when it has none. */
export function gateNote(c: Pick<CheckResult, 'gate'>): string | undefined {
  const g = c.gate;
  if (!g) return undefined;
  switch (g.state) {
    case 'known': {
      const b = g.baseline;
      const extra = [b?.ticket, b?.expires ? `until ${b.expires}` : undefined].filter(Boolean).join(', ');
      return `known failure (in the baseline since ${b?.first_seen ?? '?'}${extra ? `, ${extra}` : ''})${b?.reason ? `: ${b.reason}` : ''}`;
    }
    case 'waived': return g.waiver ? `waived: ${describeWaiver(g.waiver)}` : 'waived';
    case 'expired': return `gates again: ${g.expired ?? 'what covered it expired'}`;
    case 'new': return 'new failure';
  }
}

/** Does not gate: known or waived. */
export const isCovered = (c: Pick<CheckResult, 'gate'>): boolean => c.gate?.state === 'known' || c.gate?.state === 'waived';

/** The gates in a few lines: counts, what gates again, unused waivers, what --baseline-update did. */
export function gateLines(doc: Pick<Compliance, 'gates'>): string[] {
  const g: Gates | undefined = doc.gates;
  if (!g) return [];
  const f = g.failures;
  const lines = [`failures: ${f.new} new, ${f.known} known, ${f.waived} waived, ${f.expired} expired (only new and expired gate)`];
  if (g.baseline) {
    const b = g.baseline;
    lines.push(`baseline ${b.file}: ${b.entries} entries, ${b.known} known, ${b.expired} expired, ${b.fixed} fixed, ${b.unobserved} unobserved`);
  }
  for (const line of g.expired) lines.push(`gates again: ${line}`);
  const w = g.waivers;
  if (w.outcomes.length > 0) lines.push(`waivers: ${w.used} used, ${w.unused} unused, ${w.expired} expired`);
  for (const o of w.outcomes.filter((x) => x.state === 'unused')) lines.push(`unused waiver for ${waiverSubject(o)} (owner ${o.owner}, until ${o.expires}): ${o.detail}`);
  const u = g.baseline?.update;
  if (u) {
    lines.push(u.written
      ? `baseline ${g.baseline?.file} updated: ${u.added.length} added${u.added.length ? ` (${u.added.join(', ')})` : ''}, ${u.dropped.length} dropped as fixed${u.dropped.length ? ` (${u.dropped.join(', ')})` : ''}, ${u.kept} kept`
      : `baseline ${g.baseline?.file} not updated: ${u.why ?? 'nothing to write'}`);
  }
  return lines;
}

/** Each row of the reports' gate tables, as plain cells (each writer escapes them its own way). */
export function gateTables(doc: Pick<Compliance, 'gates' | 'checks'>): { title: string; head: string[]; rows: string[][] }[] {
  const g = doc.gates;
  if (!g) return [];
  const tables: { title: string; head: string[]; rows: string[][] }[] = [];
  const gated = doc.checks.filter((c) => c.gate);
  if (gated.length > 0) {
    tables.push({ title: 'Failures and the gates', head: ['check', 'rules', 'gate', 'signature', 'detail'],
      rows: gated.map((c) => [c.id, c.rule_ids.join(', ') || '—', GATE_LABEL[c.gate!.state], c.gate!.signature ?? '—', gateNote(c) ?? '']) });
  }
  if (g.baseline && g.baseline.outcomes.length > 0) {
    tables.push({ title: `Baseline entries (${g.baseline.file})`, head: ['check', 'signature', 'state', 'first seen', 'last seen', 'reason', 'ticket', 'expires', 'detail'],
      rows: g.baseline.outcomes.map((o) => [o.check, o.signature, o.state, o.first_seen, o.last_seen, o.reason ?? '—', o.ticket ?? '—', o.expires ?? '—', o.detail]) });
  }
  if (g.waivers.outcomes.length > 0) {
    tables.push({ title: 'Waivers', head: ['waiver', 'owner', 'reason', 'expires', 'target', 'state', 'detail'],
      rows: g.waivers.outcomes.map((o) => [waiverSubject(o), o.owner, o.reason, o.expires, o.target ?? 'every target', o.state, o.detail]) });
  }
  return tables;
}
