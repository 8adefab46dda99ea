// jobcert diff over hand-made documents (issue 20, item 4): every category of
// check change, the verdict, LOAD p95 at the tolerance's edges and the samples
// it refuses, the rate limit, the warnings, and documents older than the
// optional members.
import { describe, expect, it } from 'vitest';
import { diffRuns, verdictChange } from '../../core/diff/diff.js';
import { compareLatency, MAX_RATE_LIMITED_SHARE, P95_NEEDED_ANSWERS } from '../../core/diff/load.js';
import { renderDiffMarkdown } from '../../core/diff/markdown.js';
import { DEFAULT_DIFF_OPTIONS, type RunInput } from '../../core/diff/model.js';
import { parseCompliance } from '../../core/diff/read.js';
import { UsageError } from '../../core/errors.js';
import type { EndpointMetrics, LoadResults, ScenarioResult, ThresholdResult } from '../../core/load-results.js';
import { checkResult, summarize, transportSummary, type Compliance, type RateProfile, type Status } from '../../core/results.js';
import { MAX_RATE_LIMITED_SHARE as LOAD_MAX_SHARE, neededAnswers } from '../../load/thresholds.js';

const SPEC = 'a'.repeat(64);
const OPENAPI = 'b'.repeat(64);

function doc(statuses: Record<string, Status>, extra: Partial<Compliance> = {}): Compliance {
  const checks = Object.entries(statuses).map(([id, status]) => checkResult({
    id, rules: [id.startsWith('auth.') ? 'AUTH-6' : 'RATE-1'], title: `title of ${id}`, status, message: status === 'fail' ? `${id} broke` : `${id} ${status}`,
    ...(status === 'fail' ? { finding: { rule: 'AUTH-6', requires: 'a WWW-Authenticate challenge on 401', observed: 'none' } } : {}),
  }));
  return {
    tool: 'jobcert', version: '0.1.0', report_version: '2', target: 'https://staging.example.com', profile: 'quick', strict: false,
    started_at: '2026-01-01T00:00:00.000Z', duration_ms: 1, verdict: 'pass', summary: summarize(checks, false), clips: [], transport: transportSummary(checks), checks,
    provenance: { jobcert_version: '0.1.0', spec_sha256: SPEC, openapi_sha256: OPENAPI, target: 'https://staging.example.com', seed: 1, started_at: '', ended_at: '', settings: { only: [], skip: ['FUZZ'] } },
    ...extra,
  };
}
const runs = (...docs: Compliance[]): RunInput[] => docs.map((d, i) => ({ source: `run${i + 1}/compliance.json`, doc: d }));
const ids = (list: { id: string }[]): string[] => list.map((c) => c.id);

describe('checks: OLD against NEW', () => {
  const old = doc({ 'auth.a': 'pass', 'auth.b': 'fail', 'auth.c': 'fail', 'auth.d': 'fail', 'auth.e': 'fail', 'auth.f': 'fail', 'auth.g': 'pass', 'auth.h': 'pass', 'auth.i': 'skip', 'auth.j': 'pass' });
  const now = doc({ 'auth.a': 'fail', 'auth.b': 'pass', 'auth.c': 'skip', 'auth.d': 'error', 'auth.f': 'fail', 'auth.g': 'skip', 'auth.i': 'pass', 'auth.j': 'pass', 'auth.new-pass': 'pass', 'auth.new-fail': 'fail' });
  const d = diffRuns(runs(old, now));

  it('a failure in NEW that OLD did not have is new, also of a check OLD lacked; a new check that passes is only new', () => {
    expect(ids(d.checks.new_failures)).toEqual(['auth.a', 'auth.new-fail']);
    expect(d.checks.new_failures.map((c) => c.old)).toEqual(['pass', 'absent']);
    expect(d.checks.new_failures[0]?.finding).toEqual({ rule: 'AUTH-6', requires: 'a WWW-Authenticate challenge on 401', observed: 'none' });
    expect(ids(d.checks.new_checks)).toEqual(['auth.new-pass']);
  });
  it('fixed is fail → pass; fail → skip, error or absent is unobserved, not fixed', () => {
    expect(ids(d.checks.fixed)).toEqual(['auth.b']);
    expect(ids(d.checks.unobserved)).toEqual(['auth.c', 'auth.d', 'auth.e']);
    expect(d.checks.unobserved.map((c) => c.new)).toEqual(['skip', 'error', 'absent']);
  });
  it('still failing, removed, other changes and the unchanged count', () => {
    expect(ids(d.checks.still_failing)).toEqual(['auth.f']);
    expect(ids(d.checks.removed)).toEqual(['auth.h']);
    expect(ids(d.checks.changed)).toEqual(['auth.g', 'auth.i']);
    expect(d.checks.unchanged).toBe(1);
  });
  it('regressions are the new failures; with two runs flapping is not judged', () => {
    expect(d.regressions.map((r) => r.kind)).toEqual(['new-failure', 'new-failure']);
    expect(d.regressed).toBe(true);
    expect(d.checks.flapping_judged).toBe(false);
    expect(d.checks.flapping).toEqual([]);
  });
  it('nothing changed: no regression', () => {
    const same = diffRuns(runs(old, old));
    expect(same.regressed).toBe(false);
    expect(same.checks.unchanged).toBe(5); // the other five are still failing
    expect(same.checks.still_failing).toHaveLength(5);
  });
});

describe('flapping over three runs or more', () => {
  it('a result that changes twice flaps; one change is a fix; an absent run does not count as a change', () => {
    const d = diffRuns(runs(
      doc({ 'auth.flap': 'pass', 'auth.fixed': 'fail', 'auth.gap': 'pass', 'auth.steady': 'pass' }),
      doc({ 'auth.flap': 'fail', 'auth.fixed': 'fail', 'auth.steady': 'pass' }),
      doc({ 'auth.flap': 'pass', 'auth.fixed': 'pass', 'auth.gap': 'pass', 'auth.steady': 'pass' }),
    ));
    expect(d.checks.flapping_judged).toBe(true);
    expect(d.checks.flapping).toEqual([{ id: 'auth.flap', title: 'title of auth.flap', rule_ids: ['AUTH-6'], history: ['pass', 'fail', 'pass'], changes: 2 }]);
    expect(ids(d.checks.fixed)).toEqual(['auth.flap', 'auth.fixed']);
    expect(d.checks.new_checks.map((c) => [c.id, c.history])).toEqual([['auth.gap', ['pass', 'absent', 'pass']]]);
    expect(d.runs.map((r) => r.label)).toEqual(['run 1', 'OLD', 'NEW']);
  });
});

describe('verdict', () => {
  it.each([
    ['pass', 'incomplete', 'worse'], ['pass', 'fail', 'worse'], ['incomplete', 'fail', 'worse'], ['pass', 'interrupted', 'worse'],
    ['fail', 'pass', 'better'], ['incomplete', 'pass', 'better'], ['incomplete', 'interrupted', 'sideways'], ['fail', 'fail', 'same'],
  ] as const)('%s → %s is %s', (a, b, change) => {
    expect(verdictChange(a, b)).toBe(change);
  });
  it('a worse verdict is a regression even with no new failure (pass → incomplete)', () => {
    const d = diffRuns(runs(doc({ 'auth.a': 'pass' }), doc({ 'auth.a': 'pass' }, { verdict: 'incomplete' })));
    expect(d.verdict).toEqual({ old: 'pass', new: 'incomplete', change: 'worse', history: ['pass', 'incomplete'] });
    expect(d.regressions).toEqual([{ kind: 'verdict', message: 'verdict pass → incomplete' }]);
  });
});

function metrics(endpoint: EndpointMetrics['endpoint'], p95: number | undefined, count = 1000, share = 0): EndpointMetrics {
  const latency = p95 === undefined ? null : { count, min: 1, avg: p95 / 2, p50: p95 / 2, p90: p95 * 0.9, p95, p99: p95 * 1.2, p999: p95 * 1.5, max: p95 * 2 };
  return {
    endpoint, requests: count, responses: count, ok: count, rate_limited: Math.round(count * share), http_5xx: 0, errors: 0, timeouts: 0, connection_errors: 0, statuses: {},
    throughput: 100, ok_throughput: 100, rate_limited_share: share, error_share: 0, latency,
  };
}
function scenario(name: ScenarioResult['name'], all: EndpointMetrics | null, endpoints: EndpointMetrics[] = [], status: ScenarioResult['status'] = 'ran'): ScenarioResult {
  return {
    name, title: name, status, stop_reason: status === 'setup-failed' ? 'could not create a job' : null, notes: [], setup_requests: 0, requests_sent: 0, started_at: null, elapsed_ms: 0,
    warmup_s: 1, measured_s: 10, all, endpoints, timeline: [], percentiles: [], contract: { sampled: 0, violations: 0 }, rate_limit: { responses: 0, bad_retry_after: 0 },
  };
}
function load(scenarios: ScenarioResult[], thresholds: ThresholdResult[] = []): LoadResults {
  return {
    tool: 'jobcert-load', format: 1, target: 'x', started_at: '', duration_ms: 0, scenarios, thresholds, billing: null, stopped_early: null, requests_sent: 0,
    settings: { scenarios: [], connections: 1, duration_s: 10, warmup_s: 1, rate: 100, timeout_ms: 1, keys: 1, video_url: '', thresholds: [], caps: { maxDurationS: 1, maxRequests: 1, abortAfterErrors: 1 } },
  };
}

describe('LOAD p95 against the tolerance (+20% and +50 ms by default, both strictly)', () => {
  it.each([
    [250, 300, 'within-tolerance'], // exactly +20% and exactly +50 ms
    [250, 300.5, 'regression'], // +50.5 ms, +20.2%
    [200, 240, 'within-tolerance'], // +20% exactly, +40 ms
    [100, 140, 'within-tolerance'], // +40% but only +40 ms: the floor holds
    [1000, 1150, 'within-tolerance'], // +150 ms but only +15%
    [200, 260, 'regression'],
    [0, 51, 'regression'], // from 0 ms only the floor can say
    [0, 50, 'within-tolerance'],
    [300, 200, 'improved'],
    [300, 260, 'within-tolerance'],
  ] as const)('%s ms → %s ms: %s', (a, b, result) => {
    expect(compareLatency(a, b, DEFAULT_DIFF_OPTIONS).result).toBe(result);
  });
  it('other tolerances: 10% and a 0 ms floor', () => {
    expect(compareLatency(100, 111, { latencyTolerancePct: 10, latencyFloorMs: 0 })).toEqual({ delta_ms: 11, delta_pct: 11, result: 'regression' });
    expect(compareLatency(100, 110, { latencyTolerancePct: 10, latencyFloorMs: 0 }).result).toBe('within-tolerance');
  });
  it('the sample rules are load/thresholds.ts\'s own (a p95 needs 200 non-429 answers; over 5% 429 measures the limiter)', () => {
    expect(P95_NEEDED_ANSWERS).toBe(neededAnswers({ kind: 'latency', stat: 'percentile', p: 95 }));
    expect(MAX_RATE_LIMITED_SHARE).toBe(LOAD_MAX_SHARE);
  });

  const notJudged: ThresholdResult = {
    expr: 'poll/getJob:p95<100', id: 'load.threshold.poll.getJob.p95-lt-100', scope: 'poll/getJob', display: '5 ms', limit: '< 100 ms', status: 'not-judged', pass: false,
    sample: { answers: 900, non_429: 900, rate_limited_share: 0, needed: 200 }, why: 'made up for the test',
  };
  const old = doc({}, { load: load([
    scenario('mixed', metrics('all', 100), [metrics('createJob', 100), metrics('getJob', 100, 150)]),
    scenario('poll', metrics('all', 20), [metrics('getJob', 20)]),
    scenario('start', metrics('all', 40, 1000, 0.2)),
    scenario('limiter', metrics('all', 5)),
  ]) });
  const now = doc({}, { load: load([
    scenario('mixed', metrics('all', 200), [metrics('createJob', 120), metrics('getJob', 400)]),
    scenario('poll', metrics('all', 30), [metrics('getJob', 30)]),
    scenario('start', null, [], 'setup-failed'),
    scenario('limiter', metrics('all', 5)),
  ], [notJudged]) });
  const d = diffRuns(runs(old, now));
  const entry = (s: string, e: string) => d.load.entries.find((x) => x.scenario === s && x.endpoint === e);

  it('compares each scenario/endpoint both runs measured, and names the regressions', () => {
    expect(d.load.status).toBe('compared');
    expect(entry('mixed', 'all')).toEqual({ scenario: 'mixed', endpoint: 'all', old_ms: 100, new_ms: 200, old_n: 1000, new_n: 1000, delta_ms: 100, delta_pct: 100, result: 'regression' });
    expect(entry('mixed', 'createJob')?.result).toBe('within-tolerance');
    expect(d.regressions.filter((r) => r.kind === 'latency').map((r) => r.message)).toEqual(['mixed/all p95 100 → 200 ms (+100 ms, +100%)']);
  });
  it('never compares a p95 on too small a sample, one a run left not judged, one over 5% 429, a scenario that did not run, or the limiter', () => {
    expect(entry('mixed', 'getJob')).toMatchObject({ result: 'not-compared', delta_ms: null, why: "OLD's p95 rests on 150 non-429 answers (a p95 needs 200: ten above it)" });
    expect(entry('poll', 'getJob')).toMatchObject({ result: 'not-compared', why: 'NEW did not judge `poll/getJob:p95<100`: made up for the test' });
    expect(entry('poll', 'all')?.result).toBe('within-tolerance');
    expect(entry('start', 'all')).toMatchObject({ result: 'not-compared' });
    expect(entry('start', 'all')?.why).toMatch(/^20\.0% of OLD's answers were 429 .*; NEW's start scenario has no measurements \(setup-failed: could not create a job\)$/);
    expect(entry('limiter', 'all')).toMatchObject({ result: 'not-compared', why: 'the limiter scenario measures the rate limiter, not the service' });
  });
  it('LOAD in one run only, or in neither, is said, not compared', () => {
    expect(diffRuns(runs(old, doc({}))).load).toMatchObject({ status: 'absent', why: 'only OLD measured load', entries: [] });
    expect(diffRuns(runs(doc({}), doc({}))).load.why).toMatch(/^neither run measured load/);
  });
  it('a document whose scenarios lack later members (no p95, no endpoints) reads as not measured', () => {
    const older = JSON.parse(JSON.stringify(old)) as { load: { scenarios: Record<string, unknown>[] } };
    for (const s of older.load.scenarios) { delete s.endpoints; delete (s.all as { latency: Record<string, unknown> }).latency.p95; }
    const d2 = diffRuns([{ source: 'old', doc: parseCompliance(JSON.stringify(older), 'old') }, { source: 'new', doc: now }]);
    expect(d2.load.entries.find((e) => e.scenario === 'mixed')).toMatchObject({ endpoint: 'all', result: 'not-compared', why: 'OLD recorded no p95 here' });
  });
});

const rate = (over: Partial<RateProfile> = {}): RateProfile => ({
  key: 'primary', throttled: true, requests_before_first_429: 60, sent: 200, elapsed_ms: 900, peak_concurrency: 16, refill_per_second: 30, refill_window_ms: 1000,
  retry_after: '1', retry_after_ms: 1000, policy_header: '"default";q=60;w=2', hinted_quota: 60, bound: { requests: 5000, seconds: 15 }, pacing: { per_second: 25, burst: 10 }, ...over,
});

describe('the rate limit each run saw', () => {
  it('measured figures within 10% are the same; a Retry-After date is compared by its delay', () => {
    const d = diffRuns(runs(
      doc({}, { rate_limit: rate({ retry_after: 'Thu, 01 Jan 2026 00:00:02 GMT', retry_after_ms: 2000 }) }),
      doc({}, { rate_limit: rate({ requests_before_first_429: 57, refill_per_second: 31, sent: 400, retry_after: 'Fri, 02 Jan 2026 00:00:02 GMT', retry_after_ms: 1400 }) }),
    ));
    expect(d.rate_limit.changed).toBe(false);
    expect(d.rate_limit.runs[1]).toEqual({ key: 'primary', throttled: true, requests_before_first_429: 57, refill_per_second: 31, retry_after: 'Fri, 02 Jan 2026 00:00:02 GMT', retry_after_ms: 1400, policy_header: '"default";q=60;w=2', hinted_quota: 60 });
  });
  it('a changed limit is listed, run to run; a run that did not measure it is skipped over', () => {
    const d = diffRuns(runs(doc({}, { rate_limit: rate() }), doc({}), doc({}, { rate_limit: rate({ requests_before_first_429: 10, refill_per_second: 5, retry_after: '5', retry_after_ms: 5000, policy_header: '"default";q=10;w=2', hinted_quota: 10 }) })));
    expect(d.rate_limit.runs[1]).toBeNull();
    expect(d.rate_limit.changes).toEqual([
      'run 1 → NEW: requests before the first 429 60 → 10', 'run 1 → NEW: refill 30/s → 5/s', 'run 1 → NEW: Retry-After 1 → 5', 'run 1 → NEW: RateLimit-Policy "default";q=60;w=2 → "default";q=10;w=2',
    ]);
    expect(d.rate_limit.changed).toBe(true);
  });
  it('a provider that stopped throttling', () => {
    const d = diffRuns(runs(doc({}, { rate_limit: rate() }), doc({}, { rate_limit: rate({ throttled: false, requests_before_first_429: null, refill_per_second: null, retry_after: null, retry_after_ms: null }) })));
    expect(d.rate_limit.changes[0]).toBe('OLD → NEW: no 429 came within the bound, where one had');
  });
});

describe('warnings: runs that are hard to compare', () => {
  it('different contracts, targets, profiles, strictness and selections', () => {
    const other = doc({}, {
      target: 'https://prod.example.com', profile: 'full', strict: true,
      provenance: { jobcert_version: '0.2.0', spec_sha256: 'c'.repeat(64), openapi_sha256: OPENAPI, target: 'https://prod.example.com', seed: 1, started_at: '', ended_at: '', settings: { only: ['AUTH'], skip: [] } },
    });
    const w = diffRuns(runs(doc({}), other)).warnings;
    expect(w.map((x) => x.kind)).toEqual(['contract', 'target', 'profile', 'strict', 'selection']);
    expect(w[0]?.message).toBe('the runs judged against different contracts (SPEC.md sha256): OLD aaaaaaaaaaaa…; NEW cccccccccccc…');
    expect(w[4]?.message).toBe('the runs selected different checks: OLD --skip FUZZ; NEW --only AUTH');
  });
  it('the embedded mock on another port is one target; its faults are said', () => {
    const mock = (port: number, faults: string[]) => doc({}, {
      target: `http://127.0.0.1:${port}`,
      provenance: { jobcert_version: '0.1.0', spec_sha256: SPEC, openapi_sha256: OPENAPI, target: '', seed: 1, started_at: '', ended_at: '', settings: { only: [], skip: ['FUZZ'], mock: { faults, variants: [], transport: 'http' } } },
    });
    const w = diffRuns(runs(mock(4001, ['auth-no-challenge']), mock(4002, []))).warnings;
    expect(w).toEqual([{ kind: 'mock', message: 'the embedded mock ran differently: OLD faults auth-no-challenge; NEW no fault' }]);
  });
  it('runs not given oldest first', () => {
    const w = diffRuns(runs(doc({}, { started_at: '2026-02-01T00:00:00.000Z' }), doc({}))).warnings;
    expect(w).toEqual([{ kind: 'order', message: 'the runs are not given oldest first (started OLD 2026-02-01T00:00:00.000Z, NEW 2026-01-01T00:00:00.000Z): OLD is the second-to-last given, NEW the last' }]);
  });
  it('none for two runs of one setup', () => {
    expect(diffRuns(runs(doc({}), doc({}))).warnings).toEqual([]);
  });
});

describe('documents older than the optional members', () => {
  const bare = (verdict: string, status: string): string => JSON.stringify({
    tool: 'jobcert', version: '0.0.9', target: 'https://staging.example.com', profile: 'quick', strict: false, started_at: '2025-06-01T00:00:00.000Z', duration_ms: 1, verdict,
    summary: {}, clips: [], transport: {}, checks: [{ id: 'auth.challenge', status }],
  });
  it('read, diffed and rendered; the missing provenance is a warning, the rate limit not measured', () => {
    const a = parseCompliance(bare('fail', 'fail'), 'a.json');
    const b = parseCompliance(bare('pass', 'pass'), 'b.json');
    expect(a.checks[0]).toMatchObject({ id: 'auth.challenge', rule_ids: [], title: 'auth.challenge', message: '', level: 'must' });
    const d = diffRuns([{ source: 'a', doc: a }, { source: 'b', doc: b }]);
    expect(ids(d.checks.fixed)).toEqual(['auth.challenge']);
    expect(d.runs[0]).toMatchObject({ report_version: null, spec_sha256: null, openapi_sha256: null });
    expect(d.warnings.map((w) => w.kind)).toEqual(['provenance']);
    expect(d.rate_limit).toEqual({ runs: [null, null], changed: false, changes: [] });
    const md = renderDiffMarkdown(d);
    expect(md).toContain('No run measured it');
    expect(md).toContain('### ✅ Fixed (1)');
  });
  it.each([
    ['{', /^x\.json: not valid JSON \(/],
    ['[]', /^x\.json: not a jobcert compliance document \(not a JSON object\)$/],
    ['{"tool":"jobcert-load","format":1}', /load-results\.json; give the compliance\.json beside it/],
    ['{"tool":"jobcert","verdict":"great","checks":[]}', /its verdict "great" is none of pass, fail, incomplete, interrupted/],
    ['{"tool":"jobcert","verdict":"pass"}', /\(no checks array\)$/],
    ['{"tool":"jobcert","verdict":"pass","checks":[{"id":"a","status":"ok"}]}', /checks\[0\] has no id or no status/],
  ])('%s is a usage error naming the file', (text, message) => {
    expect(() => parseCompliance(text, 'x.json')).toThrow(UsageError);
    expect(() => parseCompliance(text, 'x.json')).toThrow(message);
  });
});

describe('Markdown for a PR comment, and JSON of the same content', () => {
  const old = doc({ 'auth.challenge': 'fail', 'auth.valid-key': 'pass' }, { verdict: 'fail', rate_limit: rate() });
  const now = doc({ 'auth.challenge': 'pass', 'auth.valid-key': 'fail' }, { verdict: 'fail', rate_limit: rate() });
  now.checks[1]!.finding = { rule: 'AUTH-1', requires: 'a valid key gets 2xx', observed: 'a <script> | pipe\nand a new line' };
  const d = diffRuns(runs(old, now));
  const md = renderDiffMarkdown(d);

  it('worse first, text escaped so it stays in its cell', () => {
    expect(md.indexOf('New failures')).toBeLessThan(md.indexOf('Fixed'));
    expect(md).toContain('**❌ 1 regression:** auth.valid-key fails (was pass)');
    expect(md).toContain('| `auth.valid-key` | AUTH-6 | ✅ pass → ❌ fail | AUTH-1: requires a valid key gets 2xx; observed a &lt;script&gt; \\| pipe and a new line |');
    expect(md).toContain('Unchanged (measured figures within 10% count as the same).');
    expect(md).toContain('Flapping needs at least three runs');
    expect(md).toContain('Not compared: neither run measured load');
  });
  it('the JSON is the same report, every list present', () => {
    const json = JSON.parse(JSON.stringify(d)) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['tool', 'format', 'runs', 'verdict', 'checks', 'load', 'rate_limit', 'warnings', 'regressions', 'regressed']);
    expect(Object.keys(json.checks as object)).toEqual(['new_failures', 'fixed', 'unobserved', 'still_failing', 'new_checks', 'removed', 'changed', 'flapping', 'flapping_judged', 'unchanged']);
  });
});
