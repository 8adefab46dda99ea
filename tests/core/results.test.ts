// checkResult is the one constructor of a CheckResult: family and level come
// from the id and the rules, never from the stage that builds it.
import { describe, expect, it } from 'vitest';
import { REPORT_FAMILIES, SELECTABLE_FAMILIES, familyRank } from '../../core/families.js';
import type { Exchange } from '../../core/exchange.js';
import { checkResult, withDerivedChecks } from '../../core/results.js';
import { FAMILIES } from '../../contracts/rules.js';

const exchange = (request_id: string): Exchange => ({ request: { method: 'GET', url: 'http://127.0.0.1:1/v1/jobs', headers: {} }, response: null, started_at: '', time_ms: 0, key: 'none', violations: [], request_id });

describe('checkResult', () => {
  it('takes the family from the id and fills what a stage left out', () => {
    expect(checkResult({ id: 'load.poll.ran', rules: [], title: 't', status: 'pass', message: 'm' })).toStrictEqual({
      id: 'load.poll.ran', rule_ids: [], family: 'LOAD', level: 'must', title: 't', status: 'pass', message: 'm',
      duration_ms: 0, requests: 0, evidence: [], request_ids: [], repro: null, notes: [],
    });
  });
  it.each([
    [['AUTH-6'], 'should'], [['AUTH-6', 'RATE-6'], 'should'], [['AUTH-6', 'AUTH-1'], 'must'], [[], 'must'], [['CLI-5'], 'should'], [['CLI-1'], 'must'], [['NOPE-1'], 'must'],
  ] as const)('rules %j are %s', (rules, level) => {
    expect(checkResult({ id: 'x.y', rules: [...rules], title: '', status: 'fail', message: '' }).level).toBe(level);
  });
  it('keeps what the stage gave, optional members only when given', () => {
    const evidence = [exchange('r1')];
    const c = checkResult({ id: 'cli.api-key', rules: ['CLI-1'], title: '', status: 'fail', message: '', evidence, requests: 3, repro: 'curl', notes: ['n'], injections: [{ id: 'i', condition: 'c', description: 'd', requests: [1] }] });
    expect(c).toMatchObject({ family: 'CLI', evidence, requests: 3, repro: 'curl', notes: ['n'], injections: [{ id: 'i' }] });
    expect(Object.keys(c)).not.toContain('blocked');
    expect(Object.keys(c)).not.toContain('log_lines');
  });
});

describe('families', () => {
  it("are the SPEC's, then FUZZ, SCHEMA, LIST, PACT, LOAD; selection and report order are the same list", () => {
    expect(REPORT_FAMILIES).toEqual([...FAMILIES, 'FUZZ', 'SCHEMA', 'LIST', 'PACT', 'LOAD']);
    expect(SELECTABLE_FAMILIES).toBe(REPORT_FAMILIES);
    expect(familyRank('CLI')).toBe(REPORT_FAMILIES.length);
  });
  it('order the checks of a run, stable within a family', () => {
    const c = (id: string) => checkResult({ id, rules: [], title: '', status: 'pass', message: '' });
    const ordered = withDerivedChecks([c('load.a'), c('pact.a'), c('auth.b'), c('fuzz.a'), c('auth.a')], { only: ['AUTH', 'FUZZ', 'PACT', 'LOAD'], skip: [] });
    expect(ordered.map((x) => x.id)).toEqual(['auth.b', 'auth.a', 'fuzz.a', 'pact.a', 'load.a']);
  });
});
