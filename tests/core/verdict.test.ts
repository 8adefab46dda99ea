// The verdict (issue 20): a run passes only when it judged what it claims. Unit
// tests over hand-made results; tests/certify/incomplete.test.ts runs certify.
import { describe, expect, it } from 'vitest';
import { checkResult, type CheckResult, type Status } from '../../core/results.js';
import { completeness, describeIncomplete, gatingUnjudged, verdictOf } from '../../core/verdict.js';
import { PROVIDER_RULES } from '../../contracts/rules.js';
import type { Exchange } from '../../core/exchange.js';

const ALL = { only: [], skip: [] };
/** One passing check per provider rule: a run that judged everything. */
const judgedAll = (): CheckResult[] => PROVIDER_RULES.map((r) => checkResult({ id: `${r.family.toLowerCase()}.x-${r.id}`, rules: [r.id], title: r.id, status: 'pass', message: 'ok' }));
const withStatus = (checks: CheckResult[], rule: string, status: Status, message: string): CheckResult[] =>
  checks.map((c) => (c.rule_ids.includes(rule) ? { ...c, status, message } : c));

describe('completeness and the verdict', () => {
  it('a run that judged every rule passes, with nothing unjudged', () => {
    const checks = judgedAll();
    const c = completeness(checks, ALL);
    expect(c.unjudged).toEqual([]);
    expect(verdictOf(checks, c, false, false)).toBe('pass');
  });

  it('a MUST rule skipped for a missing input makes the run incomplete, naming the input', () => {
    const checks = withStatus(judgedAll(), 'AUTH-4', 'skip', 'needs --alt-api-key (a key of another account)');
    const c = completeness(checks, ALL);
    expect(gatingUnjudged(c).map((u) => [u.rule, u.judge_with])).toEqual([['AUTH-4', '--alt-api-key (a key of another account)']]);
    expect(verdictOf(checks, c, false, false)).toBe('incomplete');
    expect(describeIncomplete(c).join('\n')).toMatch(/AUTH-4 \(MUST\) not judged: .*needs --alt-api-key/);
  });

  it('a rule left out by --skip or --only does not gate, and is said to be left out', () => {
    const checks = judgedAll().filter((c) => !c.rule_ids.includes('AUTH-4'));
    for (const selection of [{ only: [], skip: ['AUTH-4'] }, { only: ['RATE'], skip: [] }]) {
      const c = completeness(checks.filter((x) => selection.only.length === 0 || x.family === 'RATE'), selection);
      expect(c.unjudged.find((u) => u.rule === 'AUTH-4')?.excused).toBe('selection');
      expect(verdictOf(checks, c, false, false)).toBe('pass');
    }
  });

  it('a not-judged or out-of-time check leaves its rule unjudged; a failure elsewhere still makes the run fail', () => {
    let checks = withStatus(judgedAll(), 'RATE-3', 'error', 'out of time: the job did not finish');
    const c = completeness(checks, ALL);
    expect(gatingUnjudged(c).map((u) => u.rule)).toEqual(['RATE-3']);
    expect(gatingUnjudged(c)[0]?.judge_with).toMatch(/more time/);
    expect(c.unfinished_checks).toHaveLength(1);
    expect(verdictOf(checks, c, false, false)).toBe('incomplete');
    checks = withStatus(checks, 'AUTH-1', 'fail', 'AUTH-1: must answer 2xx; got 401');
    expect(verdictOf(checks, completeness(checks, ALL), false, false)).toBe('fail');
  });

  it('SHOULD rules and a rule whose condition is not met do not gate completeness', () => {
    let checks = withStatus(judgedAll(), 'AUTH-6', 'skip', 'skipped');
    checks = withStatus(checks, 'OBS-4', 'skip', 'needs --log-source (provider logs)');
    const c = completeness(checks, ALL, { 'OBS-4': 'no log source configured' });
    expect(c.unjudged.map((u) => [u.rule, u.excused])).toEqual([['AUTH-6', 'should'], ['OBS-4', 'not-applicable']]);
    expect(verdictOf(checks, c, false, false)).toBe('pass');
  });

  it('a run that judged nothing, or whose primary key got 401 everywhere, never passes', () => {
    const skipped = judgedAll().map((c) => ({ ...c, status: 'skip' as const }));
    expect(completeness(skipped, ALL).hollow).toMatch(/no check passed or failed/);
    expect(verdictOf([], completeness([], ALL), false, false)).toBe('incomplete');
    const refused: Exchange = { request: { method: 'GET', url: 'http://127.0.0.1:9/v1/jobs', headers: {} }, response: { status: 401, headers: {}, body: '{}' }, started_at: '', time_ms: 1, key: 'primary', violations: [] };
    // Only the rules of one family were selected, and every check "passed" on what it saw: still not a pass.
    const checks = judgedAll().map((c) => ({ ...c, evidence: [refused, refused, refused, refused, refused] }));
    const c = completeness(checks, ALL);
    expect(c.hollow).toMatch(/every request with the primary key got 401/);
    expect(verdictOf(checks, c, false, false)).toBe('incomplete');
  });

  it('an interrupt wins over everything', () => {
    expect(verdictOf(judgedAll(), completeness(judgedAll(), ALL), false, true)).toBe('interrupted');
  });
});
