// Release gates (issue 20): a baseline of known failures and waivers with an
// owner and an end. Unit tests over hand-made results; tests/certify/gates.test.ts
// runs certify with them.
import { describe, expect, it } from 'vitest';
import { checkResult, isGatingFailure, summarize, type CheckResult } from '../../core/results.js';
import { completeness, gatingUnjudged, verdictOf } from '../../core/verdict.js';
import { gatesOf, markGates, waivedRules, type GateInputs } from '../../core/gates/apply.js';
import { updatedBaseline } from '../../core/gates/baseline.js';
import type { BaselineEntry, Waiver } from '../../core/gates/model.js';
import { normalizeRequirement, signatureOf } from '../../core/gates/signature.js';
import { covers, inScope } from '../../core/gates/waivers.js';
import { renderMarkdown } from '../../core/reports/markdown.js';
import { renderJunit } from '../../core/reports/junit.js';
import { renderHtml } from '../../core/reports/html.js';
import { gateLines } from '../../core/reports/gates.js';
import { PROVIDER_RULES } from '../../contracts/rules.js';
import { transportSummary, type Compliance } from '../../core/results.js';

const TODAY = '2025-06-10';
const ALL = { only: [], skip: [] };
const TARGET = 'https://staging.example.com';

/** AUTH-6's failure as a run reports it, with what varies from run to run in its words. */
const challengeFails = (port: number, job: string): CheckResult => checkResult({
  id: 'auth.challenge', rules: ['AUTH-6'], title: '401 carries WWW-Authenticate', status: 'fail',
  message: `AUTH-6: a 401 carries WWW-Authenticate; GET http://127.0.0.1:${port}/v1/jobs/${job} at 2025-06-10T12:00:0${port % 10}Z had none`,
  finding: { rule: 'AUTH-6', requires: `a 401 carries WWW-Authenticate naming the X-Api-Key scheme (GET http://127.0.0.1:${port}/v1/jobs/${job}, request req_${job}, 3 tries)`, observed: `got ${port} headers` },
});
const healthFails = (): CheckResult => checkResult({
  id: 'auth.health-open', rules: ['AUTH-5'], title: '/health needs no key', status: 'fail', message: 'AUTH-5: /health answers without a key; got 401',
  finding: { rule: 'AUTH-5', requires: '/health answers 200 without a key', observed: 'got 401' },
});
const passing = (id: string, rule: string): CheckResult => checkResult({ id, rules: [rule], title: id, status: 'pass', message: 'passed' });
const skipped = (id: string, rule: string, message: string): CheckResult => checkResult({ id, rules: [rule], title: id, status: 'skip', message });
/** One passing check per provider rule but those given. */
const judgedBut = (...rules: string[]): CheckResult[] => PROVIDER_RULES.filter((r) => !rules.includes(r.id)).map((r) => passing(`${r.family.toLowerCase()}.x-${r.id}`, r.id));

const entry = (c: CheckResult, more: Partial<BaselineEntry> = {}): BaselineEntry => ({ check: c.id, rules: c.rule_ids, signature: signatureOf(c), first_seen: '2025-05-01', last_seen: '2025-06-01', ...more });
const waiver = (more: Partial<Waiver>): Waiver => ({ reason: 'fix in v2', owner: 'team-auth', expires: '2025-07-01', ...more });
const inputs = (more: Partial<GateInputs>): GateInputs => ({ waivers: [], target: TARGET, today: TODAY, ...more });
const gated = (checks: CheckResult[], g: GateInputs): CheckResult[] => { markGates(checks, g); return checks; };

describe('the signature of a failure', () => {
  it('is the same for the same fault on two runs: ids, times, ports, request ids and counts are taken out, the message and what came back ignored', () => {
    const a = challengeFails(53121, 'job_01HX7Z9K2M');
    const b = challengeFails(40007, 'job_01HZZQ4T8B');
    expect(a.message).not.toBe(b.message);
    expect(signatureOf(a)).toBe(signatureOf(b));
    expect(signatureOf(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(normalizeRequirement(a.finding!.requires)).toBe('a <n> carries WWW-Authenticate naming the X-Api-Key scheme (GET http://<n>/v<n>/jobs/<id>, request <id>, <n> tries)');
    expect(normalizeRequirement('at 2025-06-10T12:00:00.123Z, Tue, 10 Jun 2025 12:00:00 GMT, id 3f2a1c9e-0b7d-4c1e-9a55-1d2e3f4a5b6c')).toBe('at <time>, <time>, id <id>');
  });

  it('differs for another rule, another requirement or another check', () => {
    const a = challengeFails(1, 'job_1');
    expect(signatureOf({ ...a, finding: { ...a.finding!, rule: 'AUTH-2' } })).not.toBe(signatureOf(a));
    expect(signatureOf({ ...a, finding: { ...a.finding!, requires: 'a 401 carries a body' } })).not.toBe(signatureOf(a));
    expect(signatureOf({ ...a, id: 'auth.other' })).not.toBe(signatureOf(a));
  });
});

describe('the gate of each failure', () => {
  it('without a baseline entry or waiver a failure is new and gates; with an entry it is known and does not', () => {
    const known = challengeFails(1, 'job_1');
    const [a, b] = gated([challengeFails(2, 'job_2'), healthFails()], inputs({ baseline: { file: 'b.json', doc: { baseline_version: 1, entries: [entry(known, { reason: 'vendor bug', ticket: 'JC-12' })] } } }));
    expect(a?.gate).toMatchObject({ state: 'known', baseline: { first_seen: '2025-05-01', reason: 'vendor bug', ticket: 'JC-12' } });
    expect(b?.gate).toMatchObject({ state: 'new' });
    expect([isGatingFailure(a!, true), isGatingFailure(b!, true)]).toEqual([false, true]);
  });

  it('an entry or a waiver past its expires gates again, by name', () => {
    const c = challengeFails(1, 'job_1');
    const [x] = gated([challengeFails(2, 'job_2')], inputs({ baseline: { file: 'b.json', doc: { baseline_version: 1, entries: [entry(c, { expires: '2025-06-09' })] } } }));
    expect(x?.gate).toMatchObject({ state: 'expired', expired: 'baseline entry for auth.challenge expired on 2025-06-09' });
    const [y] = gated([challengeFails(2, 'job_2')], inputs({ waivers: [waiver({ rule: 'AUTH-6', owner: 'x', expires: '2025-06-09' })] }));
    expect(y?.gate).toMatchObject({ state: 'expired', expired: 'waiver for AUTH-6 (owner x) expired on 2025-06-09' });
    expect(isGatingFailure(y!, true)).toBe(true);
    // Its last day still holds.
    const [z] = gated([challengeFails(2, 'job_2')], inputs({ waivers: [waiver({ rule: 'AUTH-6', expires: TODAY })] }));
    expect(z?.gate?.state).toBe('waived');
  });

  it('a waiver names a check, or the rule the finding names; with a target it holds for that origin or URL prefix only', () => {
    const c = challengeFails(1, 'job_1');
    expect(covers(waiver({ check: 'auth.challenge' }), c)).toBe(true);
    expect(covers(waiver({ rule: 'AUTH-6' }), c)).toBe(true);
    expect(covers(waiver({ rule: 'AUTH-5' }), c)).toBe(false);
    // A check citing two rules that failed on one: a waiver of the other does not cover it.
    expect(covers(waiver({ rule: 'IDEM-1' }), { ...c, rule_ids: ['IDEM-1', 'AUTH-6'] })).toBe(false);
    expect(inScope(waiver({ target: 'https://STAGING.example.com/' }), TARGET)).toBe(true);
    expect(inScope(waiver({ target: 'https://staging.example.com/v1' }), 'https://staging.example.com/v1/')).toBe(true);
    expect(inScope(waiver({ target: 'https://staging.example.com' }), 'https://staging.example.com.evil.test')).toBe(false);
    expect(inScope(waiver({ target: 'https://prod.example.com' }), TARGET)).toBe(false);
  });
});

describe('waivers and completeness', () => {
  const noAlt = (): CheckResult[] => [...judgedBut('AUTH-4'), skipped('auth.isolation', 'AUTH-4', 'needs --alt-api-key (a key of another account)')];

  it('a waiver naming the unjudged rule excuses it (waiver), and the otherwise incomplete run passes', () => {
    const g = inputs({ waivers: [waiver({ rule: 'AUTH-4', owner: 'alice', reason: 'no second account yet' })] });
    const checks = gated(noAlt(), g);
    const c = completeness(checks, ALL, {}, waivedRules(g));
    expect(c.unjudged.find((u) => u.rule === 'AUTH-4')).toMatchObject({ excused: 'waiver', waived_by: { owner: 'alice', reason: 'no second account yet', expires: '2025-07-01' } });
    expect(verdictOf(checks, c, false, false)).toBe('pass');
    expect(gatesOf(checks, c, g).waivers).toMatchObject({ used: 1, unused: 0, outcomes: [{ state: 'used', matched: ['AUTH-4'] }] });
  });

  it('a waiver naming another rule, an expired one, or one for another target does not, and is reported', () => {
    for (const w of [waiver({ rule: 'AUTH-6' }), waiver({ check: 'auth.isolation' }), waiver({ rule: 'AUTH-4', expires: '2025-01-01' }), waiver({ rule: 'AUTH-4', target: 'https://other.example.com' })]) {
      const g = inputs({ waivers: [w] });
      const checks = gated(noAlt(), g);
      const c = completeness(checks, ALL, {}, waivedRules(g));
      expect(gatingUnjudged(c).map((u) => u.rule), JSON.stringify(w)).toEqual(['AUTH-4']);
      expect(verdictOf(checks, c, false, false)).toBe('incomplete');
      const out = gatesOf(checks, c, g);
      expect(out.waivers.outcomes[0]?.state).toBe(w.expires === '2025-01-01' ? 'expired' : 'unused');
    }
    const g = inputs({ waivers: [waiver({ rule: 'AUTH-4', owner: 'bob', expires: '2025-01-01' })] });
    const checks = gated(noAlt(), g);
    expect(gatesOf(checks, completeness(checks, ALL, {}, waivedRules(g)), g).expired).toEqual(['waiver for AUTH-4 (owner bob) expired on 2025-01-01 (AUTH-4 not judged)']);
  });

  it('a check that could not judge is covered only by a waiver of a rule it cites, and then leaves the run finished', () => {
    const errored = checkResult({ id: 'rate.recovery', rules: ['RATE-3'], title: 't', status: 'error', message: 'out of time: the key stayed throttled' });
    const g = inputs({ waivers: [waiver({ rule: 'RATE-3' })] });
    const checks = gated([...judgedBut('RATE-3'), errored], g);
    const c = completeness(checks, ALL, {}, waivedRules(g));
    expect(c.unfinished_checks).toEqual([]);
    expect(verdictOf(checks, c, false, false)).toBe('pass');
    const byCheck = inputs({ waivers: [waiver({ check: 'rate.recovery' })] });
    const again = gated([...judgedBut('RATE-3'), { ...errored, gate: undefined }], byCheck);
    expect(verdictOf(again, completeness(again, ALL, {}, waivedRules(byCheck)), false, false)).toBe('incomplete');
  });
});

describe('the gates section and the verdict', () => {
  it('counts failures by gate, says what became of each entry and waiver, and only new or expired failures fail the run', () => {
    const known = challengeFails(1, 'job_1');
    const fixedOne = { ...healthFails(), id: 'auth.fixed-one' };
    const entries = [entry(known), entry(fixedOne), entry({ ...healthFails(), id: 'auth.not-run' }), entry({ ...healthFails(), id: 'auth.skipped' })];
    const g = inputs({ baseline: { file: 'b.json', doc: { baseline_version: 1, entries } }, waivers: [waiver({ check: 'auth.nothing', owner: 'carol' })] });
    const checks = gated([challengeFails(9, 'job_9'), passing('auth.fixed-one', 'AUTH-5'), skipped('auth.skipped', 'AUTH-5', 'needs --alt-api-key'), ...judgedBut()], g);
    const c = completeness(checks, ALL);
    const out = gatesOf(checks, c, g);
    expect(out.failures).toEqual({ new: 0, known: 1, waived: 0, expired: 0 });
    expect(out.baseline).toMatchObject({ entries: 4, known: 1, fixed: 1, unobserved: 2, expired: 0 });
    expect(out.baseline?.outcomes.map((o) => [o.check, o.state])).toEqual([['auth.challenge', 'known'], ['auth.fixed-one', 'fixed'], ['auth.not-run', 'unobserved'], ['auth.skipped', 'unobserved']]);
    expect(out.waivers.outcomes[0]).toMatchObject({ state: 'unused', detail: expect.stringMatching(/matched nothing/) });
    expect(verdictOf(checks, c, true, false)).toBe('pass');
    expect(summarize(checks, true).gating_failures).toBe(0);
    expect(gateLines({ gates: out })).toContain('unused waiver for auth.nothing (owner carol, until 2025-07-01): matched nothing in this run: no failure of auth.nothing');
    const withNew = gated([...checks.map((x) => ({ ...x, gate: undefined })), healthFails()], g);
    expect(verdictOf(withNew, completeness(withNew, ALL), true, false)).toBe('fail');
  });
});

describe('--baseline-update', () => {
  it('keeps reason, ticket, expires and first_seen of entries still failing, adds new failures, drops fixed ones, keeps unobserved ones; a waived failure is not added', () => {
    const known = challengeFails(1, 'job_1');
    const previous = { $schema: './baseline.schema.json', baseline_version: 1 as const, entries: [
      entry(known, { reason: 'vendor bug', ticket: 'JC-12', expires: '2025-09-01' }), entry({ ...healthFails(), id: 'auth.fixed-one' }), entry({ ...healthFails(), id: 'auth.not-run' }, { reason: 'keep me' }),
    ] };
    const g = inputs({ baseline: { file: 'b.json', doc: previous }, waivers: [waiver({ check: 'obs.waived' })] });
    const waived = checkResult({ id: 'obs.waived', rules: ['OBS-2'], title: 't', status: 'fail', message: 'OBS-2: …', finding: { rule: 'OBS-2', requires: 'x', observed: 'y' } });
    const checks = gated([challengeFails(7, 'job_7'), passing('auth.fixed-one', 'AUTH-5'), healthFails(), waived], g);
    const out = gatesOf(checks, completeness(checks, ALL), g);
    const { baseline, change } = updatedBaseline(previous, out.baseline!.outcomes, checks, TODAY);
    expect(baseline.$schema).toBe('./baseline.schema.json');
    expect(baseline.entries).toEqual([
      { check: 'auth.challenge', rules: ['AUTH-6'], signature: signatureOf(known), first_seen: '2025-05-01', last_seen: TODAY, reason: 'vendor bug', ticket: 'JC-12', expires: '2025-09-01' },
      { check: 'auth.health-open', rules: ['AUTH-5'], signature: signatureOf(healthFails()), finding: 'AUTH-5: /health answers <n> without a key', first_seen: TODAY, last_seen: TODAY },
      { ...entry({ ...healthFails(), id: 'auth.not-run' }, { reason: 'keep me' }) },
    ]);
    expect(change).toEqual({ added: [`auth.health-open [${signatureOf(healthFails())}]`], dropped: [`auth.fixed-one [${signatureOf({ ...healthFails(), id: 'auth.fixed-one' })}]`], kept: 2 });
  });
});

describe('the reports', () => {
  const g = inputs({ waivers: [waiver({ rule: 'AUTH-6', reason: 'header lands in v2', owner: 'team-auth' }), waiver({ rule: 'AUTH-2', owner: 'dave' })] });
  const checks = gated([challengeFails(1, 'job_1'), passing('auth.valid-key', 'AUTH-1')], g);
  const c = completeness(checks, { only: ['AUTH-6', 'AUTH-1'], skip: [] });
  const doc: Compliance = {
    tool: 'jobcert', version: '0.0.0', target: TARGET, profile: 'quick', strict: true, started_at: `${TODAY}T00:00:00.000Z`, duration_ms: 1,
    verdict: verdictOf(checks, c, true, false), completeness: c, summary: summarize(checks, true), clips: [], transport: transportSummary(checks), checks, gates: gatesOf(checks, c, g),
  };

  it('show a waived failure as waived with its reason, owner and end, and name the unused waiver, in Markdown, HTML and JUnit', () => {
    expect(doc.verdict).toBe('pass');
    const md = renderMarkdown(doc);
    expect(md).toMatch(/\*\*waived: header lands in v2 \(team-auth, until 2025-07-01\)\*\* — AUTH-6/);
    expect(md).toMatch(/^- unused waiver for AUTH-2 \(owner dave, until 2025-07-01\): matched nothing/m);
    const html = renderHtml(doc);
    expect(html).toContain('<span class="badge gate-waived">WAIVED</span>');
    expect(html).toContain('unused waiver for AUTH-2 (owner dave, until 2025-07-01)');
    const xml = renderJunit(doc);
    expect(xml).toContain('<skipped message="waived: header lands in v2 (team-auth, until 2025-07-01)"/>');
    expect(xml).toMatch(/<testcase name="waiver for AUTH-2 \(owner dave\)" classname="jobcert.GATES" time="0.000">\n {6}<skipped message="unused waiver: matched nothing/);
    expect(xml).toMatch(/<testsuites name="jobcert" tests="4" failures="0" errors="0" skipped="3"/);
  });
});
