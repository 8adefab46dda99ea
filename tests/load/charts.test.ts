// The chart renderers are pure: well-formed standalone SVG, escaped text, no
// NaN, honest axes; an empty series draws a "no responses" frame.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TimelineBucket } from '../../core/load-results.js';
import { latencyOverTimeSvg, niceMax, nines, percentileSvg } from '../../core/reports/charts.js';

const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0 || process.env.CI === 'true';
const buckets: TimelineBucket[] = Array.from({ length: 8 }, (_, i) => ({
  t_s: (i + 1) * 0.5, responses: 100 + i * 10, rate_limited: 0, errors: 0, p50: 2 + i, p99: i === 3 ? null : 10 + i * 5, max: 40, warmup: i < 2,
}));
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

  it.skipIf(!hasXmllint)('each chart is well-formed XML on its own (xmllint)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobcert-svg-'));
    for (const [name, svg] of [['t.svg', latencyOverTimeSvg('poll', buckets)], ['p.svg', percentileSvg('mixed', curve)]] as const) {
      writeFileSync(join(dir, name), svg);
      expect(execFileSync('xmllint', ['--noout', join(dir, name)], { encoding: 'utf8' })).toBe('');
    }
  });
});
