/**
 * Checks compared between OLD and NEW (the last two runs), and over every
 * run for flapping. "Failing" is `fail`: an `error` or `skip` judged nothing,
 * so a check that failed and now errors is unobserved, not fixed.
 */
import type { CheckResult, Compliance } from '../results.js';
import type { CheckChange, CheckDiff, FlappingCheck, Presence } from './model.js';

/** Two changes at least: one change is a fix or a regression, a flap comes back. */
const FLAP_CHANGES = 2;

const byId = (doc: Compliance): Map<string, CheckResult> => {
  const m = new Map<string, CheckResult>();
  for (const c of doc.checks) if (!m.has(c.id)) m.set(c.id, c);
  return m;
};

/** Every check id of the runs, NEW's order first, then those only earlier runs had. */
function allIds(maps: readonly Map<string, CheckResult>[]): string[] {
  const ids = new Set<string>();
  for (const m of [...maps].reverse()) for (const id of m.keys()) ids.add(id);
  return [...ids];
}

function changesIn(history: readonly Presence[]): number {
  const seen = history.filter((p) => p !== 'absent');
  return seen.slice(1).filter((p, i) => p !== seen[i]).length;
}

export function diffChecks(docs: readonly Compliance[]): CheckDiff {
  const maps = docs.map(byId);
  const oldMap = maps[maps.length - 2] ?? new Map<string, CheckResult>();
  const newMap = maps[maps.length - 1] ?? new Map<string, CheckResult>();
  const out: CheckDiff = { new_failures: [], fixed: [], unobserved: [], still_failing: [], new_checks: [], removed: [], changed: [], flapping: [], flapping_judged: docs.length >= 3, unchanged: 0 };
  for (const id of allIds(maps)) {
    const history: Presence[] = maps.map((m) => m.get(id)?.status ?? 'absent');
    const o = oldMap.get(id);
    const n = newMap.get(id);
    const latest = n ?? o ?? maps.map((m) => m.get(id)).reverse().find((c) => c !== undefined);
    if (!latest) continue;
    const before: Presence = o?.status ?? 'absent';
    const now: Presence = n?.status ?? 'absent';
    const finding = (now === 'fail' ? n?.finding : undefined) ?? (before === 'fail' ? o?.finding : undefined);
    const change: CheckChange = {
      id, title: latest.title, rule_ids: latest.rule_ids, level: latest.level, old: before, new: now, history,
      message: latest.message, ...(finding ? { finding } : {}),
    };
    if (out.flapping_judged) {
      const changes = changesIn(history);
      if (changes >= FLAP_CHANGES) out.flapping.push({ id, title: latest.title, rule_ids: latest.rule_ids, history, changes } satisfies FlappingCheck);
    }
    if (before === 'absent' && now === 'absent') continue;
    if (now === 'fail') (before === 'fail' ? out.still_failing : out.new_failures).push(change);
    else if (before === 'fail') (now === 'pass' ? out.fixed : out.unobserved).push(change);
    else if (before === 'absent') out.new_checks.push(change);
    else if (now === 'absent') out.removed.push(change);
    else if (before !== now) out.changed.push(change);
    else out.unchanged++;
  }
  return out;
}
