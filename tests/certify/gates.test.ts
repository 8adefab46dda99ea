// Release gates a team can live with (issue 20), through the real `jobcert
// certify`: with a baseline only new failures gate, a known one is listed;
// an expired baseline entry or waiver gates again by name; a waiver naming
// an unjudged rule lets an otherwise incomplete run pass, one naming another
// rule does not; an unused waiver is reported; --baseline-update keeps what
// people wrote; the same fault signs alike on two runs; bad files exit 2.
// In-process mock (msw) and one or two rules per run, so each run is short.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baseline, Waiver } from '../../core/gates/model.js';
import { DEFAULT_ACCOUNTS } from '../../mocks/engine/accounts.js';
import { createEngine, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { ROOT, runCertify, type CertifyRun } from './run-certify.js';

const dir = mkdtempSync(join(tmpdir(), 'jobcert-gates-'));
let n = 0;
const path = (name: string): string => join(dir, `${n++}-${name}`);
const writeJson = (name: string, value: unknown): string => { const p = path(name); writeFileSync(p, JSON.stringify(value, null, 2)); return p; };
const readJson = <T>(p: string): T => JSON.parse(readFileSync(p, 'utf8')) as T;
const report = (run: CertifyRun, file: string): string => readFileSync(join(run.out, file), 'utf8');
const day = (offset: number): string => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** AUTH-6 (SHOULD, so --strict) broken by auth-no-challenge: auth.challenge fails. */
const CHALLENGE = ['--mock-fault', 'auth-no-challenge', '--only', 'AUTH-6', '--strict', '--skip', 'FUZZ', '--mock-transport', 'msw', '--quiet'];
/** Two failures: auth.challenge (AUTH-6) and auth.health-open (AUTH-5). */
const TWO = ['--mock-fault', 'auth-no-challenge', '--mock-fault', 'auth-health-needs-key', '--only', 'AUTH-5,AUTH-6', '--strict', '--skip', 'FUZZ', '--mock-transport', 'msw', '--quiet'];

const validBaseline = (() => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajvFormats.default.default(ajv);
  return ajv.compile(readJson(join(ROOT, 'contracts/baseline.schema.json')));
})();
const validReport = (() => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajvFormats.default.default(ajv);
  return ajv.compile(readJson(join(ROOT, 'contracts/compliance.schema.json')));
})();
/** compliance.json against its schema, junit.xml against its XSD (xmllint, when installed). */
function expectValidReports(run: CertifyRun): void {
  expect(validReport(run.doc), JSON.stringify(validReport.errors?.slice(0, 3))).toBe(true);
  try { execFileSync('xmllint', ['--version'], { stdio: 'ignore' }); } catch { return; }
  execFileSync('xmllint', ['--noout', '--schema', join(ROOT, 'contracts/junit.xsd'), join(run.out, 'junit.xml')], { stdio: 'pipe' });
}

/** Both failures recorded by --baseline-update into a fresh file: the baseline the tests below edit. */
let recorded: Baseline;
beforeAll(async () => {
  const file = path('recorded.json');
  const run = await runCertify([...TWO, '--baseline', file, '--baseline-update']);
  expect(run.code, run.stderr).toBe(1);
  recorded = readJson<Baseline>(file);
  expect(recorded.entries.map((e) => e.check)).toEqual(['auth.challenge', 'auth.health-open']);
}, 120_000);

describe.concurrent('certify --baseline', () => {
  it('a known failure is listed and does not gate; a new one fails the run', async () => {
    const known = writeJson('known.json', { ...recorded, entries: recorded.entries.filter((e) => e.check === 'auth.challenge') });
    const run = await runCertify([...TWO, '--baseline', known]);
    expect(run.code, run.stdout).toBe(1);
    const gateOf = (id: string) => run.doc?.checks.find((c) => c.id === id)?.gate;
    expect(gateOf('auth.challenge')).toMatchObject({ state: 'known' });
    expect(gateOf('auth.health-open')).toMatchObject({ state: 'new' });
    expect(run.doc?.gates).toMatchObject({ failures: { new: 1, known: 1, waived: 0, expired: 0 }, baseline: { entries: 1, known: 1 } });
    expect(run.doc?.summary.gating_failures).toBe(1);
  }, 120_000);

  it('with every failure known the run passes, each shown as known in every report', async () => {
    const all = writeJson('all.json', recorded);
    const pass = await runCertify([...TWO, '--baseline', all]);
    expect(pass.code, pass.stdout).toBe(0);
    expect(pass.doc?.verdict).toBe('pass');
    expect(pass.stdout).toMatch(/gates: failures: 0 new, 2 known, 0 waived, 0 expired/);
    expect(report(pass, 'compliance.md')).toMatch(/\*\*known failure \(in the baseline since \d{4}-\d\d-\d\d\)\*\* — AUTH-6/);
    expect(report(pass, 'junit.xml')).toMatch(/<skipped message="known failure \(in the baseline since [^"]*\): AUTH-6: /);
    expect(report(pass, 'compliance.html')).toContain('<span class="badge gate-known">KNOWN</span>');
    expectValidReports(pass);
  }, 120_000);

  it('an expired baseline entry gates again, named in every report', async () => {
    const expired = writeJson('expired.json', { ...recorded, entries: recorded.entries.map((e) => (e.check === 'auth.challenge' ? { ...e, expires: '2020-01-31' } : e)) });
    const run = await runCertify([...TWO, '--baseline', expired]);
    expect(run.code, run.stdout).toBe(1);
    const line = 'baseline entry for auth.challenge expired on 2020-01-31';
    expect(run.doc?.checks.find((c) => c.id === 'auth.challenge')?.gate).toMatchObject({ state: 'expired', expired: line });
    expect(run.doc?.gates?.expired).toEqual([`${line} (auth.challenge fails)`]);
    expect(run.stdout).toContain(`gates again: ${line}`);
    expect(report(run, 'compliance.md')).toContain(`gates again: ${line}`);
    expect(report(run, 'compliance.html')).toContain(`gates again: ${line}`);
    expect(report(run, 'junit.xml')).toMatch(new RegExp(`<failure message="gates again: ${line}: AUTH-6`));
    expectValidReports(run);
  }, 120_000);

  it('--baseline-update keeps reason, ticket, expires and first_seen, drops what was fixed, keeps what was not observed, and says so', async () => {
    const file = writeJson('update.json', {
      ...recorded,
      entries: [
        ...recorded.entries.map((e) => (e.check === 'auth.challenge' ? { ...e, first_seen: '2025-01-02', reason: 'vendor bug', ticket: 'JC-12', expires: day(300) } : e)),
        { check: 'auth.isolation', rules: ['AUTH-4'], signature: '0123456789abcdef', first_seen: '2025-01-02', last_seen: '2025-01-03', reason: 'not run here' },
      ],
    });
    // auth-health-needs-key is gone: auth.health-open passes (fixed); auth.isolation does not run (unobserved).
    const run = await runCertify([...CHALLENGE, '--only', 'AUTH-5,AUTH-6', '--baseline', file, '--baseline-update']);
    expect(run.code, run.stdout).toBe(0);
    const health = recorded.entries.find((e) => e.check === 'auth.health-open')!;
    expect(run.stdout).toContain(`baseline ${file} updated: 0 added, 1 dropped as fixed (auth.health-open [${health.signature}]), 2 kept`);
    expect(run.doc?.gates?.baseline?.outcomes.map((o) => [o.check, o.state])).toEqual([['auth.challenge', 'known'], ['auth.health-open', 'fixed'], ['auth.isolation', 'unobserved']]);
    const after = readJson<Baseline>(file);
    expect(validBaseline(after), JSON.stringify(validBaseline.errors)).toBe(true);
    const challenge = recorded.entries.find((e) => e.check === 'auth.challenge')!;
    expect(after.entries).toEqual([
      { ...challenge, first_seen: '2025-01-02', last_seen: run.doc!.started_at.slice(0, 10), reason: 'vendor bug', ticket: 'JC-12', expires: day(300) },
      { check: 'auth.isolation', rules: ['AUTH-4'], signature: '0123456789abcdef', first_seen: '2025-01-02', last_seen: '2025-01-03', reason: 'not run here' },
    ]);
    expect(report(run, 'compliance.md')).toMatch(/updated: 0 added, 1 dropped as fixed/);
  }, 120_000);

  it('the same fault signs alike on two runs, in-process and over loopback HTTP on a port of its own', async () => {
    const [msw, http] = await Promise.all([runCertify(CHALLENGE), runCertify([...CHALLENGE.filter((a) => a !== 'msw' && a !== '--mock-transport'), '--baseline', writeJson('http.json', recorded)])]);
    expect(http.code, http.stdout).toBe(0);
    const signature = recorded.entries.find((e) => e.check === 'auth.challenge')?.signature;
    expect(http.doc?.checks.find((c) => c.id === 'auth.challenge')?.gate).toEqual({ state: 'known', signature, baseline: expect.any(Object) });
    expect(msw.code).toBe(1);
    expect(msw.doc?.checks[0]?.gate, 'no baseline, no waivers: no gate on the checks').toBeUndefined();
    expect(msw.doc?.gates).toBeUndefined();
  }, 120_000);
});

describe.concurrent('certify with waivers (config file)', () => {
  const config = (waivers: Partial<Waiver>[]): string => writeJson('jobcert.config.json', { waivers: waivers.map((w) => ({ reason: 'header lands in v2', owner: 'team-auth', expires: day(30), ...w })) });

  it('a waived failure does not gate and is shown waived everywhere; an unused waiver is reported everywhere', async () => {
    const run = await runCertify([...CHALLENGE, '--config', config([{ rule: 'AUTH-6' }, { check: 'auth.isolation', owner: 'alice' }])]);
    expect(run.code, run.stdout).toBe(0);
    const until = day(30);
    expect(run.doc?.checks.find((c) => c.id === 'auth.challenge')?.gate).toEqual({ state: 'waived', signature: expect.stringMatching(/^[0-9a-f]{16}$/), waiver: { rule: 'AUTH-6', reason: 'header lands in v2', owner: 'team-auth', expires: until } });
    expect(run.doc?.gates?.waivers).toMatchObject({ used: 1, unused: 1, expired: 0 });
    const unused = `unused waiver for auth.isolation (owner alice, until ${until})`;
    expect(run.stdout).toContain(unused);
    expect(report(run, 'compliance.md')).toContain(`**waived: header lands in v2 (team-auth, until ${until})**`);
    expect(report(run, 'compliance.md')).toContain(unused);
    expect(report(run, 'compliance.html')).toContain('<span class="badge gate-waived">WAIVED</span>');
    expect(report(run, 'compliance.html')).toContain(unused);
    expect(report(run, 'junit.xml')).toContain(`<skipped message="waived: header lands in v2 (team-auth, until ${until})"/>`);
    expect(report(run, 'junit.xml')).toMatch(/<testcase name="waiver for auth.isolation \(owner alice\)" classname="jobcert.GATES" time="0.000">\n\s*<skipped message="unused waiver: matched nothing/);
    expectValidReports(run);
  }, 120_000);

  it('an expired waiver gates again, by name', async () => {
    const run = await runCertify([...CHALLENGE, '--config', config([{ rule: 'AUTH-6', owner: 'bob', expires: '2020-02-29' }])]);
    expect(run.code, run.stdout).toBe(1);
    const line = 'waiver for AUTH-6 (owner bob) expired on 2020-02-29';
    expect(run.stdout).toContain(`gates again: ${line}`);
    expect(run.doc?.gates?.waivers.outcomes[0]).toMatchObject({ state: 'expired', matched: ['auth.challenge'] });
    expect(report(run, 'junit.xml')).toContain(`<failure message="gates again: ${line}: AUTH-6`);
  }, 120_000);

  it('bad files: exit 2 with one clear line, before any request', async () => {
    const runs = await Promise.all([
      runCertify([...CHALLENGE, '--baseline', join(dir, 'missing.json')]),
      runCertify([...CHALLENGE, '--baseline', writeJson('bad.json', { baseline_version: 1, entries: [{ check: 'auth.challenge' }] })]),
      runCertify([...CHALLENGE, '--config', config([{ rule: 'AUTH-6', expires: day(91) }])]),
      runCertify([...CHALLENGE, '--baseline-update']),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(runs[0]?.stderr).toMatch(/^jobcert: --baseline .*missing\.json: no such file \(create it with --baseline-update, which records this run's failures\)\n$/);
    expect(runs[1]?.stderr).toMatch(/^jobcert: --baseline .*bad\.json: not a jobcert baseline \(contracts\/baseline\.schema\.json\): entries\[0\] \(auth\.challenge\) must have required property 'rules'\n$/);
    expect(runs[2]?.stderr).toMatch(new RegExp(`waiver 1 \\(AUTH-6\\) expires ${day(91)}, more than 90 days after today`));
    expect(runs[3]?.stderr).toMatch(/--baseline-update needs --baseline FILE/);
    for (const r of runs) expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});

// A provider run without --alt-api-key cannot judge AUTH-4 (tests/certify/incomplete.test.ts).
describe.concurrent('a waiver and an incomplete run', () => {
  let mock: RunningServer;
  beforeAll(async () => { mock = await startHttpServer(createEngine({})); });
  afterAll(async () => { await mock.close(); });
  const args = (config: string): string[] => ['--target', mock.url, '--api-key', DEFAULT_ACCOUNTS[0]!.key, '--video-url', 'https://media.example.com/v.mp4?duration=2', '--only', 'AUTH-4,AUTH-5', '--skip', 'FUZZ,PACT', '--quiet', '--config', config];
  const waive = (rule: string): string => writeJson('waive.json', { waivers: [{ rule, reason: 'no second account yet', owner: 'alice', expires: day(10) }] });

  it('a waiver naming the unjudged rule lets it pass, excused by the waiver', async () => {
    const run = await runCertify(args(waive('AUTH-4')));
    expect(run.code, run.stdout).toBe(0);
    expect(run.doc?.completeness?.unjudged.find((u) => u.rule === 'AUTH-4')).toMatchObject({ excused: 'waiver', waived_by: { owner: 'alice' } });
    expect(run.doc?.gates?.waivers.outcomes[0]).toMatchObject({ state: 'used', matched: ['AUTH-4'] });
    expect(report(run, 'compliance.md')).toMatch(/\| AUTH-4 \| must \| .* \| no: waived: no second account yet \(alice, until /);
    expectValidReports(run);
  }, 120_000);

  it('a waiver naming another rule does not: still incomplete, and the waiver is unused', async () => {
    const run = await runCertify(args(waive('AUTH-6')));
    expect(run.code, run.stdout).toBe(4);
    expect(run.stdout).toMatch(/AUTH-4 \(MUST\) not judged/);
    expect(run.stdout).toContain('unused waiver for AUTH-6 (owner alice');
  }, 120_000);
});
