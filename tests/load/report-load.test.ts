// The Load section of compliance.md and compliance.html, from hand-built
// results (no network, no load): every latency figure beside its sample size,
// thresholds with status, sample and why, how the load was offered, the
// capacity search's table and chart; older documents still render.
import { describe, expect, it } from 'vitest';
import type { CapacityResult, EndpointMetrics, LoadResults, ScenarioResult, ThresholdResult } from '../../core/load-results.js';
import { renderLoadHtml } from '../../core/reports/load-html.js';
import { renderLoadMarkdown } from '../../core/reports/load-markdown.js';

function metrics(endpoint: EndpointMetrics['endpoint'], n: number | null): EndpointMetrics {
  return {
    endpoint, requests: 11_914, responses: 11_914, ok: n ?? 0, rate_limited: 11_914 - (n ?? 0), http_5xx: 0, errors: 0, timeouts: 0, connection_errors: 0,
    statuses: { 200: n ?? 0, 429: 11_914 - (n ?? 0) }, throughput: 397, ok_throughput: 1.5, rate_limited_share: 0.996, error_share: 0,
    latency: n === null ? null : { count: n, min: 1, avg: 2, p50: 2.1, p90: 3.3, p95: 4, p99: 5.6, p999: 7.7, max: 9.9 },
  };
}

function scenario(over: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    name: 'poll', title: 'polling <jobs> & "listing"', status: 'ran', stop_reason: null, notes: ['open model: should not repeat', 'a plain note'],
    model: { kind: 'open', rate: 400, source: 'embedded', basis: "the embedded mock's fixed rate (its limiter is off): 400/s", max_send_delay_ms: 12, expired: 3 },
    setup_requests: 5, requests_sent: 12_000, started_at: '2026-12-03T00:00:00.000Z', elapsed_ms: 31_000, warmup_s: 1, measured_s: 30,
    all: metrics('all', 44), endpoints: [metrics('getJob', 44)],
    timeline: [{ t_s: 1, responses: 400, rate_limited: 398, errors: 0, p50: 2, p99: 5, max: 9, warmup: false }],
    percentiles: [{ endpoint: 'all', points: [{ p: 50, ms: 2 }, { p: 100, ms: 9 }] }],
    contract: { sampled: 10, violations: 0 }, rate_limit: { responses: 11_870, bad_retry_after: 0 },
    ...over,
  };
}

const judged: ThresholdResult = {
  expr: 'errors<1%', id: 'load.threshold.errors-lt-1pct', scope: 'all scenarios', measured: 0, display: '0%', limit: '< 1%',
  status: 'pass', pass: true, sample: { answers: 2_000, non_429: 2_000, rate_limited_share: 0, needed: 100 },
};
const notJudged: ThresholdResult = {
  expr: 'p99<800', id: 'load.threshold.p99-lt-800', scope: 'all scenarios', measured: 5.6, display: '5.60 ms', limit: '< 800.0 ms',
  status: 'not-judged', pass: false, sample: { answers: 11_914, non_429: 44, rate_limited_share: 0.9963, needed: 1000 },
  why: '99.6% of 11914 answers were 429 (more than 5%): offer less load (a lower --rate) or spread it over <more> keys',
};
const failed: ThresholdResult = {
  expr: 'poll/getJob:p99<2', id: 'load.threshold.poll.getJob.p99-lt-2', scope: 'poll/getJob', measured: 5.6, display: '5.60 ms', limit: '< 2.00 ms',
  status: 'fail', pass: false, sample: { answers: 1_500, non_429: 1_500, rate_limited_share: 0, needed: 1000 },
};

const capacity: CapacityResult = {
  scenario: 'poll', capacity: 225, stopped_by: 'a threshold broke at 337.5/s: p99<800 broke: measured 950 ms on 3000 answers',
  points: [
    { rate: 337.5, achieved: 300.2, answers: 3_100, non_429: 3_000, rate_limited_share: 0.03, error_share: 0.01, p50: 120, p99: 950, verdict: 'fail', notes: ['p99<800 broke: measured 950 ms on 3000 answers'] },
    { rate: 100, achieved: 99.8, answers: 1_200, non_429: 1_200, rate_limited_share: 0, error_share: 0, p50: 3, p99: 12, verdict: 'pass', notes: [] },
    { rate: 150, achieved: 149.9, answers: 1_800, non_429: 1_800, rate_limited_share: 0, error_share: 0, p50: 4, p99: 20, verdict: 'pass', notes: [] },
    { rate: 225, achieved: 224, answers: 2_700, non_429: 2_700, rate_limited_share: 0.001, error_share: 0.002, p50: 6, p99: 300, verdict: 'pass', notes: [] },
  ],
};

function results(over: Partial<LoadResults> = {}): LoadResults {
  return {
    tool: 'jobcert-load', format: 1, target: 'http://127.0.0.1:1', started_at: '2026-12-03T00:00:00.000Z', duration_ms: 31_000,
    settings: {
      scenarios: ['poll'], connections: 8, duration_s: 30, warmup_s: 1, rate: 400, timeout_ms: 10_000, keys: 1, video_url: 'https://example.test/v.mp4',
      thresholds: ['p99<800', 'errors<1%'], caps: { maxDurationS: 600, maxRequests: 100_000, abortAfterErrors: 100 },
    },
    scenarios: [scenario()], thresholds: [judged, notJudged, failed],
    billing: null, stopped_early: null, requests_sent: 12_005,
    ...over,
  };
}

/** Tag balance, quoted attributes and escaped text: enough to call a string of SVG well-formed XML without a parser dependency. */
function wellFormed(xml: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    expect(text, `text before offset ${lt}`).not.toMatch(/&(?!(amp|lt|gt|quot|#39|#\d+);)|>/);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    expect(m, `a well-formed tag at offset ${lt}: ${xml.slice(lt, lt + 60)}`).not.toBeNull();
    const [whole, close, name = '', , selfClosing] = m!;
    if (close) expect(stack.pop(), `</${name}> closes the open tag`).toBe(name);
    else if (!selfClosing) stack.push(name);
    i = lt + whole.length;
  }
  expect(stack).toEqual([]);
}

const svgs = (html: string): string[] => html.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];

describe('the Load section of the reports', () => {
  it('shows the sample size beside every latency figure, in both formats', () => {
    const md = renderLoadMarkdown(results());
    expect(md).toContain('| endpoint | responses | per s | n (non-429) | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |');
    expect(md).toMatch(/^\| `getJob` \| 11914 \| 397 \| 44 \| 2\.10 \| 3\.30 \| 5\.60 \| 7\.70 \| 9\.90 \|/m);
    const html = renderLoadHtml(results());
    expect(html).toContain('<th title="the non-429 answers the latency figures are computed from">n (non-429)</th><th>p50 ms</th>');
    expect(html).toContain('<td>397</td><td class="n">44</td><td>2.10</td><td>3.30</td><td>5.60</td>');
    // No latency (nothing but 429): n is 0 and every figure a dash.
    const none = results({ scenarios: [scenario({ all: metrics('all', null), endpoints: [metrics('getJob', null)] })] });
    expect(renderLoadMarkdown(none)).toMatch(/^\| `getJob` \| 11914 \| 397 \| 0 \| — \| — \| — \| — \| — \|/m);
    expect(renderLoadHtml(none)).toContain('<td class="n">0</td><td>—</td><td>—</td><td>—</td><td>—</td><td>—</td>');
  });

  it('says how the load was offered, once, from the model', () => {
    const line = "open model at 400 req/s (the embedded mock's fixed rate (its limiter is off): 400/s); requests went out at most 12 ms after their scheduled time; 3 never went out (no free connection within the timeout: counted as timeouts)";
    expect(renderLoadMarkdown(results())).toContain(`Load: ${line}.`);
    const html = renderLoadHtml(results());
    expect(html).toContain(`<p class="model">Load: ${line.replace(/'/g, '&#39;')}</p>`);
    expect(html).not.toContain('should not repeat');
    expect(html).toContain('a plain note');
    const closed = results({ settings: { ...results().settings, rate: null }, scenarios: [scenario({ model: { kind: 'closed', rate: null, source: 'closed', basis: 'closed model (--closed-loop): each connection sends when its last answer came' } })] });
    expect(renderLoadMarkdown(closed)).toContain('Load: closed model (--closed-loop): each connection sends when its last answer came.');
    const staged = results({ scenarios: [scenario({ model: { kind: 'open', rate: 300, start_rate: 0, stages: [{ duration_s: 10, target: 300 }, { duration_s: 20, target: 300 }], source: 'flag', basis: 'the stages given (--stages), peak 300/s', max_send_delay_ms: 0, expired: 0 } })] });
    expect(renderLoadMarkdown(staged)).toContain('Load: open model in stages from 0 req/s: 300 req/s over 10 s, 300 req/s over 20 s (the stages given (--stages), peak 300/s); requests went out at most 0 ms after their scheduled time.');
  });

  it('shows each threshold as PASS, FAIL or NOT JUDGED with the sample it was measured on and, when not judged, why', () => {
    const md = renderLoadMarkdown(results());
    expect(md).toContain('| threshold | scope | measured (on what sample) | limit | result | why not judged |');
    expect(md).toContain('| `errors<1%` | all scenarios | errors 0% on 2,000 non-429 of 2,000 answers, 0.0% 429 | < 1% | ✅ PASS |  |');
    expect(md).toContain(`| \`p99<800\` | all scenarios | p99 5.60 ms on 44 non-429 of 11,914 answers, 99.6% 429 | < 800.0 ms | ⚠️ NOT JUDGED | ${notJudged.why} |`);
    expect(md).toContain('| `poll/getJob:p99<2` | poll/getJob | p99 5.60 ms on 1,500 non-429 of 1,500 answers, 0.0% 429 | < 2.00 ms | ❌ FAIL |  |');
    const html = renderLoadHtml(results());
    expect(html).toContain('<tr class="pass"><td><code>errors&lt;1%</code></td><td>all scenarios</td><td>errors 0% on 2,000 non-429 of 2,000 answers, 0.0% 429</td><td>&lt; 1%</td><td class="result">PASS</td><td></td></tr>');
    expect(html).toContain('<tr class="not-judged"><td><code>p99&lt;800</code></td><td>all scenarios</td><td>p99 5.60 ms on 44 non-429 of 11,914 answers, 99.6% 429</td><td>&lt; 800.0 ms</td><td class="result">NOT JUDGED</td>'
      + '<td>99.6% of 11914 answers were 429 (more than 5%): offer less load (a lower --rate) or spread it over &lt;more&gt; keys</td></tr>');
    expect(html).toContain('<td class="result">FAIL</td>');
    // Nothing measured: the sample still shows.
    const nothing: ThresholdResult = { ...notJudged, display: 'nothing measured', sample: { answers: 0, non_429: 0, rate_limited_share: 0, needed: 1000 }, why: 'nothing was measured in its scope' };
    delete nothing.measured;
    expect(renderLoadMarkdown(results({ thresholds: [nothing] }))).toContain('| nothing measured (0 non-429 of 0 answers, 0.0% 429) | < 800.0 ms | ⚠️ NOT JUDGED | nothing was measured in its scope |');
  });

  it('escapes what it is given', () => {
    const html = renderLoadHtml(results());
    expect(html).toContain('polling &lt;jobs&gt; &amp; &quot;listing&quot;');
    expect(html).not.toContain('<more>');
    const md = renderLoadMarkdown(results({ thresholds: [{ ...notJudged, why: 'a | b\nc' }] }));
    expect(md).toContain('| a \\| b c |');
  });

  it('draws the capacity search, a table and (in HTML) its curve, when there is one', () => {
    const r = results({ scenarios: [], thresholds: [], capacity, settings: { ...results().settings, rate: null } });
    const md = renderLoadMarkdown(r);
    expect(md).toContain('### Capacity search: poll');
    expect(md).toContain('capacity 225/s on poll: the highest rate at which every threshold held (p99<800, errors<1%); stopped by a threshold broke at 337.5/s');
    expect(md).toContain('| rate /s | achieved non-429/s | answers | non-429 | 429 share | error share | p50 ms | p99 ms | verdict | notes |');
    const rows = md.split('\n').filter((l) => /^\| [\d.]+( \(capacity\))? \|/.test(l));
    expect(rows).toEqual([
      '| 100 | 99.8 | 1200 | 1200 | 0.0% | 0.0% | 3.00 | 12.0 | PASS | — |',
      '| 150 | 149.9 | 1800 | 1800 | 0.0% | 0.0% | 4.00 | 20.0 | PASS | — |',
      '| 225 (capacity) | 224 | 2700 | 2700 | 0.1% | 0.2% | 6.00 | 300.0 | PASS | — |',
      '| 337.5 | 300.2 | 3100 | 3000 | 3.0% | 1.0% | 120.0 | 950.0 | FAIL | p99<800 broke: measured 950 ms on 3000 answers |',
    ]);
    expect(md).not.toContain('<svg');
    expect(md).toContain('rates of the capacity search');
    expect(md).not.toContain('| threshold | scope |');

    const html = renderLoadHtml(r);
    expect(html).toContain('<h3>Capacity search: <code>poll</code></h3>');
    expect(html).toContain('<tr class="fail"><td>337.5</td><td>300.2</td><td>3100</td><td>3000</td><td>3.0%</td><td>1.0%</td><td>120.0</td><td>950.0</td><td class="result">FAIL</td><td>p99&lt;800 broke: measured 950 ms on 3000 answers</td></tr>');
    expect(html).not.toContain('Billing after the load');
    const [svg, ...rest] = svgs(html);
    expect(rest).toEqual([]);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('aria-label="poll: capacity search"');
    wellFormed(svg!);
  });

  it('shows no capacity search without one, and no charts of it', () => {
    const md = renderLoadMarkdown(results());
    const html = renderLoadHtml(results());
    expect(md).not.toContain('Capacity search');
    expect(html).not.toContain('Capacity search');
    expect(html).not.toContain('capacity search"');
    expect(svgs(html)).toHaveLength(2);
    for (const svg of svgs(html)) wellFormed(svg);
  });

  it('says when no rate held, or no step ran', () => {
    const none: CapacityResult = { ...capacity, capacity: null, stopped_by: "the keys' limits: 40% of 1000 answers were 429", points: [{ ...capacity.points[1]!, verdict: 'limited', rate_limited_share: 0.4, notes: ['40% 429'] }] };
    const r = results({ scenarios: [], thresholds: [], capacity: none });
    expect(renderLoadMarkdown(r)).toContain("no rate met every threshold on poll; stopped by the keys' limits: 40% of 1000 answers were 429");
    const html = renderLoadHtml(r);
    expect(html).toContain('<td class="result">LIMITED</td>');
    expect(html).not.toContain('class="capacity"');
    const empty = results({ scenarios: [], thresholds: [], capacity: { ...capacity, capacity: null, points: [], stopped_by: 'the request cap is spent' } });
    expect(renderLoadMarkdown(empty)).toContain('no step of the search on poll could run; stopped by the request cap is spent');
    expect(renderLoadHtml(empty)).not.toContain('<svg');
  });

  it('renders older documents, without model, status nor sample, without throwing and without the new lines', () => {
    const { model: _model, ...old } = scenario();
    const oldThresholds = [{ expr: 'p99<800', id: 'x', scope: 'all scenarios', measured: 5.6, display: '5.60 ms', limit: '< 800.0 ms', pass: true }, { expr: 'errors<1%', id: 'y', scope: 'all scenarios', measured: 0.5, display: '50%', limit: '< 1%', pass: false }];
    // A document written before ThresholdResult had status and sample, as JSON.parse would hand it over.
    const r = JSON.parse(JSON.stringify(results({ scenarios: [old], thresholds: [] }))) as LoadResults;
    (r as unknown as { thresholds: unknown[] }).thresholds = oldThresholds;
    const md = renderLoadMarkdown(r);
    expect(md).toContain('| `p99<800` | all scenarios | 5.60 ms | < 800.0 ms | ✅ PASS |  |');
    expect(md).toContain('| `errors<1%` | all scenarios | 50% | < 1% | ❌ FAIL |  |');
    expect(md).not.toContain('Load: ');
    const html = renderLoadHtml(r);
    expect(html).toContain('<td>5.60 ms</td><td>&lt; 800.0 ms</td><td class="result">PASS</td>');
    expect(html).not.toContain('class="model"');
    // Without a model the stage's own note is all there is: it stays.
    expect(html).toContain('open model: should not repeat');
  });
});
