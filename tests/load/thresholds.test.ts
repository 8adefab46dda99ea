// The threshold grammar (k6-like) and its evaluation over recorded responses.
import { describe, expect, it } from 'vitest';
import { ScenarioRecorder } from '../../load/recorder.js';
import { DEFAULT_THRESHOLDS, evaluateThreshold, parseThreshold, thresholdSlug, ThresholdSyntaxError, type ScenarioData } from '../../load/thresholds.js';
import type { OutgoingRequest } from '../../load/types.js';

const GET: OutgoingRequest = { endpoint: 'getJob', method: 'GET', path: '/v1/jobs/job_1', headers: {} };
const START: OutgoingRequest = { endpoint: 'startJob', method: 'POST', path: '/v1/jobs/job_1/start', headers: {}, body: '{}' };

/**
 * A scenario whose measured window (1 s … 11 s) holds the given responses, `copies` times over (a sample
 * large enough to be judged: a p99 needs 1,000 non-429 answers); one warm-up response outside it.
 */
function scenario(name: 'poll' | 'start', responses: [OutgoingRequest, number, number][], errors = 0, copies = 1): ScenarioData {
  const recorder = new ScenarioRecorder({ scenario: name, base: 'http://127.0.0.1:9', warmupMs: 1000, abortAfterErrors: 1e9, keys: [] });
  recorder.response(GET, 500, 99_999, 500, '', {}); // warm-up: excluded from every metric
  for (let c = 0; c < copies; c++) responses.forEach(([req, status, ms], i) => recorder.response(req, status, ms, 1000 + i, '', {}));
  for (let i = 0; i < errors * copies; i++) recorder.error('getJob', i % 2 ? 'timeout' : 'connection', 2000, 'x');
  return { name, recorder, window: { fromMs: 1000, toMs: 11_000 } };
}

describe('threshold grammar', () => {
  it('parses k6-style expressions with units, scopes and every operator', () => {
    expect(parseThreshold('p99<800')).toMatchObject({ metric: { kind: 'latency', stat: 'percentile', p: 99 }, op: '<', value: 800 });
    expect(parseThreshold('p(99.9) < 1.5s')).toMatchObject({ metric: { p: 99.9 }, value: 1500 });
    expect(parseThreshold('p99.9<=1500ms')).toMatchObject({ metric: { p: 99.9 }, op: '<=', value: 1500 });
    expect(parseThreshold('med<10')).toMatchObject({ metric: { stat: 'percentile', p: 50 } });
    expect(parseThreshold('errors<1%')).toMatchObject({ metric: { kind: 'count', name: 'errors', share: true }, value: 0.01 });
    expect(parseThreshold('errors<5')).toMatchObject({ metric: { kind: 'count', share: false }, value: 5 });
    expect(parseThreshold('http_5xx==0')).toMatchObject({ metric: { name: 'http_5xx' }, op: '==', value: 0 });
    expect(parseThreshold('rate>=200')).toMatchObject({ metric: { kind: 'rate', name: 'rate' }, op: '>=', value: 200 });
    expect(parseThreshold('start:ok_rate>50')).toMatchObject({ scenario: 'start', metric: { name: 'ok_rate' } });
    expect(parseThreshold('mixed/getJob:max!=0')).toMatchObject({ scenario: 'mixed', endpoint: 'getJob', metric: { stat: 'max' }, op: '!=' });
    for (const t of DEFAULT_THRESHOLDS) expect(() => parseThreshold(t)).not.toThrow();
  });

  it.each([
    ['p99', /expected/], ['p99<', /expected/], ['latency<5', /unknown metric/], ['p(99<5', /unknown metric/], ['p101<5', /between 0 and 100/],
    ['errors<5ms', /count, or a share/], ['p99<5%', /ms or s/], ['rate>=5/s', /expected/], ['rate>=5%', /per second/], ['errors<101%', /between 0% and 100%/],
    ['load:p99<5', /unknown scenario/], ['poll/deleteJob:p99<5', /unknown endpoint/],
  ])('rejects %s with a clear message', (expr, message) => {
    expect(() => parseThreshold(expr)).toThrow(ThresholdSyntaxError);
    expect(() => parseThreshold(expr)).toThrow(message);
  });

  it('gives each threshold a check id the compliance schema accepts', () => {
    const ids = ['p99<800', 'p(99.9)<1500', 'errors<1%', 'http_5xx==0', 'rate>=200', 'start:p95<=5s', 'mixed/getJob:errors!=0.5%'].map((e) => `load.threshold.${thresholdSlug(parseThreshold(e))}`);
    expect(ids).toEqual(['load.threshold.p99-lt-800', 'load.threshold.p99.9-lt-1500', 'load.threshold.errors-lt-1pct', 'load.threshold.http_5xx-eq-0', 'load.threshold.rate-ge-200', 'load.threshold.start.p95-le-5000', 'load.threshold.mixed.getJob.errors-ne-0.5pct']);
    for (const id of ids) expect(id).toMatch(/^[a-z]+\.[a-zA-Z0-9._-]+$/);
  });
});

describe('threshold evaluation', () => {
  // 11 × 100 measured responses: 97 × 200 at 1..97 ms, 2 × 429 at 5000 ms (left out of latency), 1 × 503 at 300 ms; plus 11 × 2 without an answer.
  // 1,078 non-429 answers: enough for a p99. The start scenario: 1,100 answers of 1 s.
  const K = 11;
  const poll = scenario('poll', [
    ...Array.from({ length: 97 }, (_, i) => [GET, 200, i + 1] as [OutgoingRequest, number, number]),
    [GET, 429, 5000], [GET, 429, 5000], [GET, 503, 300],
  ], 2, K);
  const start = scenario('start', Array.from({ length: 100 }, () => [START, 200, 1000] as [OutgoingRequest, number, number]), 0, K);
  const run = (expr: string) => evaluateThreshold(parseThreshold(expr), [poll, start]);

  it('latency is of non-429 measured responses (nearest rank), warm-up excluded', () => {
    expect(run('poll:max<400')).toMatchObject({ measured: 300, pass: true, status: 'pass', sample: { answers: 1100, non_429: 1078, needed: 1000 } });
    expect(run('poll:p50<=49')).toMatchObject({ measured: 49, pass: true, sample: { needed: 20 } });
    expect(run('poll:p99<100')).toMatchObject({ measured: 300, pass: false, status: 'fail', display: '300.0 ms', limit: '< 100.0 ms' });
    expect(run('start:p99<800')).toMatchObject({ measured: 1000, pass: false, display: '1.00 s' });
    expect(run('p99<800')).toMatchObject({ measured: 1000, pass: false, scope: 'all scenarios' });
  });

  it('errors count no answer and any status but 2xx and 429; shares are of all requests', () => {
    expect(run('poll:errors<33')).toMatchObject({ measured: 33, pass: false });
    expect(run('poll:errors<=3%')).toMatchObject({ pass: true });
    expect(run('poll:errors<2.9%')).toMatchObject({ measured: 33 / 1122, pass: false, display: '2.941%' });
    expect(run('http_5xx==0')).toMatchObject({ measured: 11, pass: false });
    expect(run('poll:rate_limited==22')).toMatchObject({ pass: true });
    expect(run('poll:timeouts==11')).toMatchObject({ pass: true });
  });

  it('rates are per measured second; scopes select scenarios and endpoints', () => {
    expect(run('poll:rate>=110')).toMatchObject({ measured: 110, pass: true });
    expect(run('poll:ok_rate>=110')).toMatchObject({ measured: 106.7, pass: false });
    expect(run('rate>110')).toMatchObject({ measured: 110, pass: false });
    expect(run('poll/startJob:p99<1')).toMatchObject({ display: 'nothing measured', pass: false, status: 'not-judged' });
  });

  it('a scope with nothing measured is not judged, whatever the operator', () => {
    const empty = scenario('poll', []);
    for (const expr of ['http_5xx==0', 'errors<1%', 'p99<800', 'rate>=0']) expect(evaluateThreshold(parseThreshold(expr), [empty]), expr).toMatchObject({ pass: false, status: 'not-judged' });
  });

  it('a sample too small for its metric is not judged, saying how many answers it had, how many it needs and what would judge it', () => {
    const small = scenario('poll', Array.from({ length: 150 }, (_, i) => [GET, 200, i + 1] as [OutgoingRequest, number, number]));
    const judge = (expr: string) => evaluateThreshold(parseThreshold(expr), [small]);
    expect(judge('p99<800')).toMatchObject({ status: 'not-judged', pass: false, measured: 149, sample: { non_429: 150, needed: 1000 }, why: 'only 150 non-429 answers (p99<800 needs 1000): run longer (--duration), at a higher rate if the keys allow it (--rate), or over more keys (--load-api-key)' });
    expect(judge('p90<800')).toMatchObject({ status: 'pass', sample: { needed: 100 } });
    expect(judge('p(99.9)<800')).toMatchObject({ status: 'not-judged', sample: { needed: 10_000 } });
    expect(judge('errors<1%')).toMatchObject({ status: 'pass', sample: { needed: 100 } });
  });

  it('a sample more than 5% 429 measures the limiter: no threshold on it is judged, except rate_limited, which measures the limiter', () => {
    // 1,100 answers, 60 of them 429 (5.5%): the rest would pass every threshold.
    const limited = scenario('poll', [...Array.from({ length: 1040 }, () => [GET, 200, 5] as [OutgoingRequest, number, number]), ...Array.from({ length: 60 }, () => [GET, 429, 1] as [OutgoingRequest, number, number])]);
    const judge = (expr: string) => evaluateThreshold(parseThreshold(expr), [limited]);
    for (const expr of ['p99<800', 'errors<1%', 'http_5xx==0', 'rate>0']) {
      expect(judge(expr), expr).toMatchObject({ status: 'not-judged', pass: false, sample: { answers: 1100, non_429: 1040, rate_limited_share: 0.0545 } });
      expect(judge(expr).why, expr).toMatch(/^5\.5% of 1100 answers were 429 \(more than 5%\): the sample measures the rate limiter, not the service/);
    }
    expect(judge('rate_limited<10%')).toMatchObject({ status: 'pass', measured: 60 / 1100 });
    // At 5% or less the same sample is judged.
    const under = scenario('poll', [...Array.from({ length: 1045 }, () => [GET, 200, 5] as [OutgoingRequest, number, number]), ...Array.from({ length: 55 }, () => [GET, 429, 1] as [OutgoingRequest, number, number])]);
    expect(evaluateThreshold(parseThreshold('p99<800'), [under])).toMatchObject({ status: 'pass' });
  });
});
