// The files of the gates (issue 20): the baseline (--baseline, checked against
// the shipped contracts/baseline.schema.json) and the config file's `waivers`.
// Every mistake is a usage error (exit 2) with one line that names the file
// and the entry; tests/certify/gates.test.ts shows the exit code.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../core/errors.js';
import { readBaseline } from '../../scripts/certify/baseline-file.js';
import { resolveOptions } from '../../scripts/certify/options.js';
import { readWaivers } from '../../scripts/certify/waivers.js';

const dir = mkdtempSync(join(tmpdir(), 'jobcert-gates-files-'));
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
const NOW = new Date('2025-06-10T12:00:00Z');
const good = { rule: 'AUTH-6', reason: 'header lands in v2', owner: 'team-auth', expires: '2025-07-01' };
const usage = (fn: () => unknown): string => {
  try { fn(); } catch (err) { if (err instanceof UsageError) return err.message; throw err; }
  throw new Error('no usage error');
};
const entry = { check: 'auth.challenge', rules: ['AUTH-6'], signature: '34f60932619d4d15', first_seen: '2025-05-01', last_seen: '2025-06-01' };

describe('waivers', () => {
  it('reads a good waiver, trimmed, with an optional target', () => {
    expect(readWaivers([good, { check: 'auth.challenge', reason: ' r ', owner: 'o', expires: '2025-09-08', target: 'https://staging.example.com' }], 'waivers', NOW))
      .toEqual([good, { check: 'auth.challenge', reason: 'r', owner: 'o', expires: '2025-09-08', target: 'https://staging.example.com' }]);
  });

  it('refuses one that ends more than 90 days after the run, naming it and the last day it may have', () => {
    expect(usage(() => readWaivers([good, { ...good, rule: 'AUTH-2', expires: '2025-09-09' }], '--config c.json: waivers', NOW)))
      .toBe('--config c.json: waivers: waiver 2 (AUTH-2) expires 2025-09-09, more than 90 days after today (2025-06-10); a waiver may run until 2025-09-08 at the latest: renew it when it runs out');
  });

  it('refuses what is not a waiver, each with one line naming it', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...good, check: 'auth.challenge' }, /waiver 1 \(AUTH-6\) must name exactly one of "rule" .* or "check"/],
      [{ reason: 'r', owner: 'o', expires: '2025-07-01' }, /waiver 1 \(#1\) must name exactly one of/],
      [{ ...good, rule: 'AUTH-99' }, /waiver 1 \(AUTH-99\) names an unknown rule "AUTH-99"/],
      [{ ...good, rule: undefined, check: 'Auth Challenge' }, /names "Auth Challenge", not a check id/],
      [{ ...good, owner: ' ' }, /waiver 1 \(AUTH-6\) needs a "owner"/],
      [{ ...good, expires: '2025-02-30' }, /needs "expires", the last day it holds as YYYY-MM-DD, got "2025-02-30"/],
      [{ ...good, expires: undefined }, /needs "expires"/],
      [{ ...good, target: 'staging.example.com' }, /has "target" "staging.example.com", not an http or https origin/],
      [{ ...good, until: '2025-07-01' }, /has an unknown key "until"/],
    ];
    for (const [w, message] of cases) expect(usage(() => readWaivers([w], 'waivers', NOW)), JSON.stringify(w)).toMatch(message);
    expect(usage(() => readWaivers({ rule: 'AUTH-6' }, 'waivers', NOW))).toMatch(/waivers must be a list of waivers/);
  });

  it('come from the config file, and the shipped schema is the one the CLI builds', () => {
    const today = new Date().toISOString().slice(0, 10);
    const config = file('ok.json', JSON.stringify({ profile: 'quick', waivers: [{ ...good, expires: today }] }));
    expect(resolveOptions({ config }, {}).gates?.waivers).toEqual([{ ...good, expires: today }]);
    expect(usage(() => resolveOptions({ config: file('far.json', JSON.stringify({ waivers: [{ ...good, expires: '2999-01-01' }] })) }, {})))
      .toMatch(/^--config .*far\.json: waivers: waiver 1 \(AUTH-6\) expires 2999-01-01, more than 90 days after today/);
  });
});

describe('the baseline file', () => {
  it('reads a valid baseline; a missing one is a usage error unless --baseline-update is to create it', () => {
    const path = file('b.json', JSON.stringify({ baseline_version: 1, entries: [{ ...entry, reason: 'vendor bug', expires: '2025-09-01' }] }));
    expect(readBaseline(path, false)?.entries[0]?.reason).toBe('vendor bug');
    expect(usage(() => readBaseline(join(dir, 'none.json'), false))).toMatch(/^--baseline .*none\.json: no such file \(create it with --baseline-update/);
    expect(readBaseline(join(dir, 'none.json'), true)).toBeUndefined();
    expect(usage(() => readBaseline(join(dir, 'no-dir/b.json'), true))).toMatch(/its folder .*no-dir does not exist/);
  });

  it('refuses what contracts/baseline.schema.json refuses, naming the entry and what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['{ "baseline_version": 1, ', /not valid JSON/],
      [JSON.stringify({ entries: [] }), /not a jobcert baseline \(contracts\/baseline\.schema\.json\): the document must have required property 'baseline_version'/],
      [JSON.stringify({ baseline_version: 1, entries: [{ ...entry, signature: 'AUTH-6 fails' }] }), /entries\[0\]\.signature \(auth\.challenge\) must match pattern/],
      [JSON.stringify({ baseline_version: 1, entries: [{ ...entry, expires: '2025-13-01' }] }), /entries\[0\]\.expires \(auth\.challenge\) must match format "date"/],
      [JSON.stringify({ baseline_version: 1, entries: [{ ...entry, note: 'x' }] }), /entries\[0\] \(auth\.challenge\) must NOT have additional properties "note"/],
      [JSON.stringify({ baseline_version: 1, entries: [entry, entry] }), /entries\[1\] repeats auth\.challenge with signature 34f60932619d4d15/],
    ];
    cases.forEach(([text, message], i) => expect(usage(() => readBaseline(file(`bad-${i}.json`, text), false))).toMatch(message));
  });

  it('--baseline-update needs --baseline', () => {
    expect(usage(() => resolveOptions({ baselineUpdate: true }, {}))).toBe('--baseline-update needs --baseline FILE: the file to write');
  });
});
