// The report writers are one list: every file is written from it, redacted the
// same way, and the consoles list exactly what was written.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoadResults } from '../../core/load-results.js';
import { describeReportPaths, REPORT_WRITERS, writeReports } from '../../core/reports/write.js';
import { checkResult, summarize, transportSummary, type Compliance, type RateProfile } from '../../core/results.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';

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
  it('writes the compliance reports and the HAR, each redacted, and lists them in order', async () => {
    const dir = tempDir();
    const summary = join(dir, 'step-summary.md');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    const paths = await writeReports(doc, join(dir, 'out'), redact);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['compliance.html', 'compliance.json', 'compliance.md', 'exchanges.har', 'junit.xml']);
    for (const file of readdirSync(join(dir, 'out'))) expect(readFileSync(join(dir, 'out', file), 'utf8'), file).not.toContain(SECRET);
    expect(paths).toEqual({ json: join(dir, 'out/compliance.json'), markdown: join(dir, 'out/compliance.md'), html: join(dir, 'out/compliance.html'), junit: join(dir, 'out/junit.xml'), har: join(dir, 'out/exchanges.har') });
    expect(describeReportPaths(paths)).toBe(`reports: ${paths.json}\n         ${paths.markdown}\n         ${paths.html}\n         ${paths.junit}\n         ${paths.har}\n`);
    expect(readFileSync(summary, 'utf8')).toBe(readFileSync(paths.markdown, 'utf8'));
  });
  it("carries Retry-After's honesty (RATE-3) in every report's rate-limit section, and compliance.json keeps its schema", async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    const rate_limit: RateProfile = {
      key: 'primary', throttled: true, requests_before_first_429: 60, sent: 200, elapsed_ms: 1500, peak_concurrency: 64, refill_per_second: 30, refill_window_ms: 500,
      retry_after: '1', retry_after_ms: 1000, policy_header: null, hinted_quota: null, bound: { requests: 5000, seconds: 15 }, pacing: { per_second: 25, burst: 40 },
      retry_after_honesty: {
        verdict: 'held-longer', retry_after: '1', form: 'delay-seconds', asked_ms: 1000, tolerance_ms: 1000, waited_ms: 2003, first_status: 429,
        served_after_ms: 4100, throttled_after: 2, note: 'a lone 429 waited out as told, and more, met another 429',
      },
    };
    const dir = tempDir();
    const paths = await writeReports({ ...doc, rate_limit }, dir, redact);
    const said = 'Retry-After not honest (RATE-3): Retry-After 1 asked for 1.0 s, jobcert waited 2.0 s (1.0 s allowed for whole-second rounding) with nothing else on the key and met another 429; first served 4.1 s after that 429';
    for (const file of [paths.markdown, paths.html, paths.junit]) expect(readFileSync(file, 'utf8'), file).toContain(said);
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajvFormats.default.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../contracts/compliance.schema.json', import.meta.url), 'utf8')));
    const written = JSON.parse(readFileSync(paths.json, 'utf8'));
    expect(validate(written), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(written.rate_limit.retry_after_honesty.served_after_ms).toBe(4100);
    expect(validate({ ...written, rate_limit: { ...written.rate_limit, retry_after_honesty: { verdict: 'sort of' } } })).toBe(false);
  });

  it('adds load-results.json when the document carries the LOAD stage, and lists it last', async () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', '');
    const dir = tempDir();
    const paths = await writeReports({ ...doc, load }, dir, redact);
    expect(paths.load).toBe(join(dir, 'load-results.json'));
    expect(JSON.parse(readFileSync(paths.load!, 'utf8'))).toEqual({ ...load, target: '<redacted>' });
    expect(describeReportPaths(paths).trimEnd().split('\n').at(-1)?.trim()).toBe(paths.load);
    expect(REPORT_WRITERS.map((w) => w.format)).toEqual(['json', 'markdown', 'html', 'junit', 'har', 'load']);
    expect(existsSync(join(dir, `compliance.json.tmp-${process.pid}`))).toBe(false);
  });
});
