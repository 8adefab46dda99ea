// The chart renderers are pure: well-formed standalone SVG, escaped text, no
// NaN, honest axes; an empty series draws a "no responses" frame.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CapacityResult, TimelineBucket } from '../../core/load-results.js';
import { capacitySvg, latencyOverTimeSvg, niceMax, nines, percentileSvg } from '../../core/reports/charts.js';

const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0 || process.env.CI === 'true';
const buckets: TimelineBucket[] = Array.from({ length: 8 }, (_, i) => ({
  t_s: (i + 1) * 0.5, responses: 100 + i * 10, rate_limited: 0, errors: 0, p50: 2 + i, p99: i === 3 ? null : 10 + i * 5, max: 40, warmup: i < 2,
}));
const search: CapacityResult = {
  scenario: 'poll', capacity: 150, stopped_by: 'a threshold broke at 225/s',
  points: [
    { rate: 100, achieved: 99.8, answers: 1200, non_429: 1200, rate_limited_share: 0, error_share: 0, p50: 3, p99: 12, verdict: 'pass', notes: [] },
    { rate: 150, achieved: 149.9, answers: 1800, non_429: 1800, rate_limited_share: 0.01, error_share: 0.002, p50: 4, p99: 20, verdict: 'pass', notes: [] },
    { rate: 225, achieved: 180, answers: 2700, non_429: 2400, rate_limited_share: 0.11, error_share: 0.04, p50: 40, p99: null, verdict: 'limited', notes: ['11% 429'] },
    { rate: 190, achieved: 185, answers: 2300, non_429: 2300, rate_limited_share: 0.02, error_share: 0.01, p50: 30, p99: 900, verdict: 'fail', notes: ['p99<800 broke'] },
  ],
};
// The plot's geometry (charts.ts): x from 56 to 584, y from 28 (top) to 220 (axis).
const px = (rate: number, xMax: number): string => (Math.round((56 + (rate / xMax) * 528) * 10) / 10).toString();
const py = (v: number, max: number): string => (Math.round((220 - (v / max) * 192) * 10) / 10).toString();
const curve = [{ endpoint: 'getJob', points: [{ p: 0, ms: 1 }, { p: 50, ms: 2 }, { p: 99, ms: 9 }, { p: 99.9, ms: 30 }, { p: 100, ms: 31 }] }, { endpoint: '<b>&"', points: [{ p: 50, ms: 3 }, { p: 100, ms: 4 }] }];

describe('load charts', () => {
  it('nice axis bounds and the nines scale', () => {
    expect([niceMax(0), niceMax(0.7), niceMax(7), niceMax(31), niceMax(120), niceMax(Number.NaN)]).toEqual([1, 1, 10, 50, 200, 1]);
    expect([nines(0), nines(90), nines(99), nines(99.9)].map((x) => +x.toFixed(6))).toEqual([0, 1, 2, 3]);
  });

  it('draw p50/p99 lines, bars and the shaded warm-up; the percentile lines per endpoint, text escaped', () => {
    const t = latencyOverTimeSvg('poll', buckets);
    expect(t).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 640 260"/);
    expect(t.match(/<polyline /g)).toHaveLength(2);
    expect(t.match(/<rect [^>]*fill="#9ca3af"/g)).toHaveLength(8);
    expect(t).toContain('warm-up (not measured)');
    const p = percentileSvg('mixed', curve);
    expect(p.match(/<polyline /g)).toHaveLength(2);
    expect(p).toContain('&lt;b&gt;&amp;&quot;');
    expect(p).toContain('>99.9%<');
    for (const svg of [t, p, latencyOverTimeSvg('x', []), percentileSvg('x', [])]) expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    expect(percentileSvg('x', [])).toContain('no responses');
  });

  it('the capacity curve: p50 and p99 on the left axis, 429 and error share on the right, verdict markers, the capacity a vertical line', () => {
    const svg = capacitySvg(search);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 640 260"[^>]* aria-label="poll: capacity search"/);
    expect(svg).toContain('<title>poll: capacity search</title>');
    // x up to niceMax(225) = 500/s; latency up to niceMax(900) = 1000 ms; shares up to niceMax(11%) = 20%.
    const lines = [...svg.matchAll(/<polyline [^>]*stroke="([^"]+)"[^>]*points="([^"]+)"/g)].map((m) => ({ color: m[1], points: m[2] }));
    expect(lines).toHaveLength(4);
    // p99 skips the step that has none; points in rate order whatever order the search ran them.
    expect(lines[1]).toEqual({ color: '#d62728', points: [[100, 12], [150, 20], [190, 900]].map(([r, ms]) => `${px(r!, 500)},${py(ms!, 1000)}`).join(' ') });
    expect(lines[0]!.points!.split(' ')).toHaveLength(4);
    expect(lines[2]!.points!.split(' ')[2]).toBe(`${px(190, 500)},${py(2, 20)}`);
    expect(svg.match(/stroke-dasharray="5 3"/g)).toHaveLength(4); // two share lines and their legend keys
    const cap = /<line class="capacity" x1="([\d.]+)" x2="([\d.]+)" y1="28" y2="220"/.exec(svg);
    expect(cap?.[1]).toBe(px(150, 500));
    expect(cap?.[2]).toBe(px(150, 500));
    expect(svg).toContain('capacity 150/s');
    // One marker per step (plus the key's three), by verdict; the step without a p99 sits on the axis.
    expect(svg.match(/class="verdict-pass"/g)).toHaveLength(3);
    expect(svg.match(/class="verdict-fail"/g)).toHaveLength(2);
    expect(svg).toMatch(new RegExp(`<polygon class="verdict-limited" points="${px(225, 500)},215 `));
    for (const label of ['>p50<', '>p99<', '>429 share<', '>error share<', '>500/s<', '>20%<', '>1 s<']) expect(svg).toContain(label);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('the capacity curve without a capacity has no vertical line; without a step it says so', () => {
    const none = capacitySvg({ ...search, capacity: null, scenario: 'mixed' });
    expect(none).not.toContain('class="capacity"');
    expect(none).toContain('aria-label="mixed: capacity search"');
    const empty = capacitySvg({ ...search, points: [], capacity: null });
    expect(empty).toContain('no step of the search ran');
    expect(empty).not.toMatch(/NaN|Infinity|undefined/);
    // All shares 0 and a single step: still finite, a dot rather than a line.
    const one = capacitySvg({ ...search, capacity: 100, points: [search.points[0]!] });
    expect(one).not.toMatch(/NaN|Infinity|undefined|<polyline/);
  });

  it.skipIf(!hasXmllint)('each chart is well-formed XML on its own (xmllint)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobcert-svg-'));
    for (const [name, svg] of [['t.svg', latencyOverTimeSvg('poll', buckets)], ['p.svg', percentileSvg('mixed', curve)], ['c.svg', capacitySvg(search)], ['n.svg', capacitySvg({ ...search, capacity: null })]] as const) {
      writeFileSync(join(dir, name), svg);
      expect(execFileSync('xmllint', ['--noout', join(dir, name)], { encoding: 'utf8' })).toBe('');
    }
  });
});
