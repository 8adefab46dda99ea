import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter } from '../../suites/lib/backoff.js';
import { redactor } from '../../suites/lib/redact.js';
import { curlFor, type Exchange } from '../../core/exchange.js';
import { forStepSummary } from '../../core/reports/markdown.js';
import { renderJunit } from '../../core/reports/junit.js';
import { selects, summarize, withDerivedChecks, type CheckResult, type Compliance } from '../../core/results.js';

describe('Retry-After (RATE-2): both RFC 9110 forms', () => {
  const now = Date.parse('2026-11-27T10:00:00Z');
  // An HTTP-date is whole seconds: it is read as the end of its second, so a probe never goes out early.
  it.each([
    ['1', 1000], ['120', 120_000], [' 3 ', 3000], ['Fri, 27 Nov 2026 10:00:05 GMT', 6000], ['Fri, 27 Nov 2026 09:59:00 GMT', 0],
  ])('%j → %i ms', (value, ms) => expect(parseRetryAfter(value, null, now)).toBe(ms));
  it.each(['', '-1', '1.5', 'soon', '2026-11-27T10:00:05Z', 'Fri, 27 Nov 2026 10:00:05 UTC'])('%j is not a valid Retry-After', (value) => {
    expect(parseRetryAfter(value, null, now)).toBeUndefined();
  });
  it('measures an HTTP-date against the response Date, so a provider clock that is off is still waited for right', () => {
    // The provider's clock is 30 s ahead of ours: its Retry-After date is 2 s after its own Date.
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:32 GMT', 'Fri, 27 Nov 2026 10:00:30 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 10:00:32 GMT', 'not a date', now)).toBe(33_000);
  });
});

describe('jittered exponential backoff (RATE-3): 1–2, 2–4, 4–8, 8–16, capped at 16 s', () => {
  it.each([[0, 1000, 2000], [1, 2000, 4000], [2, 4000, 8000], [3, 8000, 16000], [4, 16000, 16000], [9, 16000, 16000]])('attempt %i in [%i, %i] ms', (attempt, lo, hi) => {
    for (const r of [0, 0.5, 0.999]) {
      const ms = backoffMs(attempt, () => r);
      expect(ms).toBeGreaterThanOrEqual(lo);
      expect(ms).toBeLessThanOrEqual(hi);
    }
  });
});

describe('redaction', () => {
  it('replaces every configured key, the longest first, wherever it stands as a whole token', () => {
    const redact = redactor(['sk_live_abc123', 'sk_live_abc123_extra', 'ab', undefined]);
    expect(redact('k=sk_live_abc123_extra;k2=sk_live_abc123;ab')).toBe('k=<redacted>;k2=<redacted>;<redacted>');
    expect(redact('"x-api-key":"sk_live_abc123", /v1/sk_live_abc123/x?key=sk_live_abc123&y')).toBe('"x-api-key":"<redacted>", /v1/<redacted>/x?key=<redacted>&y');
  });
  it('a short or common-word key is redacted as a word, never inside other words', () => {
    const redact = redactor(['secret', 'ok']);
    expect(redact('the secret is ok; a secretary took the token, okay')).toBe('the <redacted> is <redacted>; a secretary took the token, okay');
  });
  it('catches a key a target echoes back escaped or encoded', () => {
    const key = 'k"e/y+1';
    const redact = redactor([key]);
    expect(redact(JSON.stringify({ echo: key }))).toBe('{"echo":"<redacted>"}');
    expect(redact(`?k=${encodeURIComponent(key)}`)).toBe('?k=<redacted>');
  });
  it('repro commands carry the key as an environment variable', () => {
    const e: Exchange = { request: { method: 'POST', url: "http://127.0.0.1:1/v1/jobs/it's/start", headers: { 'x-api-key': '<redacted>', 'content-type': 'application/json' }, body: '{"a":"b\'c"}' }, response: null, started_at: '', time_ms: 0, key: 'alt', violations: [] };
    expect(curlFor(e)).toBe(`curl -sS -i -X POST 'http://127.0.0.1:1/v1/jobs/it'\\''s/start' -H "X-Api-Key: $JOBCERT_ALT_API_KEY" -H 'content-type: application/json' --data-binary '{"a":"b'\\''c"}'`);
  });
});

const check = (over: Partial<CheckResult>): CheckResult => ({
  id: 'auth.x', rule_ids: ['AUTH-1'], family: 'AUTH', level: 'must', title: 't', status: 'pass', message: '', duration_ms: 1, requests: 0, evidence: [], request_ids: [], repro: null, notes: [], ...over,
});

describe('results', () => {
  it('selection by family and by rule ID, with --skip winning', () => {
    expect(selects({ only: ['AUTH'], skip: [] }, 'AUTH', ['AUTH-1'])).toBe(true);
    expect(selects({ only: ['AUTH-4'], skip: [] }, 'AUTH', ['AUTH-1'])).toBe(false);
    expect(selects({ only: ['IDEM-2'], skip: [] }, 'IDEM', ['IDEM-2'])).toBe(true);
    expect(selects({ only: [], skip: ['OBS-1'] }, 'OBS', ['OBS-1'])).toBe(false);
  });
  it('SHOULD failures gate only under --strict; errors gate like failures', () => {
    const checks = [check({ status: 'fail', level: 'should' }), check({ id: 'auth.y', status: 'error' }), check({ id: 'auth.z', status: 'skip' })];
    expect(summarize(checks, false).gating_failures).toBe(1);
    expect(summarize(checks, true).gating_failures).toBe(2);
  });
  it('run-wide OBS-1: a request id seen in two checks fails uniqueness', () => {
    const out = withDerivedChecks([check({ request_ids: ['r1', 'r2'] }), check({ id: 'auth.y', request_ids: ['r2'] })], { only: ['OBS'], skip: [] });
    expect(out.find((c) => c.id === 'obs.request-id-unique-run')).toMatchObject({ status: 'fail', request_ids: ['r2'] });
  });
});

describe('reports', () => {
  it('the step summary is cut under 1 MiB with a note', () => {
    const cut = forStepSummary('x'.repeat(3 * 1024 * 1024));
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1024 * 1024);
    expect(cut).toMatch(/Truncated to fit the 1 MiB step summary/);
    expect(forStepSummary('small')).toBe('small');
  });
  it('junit.xml escapes markup and drops characters XML 1.0 cannot carry', () => {
    const doc = { tool: 'jobcert', version: '0', target: 't', profile: 'quick', strict: false, started_at: '2026-11-27T10:00:00.000Z', duration_ms: 5, verdict: 'fail', clips: [], checks: [], transport: { failed: 0, by_kind: {}, by_check: [] } } as unknown as Compliance;
    doc.checks = [check({ status: 'fail', message: 'got <b>&"\u0001\u001b[31m' })];
    doc.summary = summarize(doc.checks, false);
    const xml = renderJunit(doc);
    expect(xml).toContain('got &lt;b&gt;&amp;&quot;\ufffd\ufffd[31m');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });
});
