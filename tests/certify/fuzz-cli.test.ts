// The FUZZ family through the real command line: a clean run passes with its
// seed and case counts in the reports; a run against a fuzz-only fault fails
// with the minimal counterexample, its curl and its replay command in all four
// formats; the replay command runs exactly that case again; bad replay
// arguments are one-line usage errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS } from '../../mocks/engine/accounts.js';
import { FUZZ_CHECKS } from '../../suites/fuzz/catalogue.js';
import { runCertify, type CertifyRun } from './run-certify.js';

const read = (run: CertifyRun, file: string): string => readFileSync(join(run.out, file), 'utf8');
const MINIMAL = /\{"composition":\{"foreground":\{"offset":\{"y":-?7681\}\}\}\}/;

describe('jobcert certify --only FUZZ', () => {
  let clean: CertifyRun;
  let faulty: CertifyRun;

  beforeAll(async () => {
    [clean, faulty] = await Promise.all([
      runCertify(['--only', 'FUZZ', '--seed', '5', '--quiet']),
      runCertify(['--only', 'FUZZ', '--seed', '5', '--mock-fault', 'val-offset-y-off-by-one', '--mock-transport', 'msw']),
    ]);
  }, 240_000);

  it('passes the clean mock over HTTP: every FUZZ check, each with its seed and case count, at least 300 cases in all', () => {
    expect(clean.code, clean.stderr).toBe(0);
    const fuzz = clean.doc!.checks.filter((c) => c.family === 'FUZZ');
    expect(fuzz.map((c) => c.id).sort()).toEqual([...FUZZ_CHECKS].sort());
    expect(fuzz.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    const cases = fuzz.map((c) => Number(/fast-check seed 5: (\d+) cases/.exec(c.notes.join(' '))?.[1] ?? 0));
    expect(cases.every((n) => n > 0), cases.join()).toBe(true);
    expect(cases.reduce((a, b) => a + b, 0), 'the quick profile').toBeGreaterThanOrEqual(300);
    console.log(`clean --only FUZZ: ${cases.reduce((a, b) => a + b, 0)} cases, ${clean.doc!.summary.requests} requests, ${(clean.doc!.duration_ms / 1000).toFixed(1)} s`);
  });

  it('fails on a fuzz-only fault with the minimal counterexample, its curl and its replay command, in all four reports', () => {
    expect(faulty.code).toBe(1);
    expect(faulty.stdout).toMatch(/fuzz seed 5 \(replay with --seed 5\)/);
    const check = faulty.doc!.checks.find((c) => c.id === 'fuzz.invalid')!;
    expect(check.status).toBe('fail');
    expect(check.message).toMatch(MINIMAL);
    expect(check.message).toMatch(/expected 400 invalid_request naming composition\.foreground\.offset\.y/);
    expect(check.repro).toMatch(/^curl .*\/start' -H "X-Api-Key: \$JOBCERT_ALT_API_KEY" .*--data-binary '\{"composition":\{"foreground":\{"offset":\{"y":-?7681\}\}\}\}'$/);
    expect(check.notes.join('\n')).toMatch(/replay exactly this case: jobcert certify --only FUZZ --seed 5 --fuzz-path fuzz\.invalid:[\d:]+/);
    const passed = faulty.doc!.checks.filter((c) => c.family === 'FUZZ' && c.status === 'pass');
    expect(passed.length, 'the other FUZZ checks pass').toBe(FUZZ_CHECKS.length - 1);
    const md = read(faulty, 'compliance.md');
    const html = read(faulty, 'compliance.html');
    const junit = read(faulty, 'junit.xml');
    const unescaped = (xml: string): string => xml.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    for (const [name, text] of [['compliance.md', md], ['junit.xml', unescaped(junit)], ['compliance.html', unescaped(html)]] as const) {
      expect(text, `${name}: the seed`).toMatch(/fast-check seed 5: \d+ cases/);
      expect(text, `${name}: the minimal counterexample`).toMatch(MINIMAL);
      expect(text, `${name}: the replay`).toMatch(/--fuzz-path fuzz\.invalid:/);
    }
    expect(md).toMatch(/^## FUZZ — 6\/7 passed/m);
    expect(junit).toMatch(/<testcase name="fuzz\.invalid \[VAL-1 VAL-2 VAL-3 VAL-4 ERR-1 ERR-2 ERR-3 OBS-2\]" classname="jobcert\.FUZZ"/);
    for (const file of ['compliance.json', 'compliance.md', 'compliance.html', 'junit.xml']) for (const a of DEFAULT_ACCOUNTS) expect(read(faulty, file).includes(a.key), `${file} has no key`).toBe(false);
  });

  it('--seed and --fuzz-path replay exactly that case; the other FUZZ checks are skipped, saying why', async () => {
    const path = /--fuzz-path (fuzz\.invalid:[\d:]+)/.exec(faulty.doc!.checks.find((c) => c.id === 'fuzz.invalid')!.notes.join('\n'))![1]!;
    const replay = await runCertify(['--only', 'FUZZ', '--seed', '5', '--fuzz-path', path, '--mock-fault', 'val-offset-y-off-by-one', '--mock-transport', 'msw', '--quiet']);
    expect(replay.code).toBe(1);
    const checks = replay.doc!.checks.filter((c) => c.family === 'FUZZ');
    const one = checks.find((c) => c.id === 'fuzz.invalid')!;
    expect(one.status).toBe('fail');
    expect(one.notes[0]).toMatch(/replayed the case at path/);
    expect(one.message.match(MINIMAL)?.[0]).toBe(faulty.doc!.checks.find((c) => c.id === 'fuzz.invalid')!.message.match(MINIMAL)?.[0]);
    expect(checks.filter((c) => c.id !== 'fuzz.invalid').map((c) => `${c.status}: ${c.message}`)).toEqual(Array(FUZZ_CHECKS.length - 1).fill('skip: --fuzz-path replays one case of fuzz.invalid only'));
  }, 120_000);

  it('a malformed --fuzz-path, or one without its --seed, is a one-line usage error', async () => {
    const [bad, unseeded] = await Promise.all([
      runCertify(['--only', 'FUZZ', '--seed', '1', '--fuzz-path', 'fuzz.nope:1:2'], { out: false }),
      runCertify(['--only', 'FUZZ', '--fuzz-path', 'fuzz.valid:1:2'], { out: false }),
    ]);
    expect([bad.code, unseeded.code]).toEqual([2, 2]);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--fuzz-path "fuzz\.nope:1:2": expected <check id>:<path>/);
    expect(unseeded.stderr).toMatch(/--fuzz-path needs the --seed/);
  });
});
