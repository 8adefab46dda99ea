// `jobcert certify` with no target certifies the embedded mock over loopback
// HTTP, the README's main job. It must pass with no failure and no error, and
// its four reports must be valid and free of API keys.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS } from '../../mocks/engine/accounts.js';
import { PROVIDER_RULES } from '../../contracts/rules.js';
import { ROOT, runCertify, type CertifyRun } from './run-certify.js';
import { QUICK_PROFILE_CHECKS } from './expected-checks.js';

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
// CI installs xmllint and chromium (.ci/run); elsewhere a missing tool shows as a skip, never as a pass.
const needTool = (cmd: string): boolean => has(cmd) || process.env.CI === 'true';

describe('certify against the clean embedded mock', () => {
  let run: CertifyRun;
  let shuffled: CertifyRun;
  let cwd: string;
  let summaryFile: string;

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'jobcert-cwd-'));
    summaryFile = join(cwd, 'step-summary.md');
    writeFileSync(summaryFile, '');
    // Two runs at once in one working directory, no --out: the default reports/<timestamp>-<pid>/ and reports/latest.
    // They must not collide (ports, report directories, the latest link); the second starts its checks in a shuffled order.
    [run, shuffled] = await Promise.all([
      // The README's main job runs the clone's own command, over the sources (every other test runs the compiled one).
      runCertify([], { cwd, out: false, env: { GITHUB_STEP_SUMMARY: summaryFile }, sources: true }),
      runCertify(['--shuffle', '--quiet'], { cwd, out: false }),
    ]);
    const dirOf = (r: CertifyRun): string => join(cwd, 'reports', /reports\/([^/\s]+)\/compliance\.json/.exec(r.stdout)?.[1] ?? 'missing');
    run.out = dirOf(run);
    run.doc = JSON.parse(readFileSync(join(run.out, 'compliance.json'), 'utf8'));
    shuffled.out = dirOf(shuffled);
    shuffled.doc = JSON.parse(readFileSync(join(shuffled.out, 'compliance.json'), 'utf8'));
  }, 300_000);

  it('two runs at once do not collide, and the checks do not depend on their order (--shuffle)', () => {
    expect(run.out).not.toBe(shuffled.out);
    expect([run.code, shuffled.code], shuffled.stderr).toEqual([0, 0]);
    expect(shuffled.stdout).toMatch(/verdict PASS/);
    expect(shuffled.doc?.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.message}`)).toEqual([]);
    const latest = readlinkSync(join(cwd, 'reports', 'latest'));
    expect([run.out, shuffled.out]).toContain(join(cwd, 'reports', latest));
    expect(readdirSync(join(cwd, 'reports')).filter((f) => f.startsWith('.latest-')), 'no stray temporary link').toEqual([]);
  });

  it('passes: exit 0, every check passed, none skipped on the embedded mock', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.doc?.verdict).toBe('pass');
    const notPassed = run.doc!.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status} ${c.message}`);
    expect(notPassed).toEqual([]);
    expect(run.doc!.checks.map((c) => c.id).sort(), 'exactly the quick profile\'s checks').toEqual([...QUICK_PROFILE_CHECKS]);
    for (const family of ['AUTH', 'RATE', 'IDEM', 'OBS', 'ERR', 'VAL', 'LIFE', 'SCHEMA']) expect(run.doc!.summary.by_family[family]?.pass, family).toBeGreaterThan(0);
    expect(run.doc!.clips.map((c) => c.label)).toEqual(['short', 'long', 'difficult']);
  });

  it('prints progress per family, the verdict table and the four report paths (plain mode off a TTY)', () => {
    expect(run.stdout).toMatch(/^AUTH$/m);
    expect(run.stdout).toMatch(/PASS {2}auth\.valid-key \(AUTH-1\)/);
    expect(run.stdout).toMatch(/verdict PASS: \d+ checks/);
    for (const f of ['compliance.json', 'compliance.md', 'compliance.html', 'junit.xml']) expect(run.stdout).toContain(f);
    expect(run.stdout).not.toMatch(/\u001b\[/);
    console.log(`certify of the embedded mock: ${run.ms} ms wall, ${run.doc?.checks.length} checks`);
  });

  it('compliance.json matches contracts/compliance.schema.json', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajvFormats.default.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'contracts/compliance.schema.json'), 'utf8')));
    expect(validate(run.doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const failing = run.doc!.checks.find((c) => c.evidence.length > 0)!;
    expect(failing.repro).toMatch(/^curl /);
  });

  it('no API key appears in any report, in the step summary or on the console', () => {
    const keys = DEFAULT_ACCOUNTS.map((a) => a.key);
    const texts = [run.stdout, run.stderr, readFileSync(summaryFile, 'utf8'), ...readdirSync(run.out).map((f) => readFileSync(join(run.out, f), 'utf8'))];
    for (const key of keys) for (const t of texts) expect(t.includes(key)).toBe(false);
    expect(readFileSync(join(run.out, 'compliance.json'), 'utf8')).toContain('<redacted>');
    expect(readFileSync(join(run.out, 'compliance.json'), 'utf8')).toContain('$JOBCERT_API_KEY');
  });

  it('compliance.md has a table per family and went to $GITHUB_STEP_SUMMARY', () => {
    const md = readFileSync(join(run.out, 'compliance.md'), 'utf8');
    expect(md).toMatch(/^# jobcert compliance: ✅ PASS/);
    for (const family of ['AUTH', 'RATE', 'IDEM', 'OBS', 'ERR', 'VAL', 'LIFE', 'SCHEMA']) expect(md).toMatch(new RegExp(`^## ${family} — `, 'm'));
    expect(readFileSync(summaryFile, 'utf8')).toBe(md);
  });

  it.skipIf(!needTool('xmllint'))('junit.xml is valid against contracts/junit.xsd (xmllint)', () => {
    const out = execFileSync('xmllint', ['--noout', '--schema', join(ROOT, 'contracts/junit.xsd'), join(run.out, 'junit.xml')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
    const xml = readFileSync(join(run.out, 'junit.xml'), 'utf8');
    expect(xml).toMatch(/<testcase name="auth\.valid-key \[AUTH-1\]" classname="jobcert\.AUTH"/);
  });

  it.skipIf(!needTool('chromium'))('compliance.html renders offline in headless Chromium: the overview matrix shows every SPEC §2 rule (screenshot kept)', () => {
    const html = readFileSync(join(run.out, 'compliance.html'), 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i); // self-contained
    const chromium = (...args: string[]): string => execFileSync('chromium', [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'jobcert-chromium-'))}`, ...args, `file://${join(run.out, 'compliance.html')}`,
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000, maxBuffer: 64 << 20 });
    // The DOM as Chromium built it (scripts run): one matrix row per provider rule, each judged on this clean run.
    const dom = chromium('--dump-dom');
    const rows = [...dom.matchAll(/<tr class="cov ([a-z]+)[^"]*" data-rule="([A-Z]+-\d+)"/g)].map((m) => [m[2], m[1]]);
    expect(rows.map(([rule]) => rule)).toEqual(PROVIDER_RULES.map((r) => r.id));
    expect(rows.filter(([, state]) => state !== 'pass')).toEqual([]);
    expect(dom).toMatch(/<svg class="family-bars"/);
    expect(dom).toMatch(/<svg class="timeline"[^>]*aria-label="\d+ requests over/);
    // Kept as a test artifact (CI can upload test-artifacts/): what a provider engineer sees first.
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    const png = join(ROOT, 'test-artifacts', 'compliance-overview.png');
    chromium('--window-size=1280,2400', `--screenshot=${png}`);
    expect(statSync(png).size).toBeGreaterThan(20_000);
  }, 90_000);

  it('exchanges.har is HTTP Archive 1.2 with every exchange of the run, each naming its check and rules', () => {
    const har = JSON.parse(readFileSync(join(run.out, 'exchanges.har'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajvFormats.default.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'tests/support/har-1.2.schema.json'), 'utf8')));
    expect(validate(har), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const entries = har.log.entries as { comment: string; request: { headers: { name: string; value: string }[] }; _jobcert: { key: string } }[];
    expect(har.log.comment).toMatch(/every exchange of the run/);
    // Every request the checks sent is there (discovery's flood counts in the summary, not in a check's traffic).
    expect(entries.length).toBeGreaterThanOrEqual(run.doc!.checks.reduce((n, c) => n + c.requests, 0) * 0.9);
    for (const e of entries) expect(e.comment).toMatch(/^check ([a-z]+\.[\w.-]+|\(rate-limit discovery\)|\(rate pressure episode\))/);
    expect(entries.some((e) => /rules AUTH-1/.test(e.comment))).toBe(true);
    const keyed = entries.filter((e) => ['primary', 'alt', 'broke'].includes(e._jobcert.key)).flatMap((e) => e.request.headers.filter((h) => h.name === 'x-api-key'));
    expect(keyed.length).toBeGreaterThan(0);
    expect(new Set(keyed.map((h) => h.value))).toEqual(new Set(['<redacted>']));
  });
});
