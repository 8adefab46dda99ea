// The report writers are one list: every file is written from it, redacted the
// same way, and the consoles list exactly what was written.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoadResults } from '../../core/load-results.js';
import { describeReportPaths, REPORT_WRITERS, writeReports } from '../../core/reports/write.js';
import { checkResult, summarize, transportSummary, type Compliance } from '../../core/results.js';

const SECRET = 'sk_test_secret_key';
const redact = (s: string): string => s.replaceAll(SECRET, '<redacted>');
const checks = [checkResult({ id: 'auth.x', rules: ['AUTH-1'], title: 't', status: 'fail', message: `key ${SECRET} was echoed` })];
const doc: Compliance = {
  tool: 'jobcert', version: '0.0.0', target: 'http://127.0.0.1:1', profile: 'quick', strict: false, started_at: '2026-01-01T00:00:00.000Z', duration_ms: 1,
  verdict: 'fail', summary: summarize(checks, false), clips: [], transport: transportSummary(checks), checks,
};
const load = {
  tool: 'jobcert-load', format: 1, target: SECRET, started_at: '', duration_ms: 0, scenarios: [], thresholds: [], billing: null, stopped_early: null, requests_sent: 0,
  settings: { scenarios: [], connections: 1, duration_s: 1, warmup_s: 0, rate: null, timeout_ms: 1, keys: 1, video_url: '', thresholds: [], caps: { maxDurationS: 1, maxRequests: 1, abortAfterErrors: 1 } },
} satisfies LoadResults;

const dirs: string[] = [];
const tempDir = (): string => { const d = mkdtempSync(join(tmpdir(), 'jobcert-reports-')); dirs.push(d); return d; };
afterEach(() => {
  vi.unstubAllEnvs();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('writeReports', () => {
  it('writes the four compliance reports, each redacted, and lists them in order', async () => {
    const dir = tempDir();
    const summary = join(dir, 'step-summary.md');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    const paths = await writeReports(doc, join(dir, 'out'), redact);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['compliance.html', 'compliance.json', 'compliance.md', 'junit.xml']);
    for (const file of readdirSync(join(dir, 'out'))) expect(readFileSync(join(dir, 'out', file), 'utf8'), file).not.toContain(SECRET);
    expect(paths).toEqual({ json: join(dir, 'out/compliance.json'), markdown: join(dir, 'out/compliance.md'), html: join(dir, 'out/compliance.html'), junit: join(dir, 'out/junit.xml') });
    expect(describeReportPaths(paths)).toBe(`reports: ${paths.json}\n         ${paths.markdown}\n         ${paths.html}\n         ${paths.junit}\n`);
    expect(readFileSync(summary, 'utf8')).toBe(readFileSync(paths.markdown, 'utf8'));
  });
  it('adds load-results.json when the document carries the LOAD stage, and lists it last', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    const dir = tempDir();
    const paths = await writeReports({ ...doc, load }, dir, redact);
    expect(paths.load).toBe(join(dir, 'load-results.json'));
    expect(JSON.parse(readFileSync(paths.load!, 'utf8'))).toEqual({ ...load, target: '<redacted>' });
    expect(describeReportPaths(paths).trimEnd().split('\n').at(-1)?.trim()).toBe(paths.load);
    expect(REPORT_WRITERS.map((w) => w.format)).toEqual(['json', 'markdown', 'html', 'junit', 'load']);
    expect(existsSync(join(dir, `compliance.json.tmp-${process.pid}`))).toBe(false);
  });
});
