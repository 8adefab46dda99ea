/**
 * The baseline: what became of each known failure in a run, and the file
 * --baseline-update writes from it (entries still failing keep their reason,
 * ticket, expiry and first_seen; new failures are added; fixed ones dropped;
 * those the run could not observe kept as they were).
 */
import type { CheckResult } from '../results.js';
import type { Baseline, BaselineChange, BaselineEntry, BaselineOutcome } from './model.js';
import { failureText, signatureOf } from './signature.js';
import { isExpired } from './waivers.js';

export const baselineExpiredLine = (e: Pick<BaselineEntry, 'check' | 'expires'>): string => `baseline entry for ${e.check} expired on ${e.expires}`;

/** The entry a failed check matches: the same check failing with the same signature. */
export const entryFor = (entries: readonly BaselineEntry[], c: CheckResult): BaselineEntry | undefined => {
  if (c.status !== 'fail') return undefined;
  const signature = c.gate?.signature ?? signatureOf(c);
  return entries.find((e) => e.check === c.id && e.signature === signature);
};

/** What the run says of one entry: failed again (known, or expired), judged and did not fail so (fixed), or not judged (unobserved). */
export function outcomeOf(e: BaselineEntry, checks: readonly CheckResult[], today: string): BaselineOutcome {
  const c = checks.find((x) => x.id === e.check);
  const state = (s: BaselineOutcome['state'], detail: string): BaselineOutcome => ({ ...e, state: s, detail });
  if (c && entryFor([e], c)) return isExpired(e.expires, today) ? state('expired', baselineExpiredLine(e)) : state('known', 'failed again as recorded');
  if (!c) return state('unobserved', `${e.check} did not run (not selected, or not in this profile)`);
  if (c.status === 'pass') return state('fixed', `${e.check} passed`);
  if (c.status === 'fail') return state('fixed', `${e.check} fails differently now (signature ${c.gate?.signature ?? signatureOf(c)})`);
  return state('unobserved', `${e.check} could not judge: ${c.message.slice(0, 200)}`);
}

const byKey = (a: BaselineEntry, b: BaselineEntry): number => a.check.localeCompare(b.check) || a.signature.localeCompare(b.signature);
const label = (e: Pick<BaselineEntry, 'check' | 'signature'>): string => `${e.check} [${e.signature}]`;

/**
 * The baseline after this run. A waived failure is not added: the waiver's
 * end must still gate. The entries are sorted so the file diffs well.
 */
export function updatedBaseline(previous: Baseline | undefined, outcomes: readonly BaselineOutcome[], checks: readonly CheckResult[], today: string): { baseline: Baseline; change: Omit<BaselineChange, 'written'> } {
  const kept: BaselineEntry[] = [];
  const dropped: string[] = [];
  for (const { state, detail: _detail, ...entry } of outcomes) {
    if (state === 'fixed') { dropped.push(label(entry)); continue; }
    const c = checks.find((x) => x.id === entry.check);
    kept.push(state === 'unobserved' || !c ? entry : { ...entry, rules: [...c.rule_ids], last_seen: today });
  }
  const added: BaselineEntry[] = checks
    .filter((c) => c.status === 'fail' && c.gate?.state !== 'waived' && !entryFor(kept, c))
    .map((c) => {
      const finding = failureText(c);
      return { check: c.id, rules: [...c.rule_ids], signature: c.gate?.signature ?? signatureOf(c), ...(finding ? { finding } : {}), first_seen: today, last_seen: today };
    });
  const baseline: Baseline = { ...(previous?.$schema ? { $schema: previous.$schema } : {}), baseline_version: 1, entries: [...kept, ...added].sort(byKey) };
  return { baseline, change: { added: added.map(label), dropped, kept: kept.length } };
}
