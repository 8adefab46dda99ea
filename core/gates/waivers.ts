/** Which failures a waiver covers, and how every report names it. */
import type { CheckResult } from '../results.js';
import type { Waiver } from './model.js';

/** The rule or check a waiver names. */
export const waiverSubject = (w: Waiver): string => w.rule ?? w.check ?? '?';

/** "waiver for AUTH-6 (owner alice) expired on 2025-01-31": the words every report uses. */
export const waiverExpiredLine = (w: Waiver): string => `waiver for ${waiverSubject(w)} (owner ${w.owner}) expired on ${w.expires}`;

/** "reason (owner, until date)": what JUnit's skipped message and the tables show. */
export const describeWaiver = (w: Waiver): string => `${w.reason} (${w.owner}, until ${w.expires})${w.target ? ` for ${w.target}` : ''}`;

/** `expires` is the last day a waiver or a baseline entry holds (UTC days compare as strings). */
export const isExpired = (expires: string | undefined, today: string): boolean => expires !== undefined && expires < today;

/** A URL without its trailing slash, scheme and host lower-cased and a default port dropped, so prefixes compare. */
function canonical(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
  } catch {
    return url.replace(/\/+$/, '');
  }
}

/** A waiver with a `target` holds for that origin or URL prefix only (a path prefix ends at a `/`). */
export function inScope(w: Waiver, target: string): boolean {
  if (w.target === undefined) return true;
  const prefix = canonical(w.target);
  const t = canonical(target);
  return t === prefix || t.startsWith(`${prefix}/`);
}

/**
 * A failure is covered by a waiver of its check, or of the rule its finding
 * names (of a rule it cites, when the finding names none); a check that could
 * not judge, only by a waiver of a rule it cites: a waiver excuses an unjudged
 * rule only when it names that rule.
 */
export function covers(w: Waiver, c: Pick<CheckResult, 'id' | 'status' | 'rule_ids' | 'finding'>): boolean {
  if (c.status === 'fail') {
    if (w.check !== undefined) return w.check === c.id;
    return c.finding?.rule !== undefined ? c.finding.rule === w.rule : w.rule !== undefined && c.rule_ids.includes(w.rule);
  }
  if (c.status === 'error') return w.rule !== undefined && c.rule_ids.includes(w.rule);
  return false;
}
