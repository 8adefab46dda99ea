/**
 * Rule coverage: every provider rule of SPEC §2 against the checks that cited
 * it and how each ended. A rule is `pass` when some check judged it and none
 * failed it, `fail` when a check failed it, and otherwise `unjudged` (gating:
 * a MUST rule nobody excused) or `excused` (left out on purpose, not
 * applicable, or a SHOULD rule). The overview of the HTML and Markdown
 * reports draws this matrix.
 */
import { PROVIDER_RULES, type Rule } from '../../contracts/rules.js';
import type { CheckResult, Compliance } from '../results.js';
import { gatingUnjudged, whyUnjudged } from '../verdict.js';

export type RuleState = 'pass' | 'fail' | 'unjudged' | 'excused';

export interface RuleCoverage {
  rule: Rule;
  state: RuleState;
  checks: { id: string; status: CheckResult['status'] }[];
  /** Why the rule went unjudged (and what would judge it), when it did. */
  why?: string;
}

export function ruleCoverage(doc: Compliance): RuleCoverage[] {
  const gating = new Set(doc.completeness ? gatingUnjudged(doc.completeness).map((u) => u.rule) : []);
  const unjudged = new Map((doc.completeness?.unjudged ?? []).map((u) => [u.rule, u]));
  return PROVIDER_RULES.map((rule) => {
    const checks = doc.checks.filter((c) => c.rule_ids.includes(rule.id)).map((c) => ({ id: c.id, status: c.status }));
    const failed = checks.some((c) => c.status === 'fail');
    const passed = checks.some((c) => c.status === 'pass');
    const u = unjudged.get(rule.id);
    const why = u ? whyUnjudged(u) : undefined;
    // Documents from before completeness was recorded: a rule no check judged is unjudged, gating when MUST.
    const state: RuleState = failed ? 'fail' : passed ? 'pass' : (doc.completeness ? gating.has(rule.id) : rule.level === 'must') ? 'unjudged' : 'excused';
    return { rule, state, checks, ...(why !== undefined ? { why } : {}) };
  });
}

/** pass/fail/error/skip per family, in report order. */
export function familyCounts(doc: Compliance): { family: string; pass: number; fail: number; error: number; skip: number }[] {
  return Object.entries(doc.summary.by_family).map(([family, n]) => ({ family, ...n }));
}
