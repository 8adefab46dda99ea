// `jobcert diff` as a user runs it, on two real certifications of the
// in-process mock: one with auth-no-challenge (AUTH-6 broken), one without.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffReport } from '../../core/diff/model.js';
import { ROOT, runCertify, type CertifyRun } from '../certify/run-certify.js';
import { COMPILED_CLI } from '../support/compiled-cli.js';

const ARGS = ['--only', 'AUTH-6', '--strict', '--skip', 'FUZZ', '--mock-transport', 'msw', '--quiet'];

function diff(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [COMPILED_CLI, 'diff', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let faulty: CertifyRun;
let clean: CertifyRun;
const scratch = mkdtempSync(join(tmpdir(), 'jobcert-diff-'));

beforeAll(async () => {
  [faulty, clean] = await Promise.all([runCertify(['--mock-fault', 'auth-no-challenge', ...ARGS]), runCertify(ARGS)]);
  expect(faulty.doc?.checks.find((c) => c.id === 'auth.challenge')?.status, faulty.stderr).toBe('fail');
  expect(clean.doc?.checks.find((c) => c.id === 'auth.challenge')?.status, clean.stderr).toBe('pass');
}, 120_000);
afterAll(() => {
  for (const d of [faulty?.out, clean?.out, scratch]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('jobcert diff OLD NEW', () => {
  it('the fault fixed (AUTH-6): Markdown on stdout, exit 0 with or without --fail-on regression', () => {
    const r = diff([faulty.out, clean.out, '--fail-on', 'regression']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^## jobcert diff: ❌ fail → ✅ pass\n/);
    expect(r.out).toContain('**No regressions.**');
    expect(r.out).toMatch(/### ✅ Fixed \(1\)\n\n\| check \| rules \| OLD → NEW \| NEW says \|\n\|---\|---\|---\|---\|\n\| `auth\.challenge` \| AUTH-6 \| ❌ fail → ✅ pass \|/);
    expect(r.out).toContain('> ⚠️ the embedded mock ran differently: OLD faults auth-no-challenge; NEW no fault');
  });

  it('the reverse (fix → fault) is a regression: --format json says so, --fail-on regression exits 1', () => {
    const plain = diff([join(clean.out, 'compliance.json'), faulty.out, '--format', 'json', '--latency-tolerance', '12.5%', '--latency-floor-ms', '5']);
    expect(plain.code, plain.err).toBe(0);
    const report = JSON.parse(plain.out) as DiffReport;
    expect(report.checks.new_failures.map((c) => [c.id, c.old, c.new])).toEqual([['auth.challenge', 'pass', 'fail']]);
    expect(report.checks.new_failures[0]?.finding?.rule).toBe('AUTH-6');
    expect(report.verdict).toMatchObject({ old: 'pass', new: 'fail', change: 'worse' });
    expect(report.regressions.map((x) => x.kind)).toEqual(['new-failure', 'verdict']);
    expect(report.load).toEqual({ percentile: 'p95', tolerance_pct: 12.5, floor_ms: 5, status: 'absent', why: 'neither run measured load (the full profile, or jobcert load, does)', entries: [] });
    const gated = diff([clean.out, faulty.out, '--fail-on', 'regression']);
    expect(gated.code).toBe(1);
    expect(gated.out).toContain('### ❌ New failures (1)');
  });

  it('reports/latest, --out FILE, and three runs for flapping', () => {
    const cwd = join(scratch, 'project');
    mkdirSync(join(cwd, 'reports'), { recursive: true });
    symlinkSync(clean.out, join(cwd, 'reports', 'latest'));
    const out = join(scratch, 'diff.md');
    const r = diff([clean.out, faulty.out, 'reports/latest', '--out', out], cwd);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe(`wrote ${out}\n`);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('| `auth.challenge` | AUTH-6 | pass → fail → pass | 2 |');
    expect(md).toContain('| report | `' + clean.out + '` | `' + faulty.out + '` | `reports/latest` |');
  });

  const bad = join(scratch, 'bad');
  mkdirSync(bad, { recursive: true });
  writeFileSync(join(bad, 'broken.json'), '{"tool": "jobcert", ');
  writeFileSync(join(bad, 'load-results.json'), '{"tool": "jobcert-load", "format": 1}');
  it.each([
    [['missing/compliance.json', 'also-missing'], /^jobcert: missing\/compliance\.json: no such file or directory\n$/],
    [[bad, bad], /^jobcert: .*bad: no compliance\.json in this directory \(give a jobcert report directory or its compliance\.json\)\n$/],
    [[join(bad, 'broken.json'), join(bad, 'broken.json')], /^jobcert: .*broken\.json: not valid JSON \(.*\)\n$/],
    [[join(bad, 'load-results.json'), join(bad, 'load-results.json')], /^jobcert: .*load-results\.json: not a jobcert compliance document \(this is load-results\.json; give the compliance\.json beside it\)\n$/],
    [[join(bad, 'broken.json')], /^jobcert: diff needs at least two runs/],
    [[join(bad, 'x'), join(bad, 'y'), '--latency-tolerance', 'fast'], /^jobcert: --latency-tolerance must be a percentage such as 20%, got "fast"\n$/],
    [[join(bad, 'x'), join(bad, 'y'), '--fail-on', 'anything'], /argument 'anything' is invalid\. Allowed choices are regression/],
  ])('bad input %j → exit 2, one clear line, no stack trace', (args, message) => {
    const r = diff(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
