/**
 * The LOAD section's charts as inline SVG strings (no script, no external
 * resource): latency over time (p50 and p99 per bucket, throughput bars,
 * warm-up shaded), latency by percentile (the HdrHistogram view, one line
 * per endpoint) and the capacity search's curve (offered rate against p50,
 * p99, 429 and error share). Pure functions of the results.
 */
import type { CapacityPoint, CapacityResult, PercentilePoint, TimelineBucket } from '../load-results.js';

const W = 640;
const H = 260;
const PAD = { left: 56, right: 56, top: 28, bottom: 40 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** A coordinate or figure to one decimal, never NaN in the SVG. */
export const num = (n: number): string => (Number.isFinite(n) ? (Math.round(n * 10) / 10).toString() : '0');

/** A round upper bound for an axis: 1, 2, 5 × 10^k. */
export function niceMax(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const exp = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * exp >= v) ?? 10) * exp;
}

const fmtMs = (ms: number): string => (ms >= 1000 ? `${num(ms / 1000)} s` : `${num(ms)} ms`);

function frame(title: string, body: string, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(label)}" font-family="system-ui,sans-serif" font-size="11">`
    + `<title>${esc(label)}</title><rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`
    + `<text x="${PAD.left}" y="16" font-size="13" font-weight="600" fill="#1d2330">${esc(title)}</text>${body}</svg>`;
}

function yAxis(max: number, fmt: (v: number) => string, side: 'left' | 'right', color = '#555'): string {
  const x = side === 'left' ? PAD.left : PAD.left + PLOT_W;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = PAD.top + PLOT_H - f * PLOT_H;
    const grid = side === 'left' ? `<line x1="${PAD.left}" x2="${PAD.left + PLOT_W}" y1="${num(y)}" y2="${num(y)}" stroke="#e5e7eb"/>` : '';
    const anchor = side === 'left' ? 'end' : 'start';
    const tx = side === 'left' ? x - 6 : x + 6;
    return `${grid}<text x="${tx}" y="${num(y + 4)}" text-anchor="${anchor}" fill="${color}">${esc(fmt(max * f))}</text>`;
  });
  return ticks.join('') + `<line x1="${x}" x2="${x}" y1="${PAD.top}" y2="${PAD.top + PLOT_H}" stroke="#9ca3af"/>`;
}

const DASHED = '5 3';

function polyline(points: [number, number][], color: string, width = 2, dasharray?: string): string {
  if (points.length === 0) return '';
  if (points.length === 1) return `<circle cx="${num(points[0]![0])}" cy="${num(points[0]![1])}" r="3" fill="${color}"/>`;
  return `<polyline fill="none" stroke="${color}" stroke-width="${width}" stroke-linejoin="round"${dasharray ? ` stroke-dasharray="${dasharray}"` : ''} points="${points.map(([x, y]) => `${num(x)},${num(y)}`).join(' ')}"/>`;
}

/** Right-aligned above the plot, clear of the title on the left. dash: a bar (throughput); dashed: a dashed line (right-axis series). */
function legend(items: { label: string; color: string; dash?: boolean; dashed?: boolean }[]): string {
  const width = items.reduce((w, it) => w + 28 + it.label.length * 6.2, 0);
  let x = Math.max(PAD.left + 260, W - PAD.right - width);
  return items.map((it) => {
    const out = `<line x1="${x}" x2="${x + 16}" y1="12" y2="12" stroke="${it.color}" stroke-width="${it.dash ? 8 : 2}"${it.dash ? ' stroke-opacity="0.35"' : ''}${it.dashed ? ` stroke-dasharray="${DASHED}"` : ''}/><text x="${x + 20}" y="16" fill="#1d2330">${esc(it.label)}</text>`;
    x += 28 + it.label.length * 6.2;
    return out;
  }).join('');
}

/** Latency over time: p50 and p99 of non-429 responses per bucket, responses per second as bars, warm-up shaded. */
export function latencyOverTimeSvg(title: string, buckets: readonly TimelineBucket[]): string {
  const label = `${title}: latency over time`;
  if (buckets.length === 0) return frame(label, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#555">no responses</text>`, label);
  const bucketS = buckets[0]!.t_s;
  const endS = buckets[buckets.length - 1]!.t_s;
  const x = (t: number): number => PAD.left + (t / endS) * PLOT_W;
  const yMax = niceMax(Math.max(...buckets.map((b) => b.p99 ?? 0)));
  const y = (ms: number): number => PAD.top + PLOT_H - (Math.min(ms, yMax) / yMax) * PLOT_H;
  const rates = buckets.map((b) => b.responses / bucketS);
  const rMax = niceMax(Math.max(...rates));
  const warmupEnd = buckets.filter((b) => b.warmup).at(-1)?.t_s ?? 0;
  const barW = Math.max(1, PLOT_W / buckets.length - 2);
  const bars = buckets.map((b, i) => {
    const h = (rates[i]! / rMax) * PLOT_H;
    return `<rect x="${num(x(b.t_s - bucketS) + 1)}" y="${num(PAD.top + PLOT_H - h)}" width="${num(barW)}" height="${num(h)}" fill="#9ca3af" fill-opacity="0.35"/>`;
  }).join('');
  const line = (k: 'p50' | 'p99'): [number, number][] => buckets.flatMap((b) => (b[k] === null ? [] : [[x(b.t_s - bucketS / 2), y(b[k] as number)] as [number, number]]));
  const shade = warmupEnd > 0
    ? `<rect x="${PAD.left}" y="${PAD.top}" width="${num(x(warmupEnd) - PAD.left)}" height="${PLOT_H}" fill="#fde68a" fill-opacity="0.35"/><text x="${num(PAD.left + 4)}" y="${PAD.top + 12}" fill="#92400e">warm-up (not measured)</text>`
    : '';
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${num(PAD.left + f * PLOT_W)}" y="${PAD.top + PLOT_H + 16}" text-anchor="middle" fill="#555">${num(f * endS)} s</text>`).join('');
  const body = shade + bars + yAxis(yMax, fmtMs, 'left') + yAxis(rMax, (v) => `${Math.round(v)}/s`, 'right', '#6b7280') + xTicks
    + polyline(line('p50'), COLORS[0]!) + polyline(line('p99'), COLORS[1]!)
    + `<text x="${PAD.left + PLOT_W / 2}" y="${H - 6}" text-anchor="middle" fill="#555">time since the scenario started</text>`
    + legend([{ label: 'p50', color: COLORS[0]! }, { label: 'p99', color: COLORS[1]! }, { label: 'responses/s', color: '#9ca3af', dash: true }]);
  return frame(label, body, label);
}

/** x position of a percentile on the "nines" scale: 0 → 0, 90 → 1, 99 → 2, 99.9 → 3 … */
export function nines(p: number): number {
  return p >= 100 ? Number.POSITIVE_INFINITY : Math.log10(100 / (100 - p));
}

/** Latency by percentile, one line per endpoint; x on the nines scale up to the finest percentile measured. */
export function percentileSvg(title: string, series: readonly { endpoint: string; points: readonly PercentilePoint[] }[]): string {
  const label = `${title}: latency by percentile`;
  const usable = series.filter((s) => s.points.length > 0);
  if (usable.length === 0) return frame(label, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#555">no responses</text>`, label);
  const finite = usable.flatMap((s) => s.points.filter((p) => p.p < 100).map((p) => nines(p.p)));
  const xMax = Math.max(1, Math.ceil(Math.max(0, ...finite) + 0.5));
  // The maximum (p100) sits at the right edge.
  const x = (p: number): number => PAD.left + (Math.min(nines(p), xMax) / xMax) * PLOT_W;
  const yMax = niceMax(Math.max(...usable.flatMap((s) => s.points.map((p) => p.ms))));
  const y = (ms: number): number => PAD.top + PLOT_H - (ms / yMax) * PLOT_H;
  const xTicks = Array.from({ length: xMax + 1 }, (_, i) => {
    const p = i === 0 ? 0 : 100 - 100 / 10 ** i;
    const text = i === xMax ? 'max' : `${+p.toFixed(4)}%`;
    return `<text x="${num(PAD.left + (i / xMax) * PLOT_W)}" y="${PAD.top + PLOT_H + 16}" text-anchor="middle" fill="#555">${text}</text>`;
  }).join('');
  const lines = usable.map((s, i) => polyline(s.points.map((p) => [x(p.p), y(p.ms)]), COLORS[i % COLORS.length]!)).join('');
  const body = yAxis(yMax, fmtMs, 'left') + xTicks + lines
    + `<text x="${PAD.left + PLOT_W / 2}" y="${H - 6}" text-anchor="middle" fill="#555">percentile (non-429 responses, measured window)</text>`
    + legend(usable.map((s, i) => ({ label: s.endpoint, color: COLORS[i % COLORS.length]! })));
  return frame(label, body, label);
}

const VERDICT_COLOR: Record<CapacityPoint['verdict'], string> = { pass: '#1f7a44', fail: '#b3261e', limited: '#c77700' };

/** A point's marker: pass a circle, fail a square, limited a triangle (shape as well as colour, for colour-blind readers). */
function marker(verdict: CapacityPoint['verdict'], cx: number, cy: number, tip: string): string {
  const c = VERDICT_COLOR[verdict];
  const t = `<title>${esc(tip)}</title>`;
  if (verdict === 'pass') return `<circle class="verdict-pass" cx="${num(cx)}" cy="${num(cy)}" r="4" fill="${c}">${t}</circle>`;
  if (verdict === 'fail') return `<rect class="verdict-fail" x="${num(cx - 4)}" y="${num(cy - 4)}" width="8" height="8" fill="${c}">${t}</rect>`;
  return `<polygon class="verdict-limited" points="${num(cx)},${num(cy - 5)} ${num(cx + 5)},${num(cy + 4)} ${num(cx - 5)},${num(cy + 4)}" fill="${c}">${t}</polygon>`;
}

/** The markers' key, bottom right, under the x ticks. */
function verdictKey(): string {
  let x = W - PAD.right - 150;
  const y = H - 10;
  return (['pass', 'fail', 'limited'] as const).map((v) => {
    const out = marker(v, x + 4, y, v) + `<text x="${x + 12}" y="${y + 4}" fill="#1d2330">${v}</text>`;
    x += 20 + v.length * 6.2 + 10;
    return out;
  }).join('');
}

/**
 * The capacity search's curve: x the offered rate; p50 and p99 (ms, left
 * axis) and the 429 and error shares (%, right axis, dashed); each step marked
 * by its verdict; the capacity (the highest rate that held) a vertical line.
 */
export function capacitySvg(c: CapacityResult): string {
  const label = `${c.scenario}: capacity search`;
  if (c.points.length === 0) return frame(label, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#555">no step of the search ran</text>`, label);
  const points = [...c.points].sort((a, b) => a.rate - b.rate);
  const xMax = niceMax(Math.max(...points.map((p) => p.rate), c.capacity ?? 0));
  const x = (rate: number): number => PAD.left + (rate / xMax) * PLOT_W;
  const yMax = niceMax(Math.max(...points.map((p) => Math.max(p.p50 ?? 0, p.p99 ?? 0))));
  const y = (ms: number): number => PAD.top + PLOT_H - (Math.min(ms, yMax) / yMax) * PLOT_H;
  // Shares on their own scale, up to 100%: a 0.5% error share would vanish on 0..100.
  const sMax = Math.min(100, niceMax(Math.max(...points.map((p) => Math.max(p.rate_limited_share, p.error_share) * 100))));
  const ys = (share: number): number => PAD.top + PLOT_H - (Math.min(share * 100, sMax) / sMax) * PLOT_H;
  const latency = (k: 'p50' | 'p99'): [number, number][] => points.flatMap((p) => (p[k] === null ? [] : [[x(p.rate), y(p[k] as number)] as [number, number]]));
  const share = (k: 'rate_limited_share' | 'error_share'): [number, number][] => points.map((p) => [x(p.rate), ys(p[k])]);
  const pctOf = (v: number): string => `${num(v * 100)}%`;
  const markers = points.map((p) => marker(p.verdict, x(p.rate), p.p99 === null ? PAD.top + PLOT_H : y(p.p99),
    `${p.rate}/s: ${p.verdict}; p50 ${p.p50 === null ? '—' : fmtMs(p.p50)}, p99 ${p.p99 === null ? '—' : fmtMs(p.p99)} on ${p.non_429} non-429 of ${p.answers} answers; ${pctOf(p.rate_limited_share)} 429, ${pctOf(p.error_share)} errors`)).join('');
  const capacity = c.capacity === null ? ''
    : `<line class="capacity" x1="${num(x(c.capacity))}" x2="${num(x(c.capacity))}" y1="${PAD.top}" y2="${PAD.top + PLOT_H}" stroke="${VERDICT_COLOR.pass}" stroke-width="1.5" stroke-dasharray="2 2"/>`
      // Label on the side with room: right of the line, or left of it near the right edge.
      + (x(c.capacity) > PAD.left + PLOT_W * 0.75
        ? `<text x="${num(x(c.capacity) - 4)}" y="${PAD.top + 12}" text-anchor="end" fill="${VERDICT_COLOR.pass}">capacity ${num(c.capacity)}/s</text>`
        : `<text x="${num(x(c.capacity) + 4)}" y="${PAD.top + 12}" fill="${VERDICT_COLOR.pass}">capacity ${num(c.capacity)}/s</text>`);
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${num(PAD.left + f * PLOT_W)}" y="${PAD.top + PLOT_H + 16}" text-anchor="middle" fill="#555">${+(f * xMax).toFixed(2)}/s</text>`).join('');
  const body = yAxis(yMax, fmtMs, 'left') + yAxis(sMax, (v) => `${+v.toFixed(2)}%`, 'right', '#6b7280') + xTicks + capacity
    + polyline(latency('p50'), COLORS[0]!) + polyline(latency('p99'), COLORS[1]!)
    + polyline(share('rate_limited_share'), COLORS[4]!, 1.5, DASHED) + polyline(share('error_share'), COLORS[3]!, 1.5, DASHED)
    + markers
    + `<text x="${PAD.left}" y="${H - 6}" fill="#555">offered rate (requests/s)</text>` + verdictKey()
    + legend([{ label: 'p50', color: COLORS[0]! }, { label: 'p99', color: COLORS[1]! }, { label: '429 share', color: COLORS[4]!, dashed: true }, { label: 'error share', color: COLORS[3]!, dashed: true }]);
  return frame(label, body, label);
}
