/**
 * The verdict of a certification, and the rules it leaves unjudged. A run
 * passes only when it judged what it claims: every MUST rule of SPEC §2 that
 * was not left out on purpose (--only, --skip) ended with a check that passed
 * or failed on it. A rule no check could judge (a missing input, `not judged`,
 * out of time) makes the run `incomplete` (exit 4), never `pass`, and is listed
 * with why and with the input that would judge it.
 */
import { PROVIDER_RULES, type Rule } from '../contracts/rules.js';
import { isGatingFailure, selects, type CheckResult, type Selection } from './results.js';
import type { Waiver } from './gates/model.js';

export type Verdict = 'pass' | 'fail' | 'incomplete' | 'interrupted';

export interface UnjudgedRule {
  rule: string;
  level: Rule['level'];
  /** Why no check judged it: the skip or not-judged messages of the checks that cite it. */
  why: string;
  /** What a run needs to judge it (a flag, more time), when the checks said. */
  judge_with: string | null;
  /**
   * Set when the rule does not gate: left out on purpose (`selection`), a
   * condition of the rule itself not met (`not-applicable`, OBS-4 without a log
   * source), a SHOULD rule (only MUST rules gate completeness), or a waiver of
   * the config file that names the rule (`waiver`, then `waived_by` says whose).
   */
  excused?: 'selection' | 'not-applicable' | 'should' | 'waiver';
  waived_by?: Pick<Waiver, 'owner' | 'reason' | 'expires'>;
}

export interface Completeness {
  /** Every provider rule no check judged, gating or not. */
  unjudged: UnjudgedRule[];
  /** Gating checks that ended without a verdict (`error`): the run cannot vouch for what they were to judge. */
  unfinished_checks: string[];
  /** Set when the run as a whole judged nothing usable, whatever the rules say. */
  hollow?: string;
}

/** What the run's settings leave out of a rule by SPEC's own words (OBS-4 is a MUST only "when a log source is configured"). */
export type NotApplicable = Readonly<Record<string, string>>;

const judged = (c: CheckResult): boolean => c.status === 'pass' || c.status === 'fail';

/** "needs --alt-api-key (a key of another account)" → "--alt-api-key (a key of another account)". */
function inputFrom(messages: readonly string[]): string | null {
  const needs = messages.flatMap((m) => [...m.matchAll(/needs (--[a-z-]+(?: \([^)]*\))?)/g)].map((x) => x[1] as string));
  if (needs.length > 0) return [...new Set(needs)].join('; ');
  if (messages.some((m) => /^(unfinished|not run|out of time)\b/.test(m))) return 'more time: a longer --max-duration or --job-timeout';
  return null;
}

/** `waived`: the rules an in-force waiver names (core/gates/apply.ts waivedRules); only a waiver naming a rule excuses it. */
export function completeness(checks: readonly CheckResult[], selection: Selection, notApplicable: NotApplicable = {}, waived: ReadonlyMap<string, Waiver> = new Map()): Completeness {
  const unjudged: UnjudgedRule[] = [];
  for (const rule of PROVIDER_RULES) {
    const citing = checks.filter((c) => c.rule_ids.includes(rule.id));
    if (citing.some(judged)) continue;
    const messages = citing.map((c) => c.message);
    const selected = selects(selection, rule.family, [rule.id]);
    const why = !selected ? 'left out by --only / --skip'
      : notApplicable[rule.id] ?? (citing.length === 0 ? 'no check of this run cites it' : [...new Set(citing.map((c) => `${c.id}: ${c.message}`))].slice(0, 3).join('; '));
    const waiver = waived.get(rule.id);
    const excused = !selected ? 'selection' as const : notApplicable[rule.id] !== undefined ? 'not-applicable' as const : rule.level === 'should' ? 'should' as const : waiver ? 'waiver' as const : undefined;
    const waivedBy = excused === 'waiver' && waiver ? { waived_by: { owner: waiver.owner, reason: waiver.reason, expires: waiver.expires } } : {};
    unjudged.push({ rule: rule.id, level: rule.level, why, judge_with: selected ? inputFrom(messages) : null, ...(excused ? { excused } : {}), ...waivedBy });
  }
  // A check a waiver of one of its rules covers does not leave the run unfinished.
  const unfinished_checks = checks.filter((c) => c.status === 'error' && c.level === 'must' && c.gate?.state !== 'waived').map((c) => c.id);
  const out: Completeness = { unjudged, unfinished_checks };
  const hollow = hollowness(checks);
  if (hollow) out.hollow = hollow;
  return out;
}

/** A run that judged nothing, or whose keyed requests were all refused, says nothing about the provider. */
function hollowness(checks: readonly CheckResult[]): string | undefined {
  if (!checks.some(judged)) return checks.length === 0 ? 'no check ran' : 'no check passed or failed: every one was skipped or could not judge';
  const keyed = checks.flatMap((c) => c.evidence).filter((e) => e.key === 'primary' && e.response !== null);
  if (keyed.length >= 5 && keyed.every((e) => e.response?.status === 401)) return `every request with the primary key got 401 (${keyed.length} recorded): the key is not accepted, so nothing behind authentication was tested`;
  return undefined;
}

/** Rules that keep the run from passing: unjudged MUST rules nobody excused. */
export const gatingUnjudged = (c: Completeness): UnjudgedRule[] => c.unjudged.filter((u) => u.excused === undefined);

export function verdictOf(checks: readonly CheckResult[], c: Completeness, strict: boolean, interrupted: boolean): Verdict {
  if (interrupted) return 'interrupted';
  if (checks.some((x) => x.status === 'fail' && isGatingFailure(x, strict))) return 'fail';
  if (c.hollow || gatingUnjudged(c).length > 0 || checks.some((x) => x.status === 'error' && isGatingFailure(x, strict))) return 'incomplete';
  return 'pass';
}

/** Why a rule went unjudged and, unless the reason already names it, the input that would judge it. */
export const whyUnjudged = (u: UnjudgedRule): string => `${u.why}${u.judge_with && !u.why.includes(u.judge_with) ? `; to judge it: ${u.judge_with}` : ''}`;

/** One line for a console or a report: why the run is incomplete. */
export function describeIncomplete(c: Completeness): string[] {
  const lines: string[] = [];
  if (c.hollow) lines.push(c.hollow);
  for (const u of gatingUnjudged(c)) lines.push(`${u.rule} (MUST) not judged: ${whyUnjudged(u)}`);
  if (c.unfinished_checks.length > 0) lines.push(`checks that could not judge: ${c.unfinished_checks.join(', ')}`);
  return lines;
}
