/**
 * The overview at the top of compliance.html and compliance.md: the verdict,
 * a bar per family (pass/fail/error/skip), the coverage matrix (every rule of
 * SPEC §2 against the checks that judged it, unjudged MUST rules in red), a
 * timeline of the run (requests over time per key, 429s and the waits their
 * Retry-After asked for) and the observed rate limit. Inline SVG, no script,
 * no network.
 */
import type { Compliance } from '../results.js';
import { VERDICT_COLOR, VERDICT_TEXT } from './completeness.js';
import { familyCounts, ruleCoverage, type RuleCoverage, type RuleState } from './coverage.js';
import { describeRateLimit } from './rate-limit.js';
import { timelineOf, trafficOf, type RunTraffic, type TimelinePoint } from './traffic.js';
import { num } from './charts.js';
import { esc } from './html-escape.js';


const STATUS_COLOR = { pass: '#1f7a44', fail: '#b3261e', error: '#c77700', skip: '#8a8f99' } as const;
const STATE_COLOR: Record<RuleState, string> = { pass: '#1f7a44', fail: '#b3261e', unjudged: '#b3261e', excused: '#8a8f99' };
const STATE_TEXT: Record<RuleState, string> = { pass: 'judged: holds', fail: 'judged: broken', unjudged: 'NOT JUDGED', excused: 'not judged (excused)' };

/** One horizontal stacked bar per family. */
export function familyBarsSvg(doc: Compliance): string {
  const rows = familyCounts(doc);
  const W = 640;
  const rowH = 22;
  const left = 72;
  const barW = W - left - 150;
  const H = 30 + rows.length * rowH + 8;
  const max = Math.max(1, ...rows.map((r) => r.pass + r.fail + r.error + r.skip));
  const bars = rows.map((r, i) => {
    const y = 28 + i * rowH;
    let x = left;
    const parts = (['pass', 'fail', 'error', 'skip'] as const).map((s) => {
      const w = (r[s] / max) * barW;
      const out = r[s] > 0 ? `<rect class="bar-${s}" x="${num(x)}" y="${y}" width="${num(w)}" height="${rowH - 6}" fill="${STATUS_COLOR[s]}"><title>${esc(`${r.family}: ${r[s]} ${s}`)}</title></rect>` : '';
      x += w;
      return out;
    }).join('');
    const label = `${r.pass} pass${r.fail ? `, ${r.fail} fail` : ''}${r.error ? `, ${r.error} error` : ''}${r.skip ? `, ${r.skip} skip` : ''}`;
    return `<text x="${left - 8}" y="${y + 12}" text-anchor="end" fill="#1d2330">${esc(r.family)}</text>${parts}<text x="${num(x + 6)}" y="${y + 12}" fill="#555">${esc(label)}</text>`;
  }).join('');
  const legend = (['pass', 'fail', 'error', 'skip'] as const).map((s, i) => `<rect x="${left + i * 70}" y="6" width="10" height="10" fill="${STATUS_COLOR[s]}"/><text x="${left + i * 70 + 14}" y="15" fill="#1d2330">${s}</text>`).join('');
  return `<svg class="family-bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="checks per family by result" font-family="system-ui,sans-serif" font-size="11"><title>checks per family by result</title>${legend}${bars}</svg>`;
}

const KEY_ORDER = ['primary', 'alt', 'broke', 'custom', 'none'];

/** Requests over time, a lane per key: a tick per request coloured by its answer, each 429's asked wait as a bar after it. */
export function timelineSvg(points: readonly TimelinePoint[], complete: boolean): string {
  const W = 900;
  const left = 96;
  const plotW = W - left - 20;
  const keys = KEY_ORDER.filter((k) => points.some((p) => p.key === k));
  const laneH = 34;
  const H = 40 + Math.max(1, keys.length) * laneH + 30;
  const end = Math.max(1000, ...points.map((p) => p.t_ms + p.duration_ms), ...points.map((p) => p.t_ms + (p.retry_after_ms ?? 0)));
  const x = (t: number): number => left + (t / end) * plotW;
  const color = (s: number | null): string => (s === null ? '#111' : s === 429 ? '#ff7f0e' : s >= 500 ? '#b3261e' : s >= 400 ? '#8a8f99' : '#1f7a44');
  const lanes = keys.map((k, i) => {
    const y = 36 + i * laneH;
    const mine = points.filter((p) => p.key === k);
    const waits = mine.filter((p) => p.retry_after_ms !== undefined).map((p) => `<rect class="wait" x="${num(x(p.t_ms + p.duration_ms))}" y="${y + laneH - 12}" width="${num(Math.max(1, x(p.t_ms + p.duration_ms + (p.retry_after_ms ?? 0)) - x(p.t_ms + p.duration_ms)))}" height="4" fill="#ff7f0e" fill-opacity="0.35"><title>Retry-After ${num((p.retry_after_ms ?? 0) / 1000)} s</title></rect>`).join('');
    const ticks = mine.map((p) => `<line x1="${num(x(p.t_ms))}" x2="${num(x(p.t_ms))}" y1="${y}" y2="${y + laneH - 16}" stroke="${color(p.status)}" stroke-width="${p.status === 429 || p.status === null || (p.status ?? 0) >= 500 ? 1.6 : 0.8}"/>`).join('');
    const throttled = mine.filter((p) => p.status === 429).length;
    return `<text x="${left - 8}" y="${y + 12}" text-anchor="end" fill="#1d2330">${esc(k)}</text><text x="${left - 8}" y="${y + 24}" text-anchor="end" fill="#777" font-size="10">${mine.length}${throttled ? `, ${throttled}×429` : ''}</text>${ticks}${waits}`;
  }).join('');
  const axis = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${num(left + f * plotW)}" y="${H - 10}" text-anchor="middle" fill="#555">${num((f * end) / 1000)} s</text>`).join('');
  const legend = [['2xx', '#1f7a44'], ['4xx', '#8a8f99'], ['429', '#ff7f0e'], ['5xx', '#b3261e'], ['no answer', '#111']].map(([l, c], i) => `<line x1="${left + i * 80}" x2="${left + i * 80}" y1="8" y2="20" stroke="${c}" stroke-width="2"/><text x="${left + i * 80 + 6}" y="18" fill="#1d2330">${l}</text>`).join('')
    + `<rect x="${left + 400}" y="12" width="24" height="4" fill="#ff7f0e" fill-opacity="0.35"/><text x="${left + 430}" y="18" fill="#1d2330">wait asked by Retry-After</text>`;
  const label = `${points.length} requests over ${num(end / 1000)} s${complete ? '' : ' (the checks\' kept evidence only)'}`;
  return `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(label)}" font-family="system-ui,sans-serif" font-size="11"><title>${esc(label)}</title>${legend}${lanes}${axis}</svg>`;
}

function matrixHtml(rows: readonly RuleCoverage[]): string {
  const body = rows.map((r) => {
    const checks = r.checks.map((c) => `<span class="cov-check ${c.status}" title="${esc(c.status)}">${esc(c.id)}</span>`).join(' ') || '<span class="cov-none">no check</span>';
    return `<tr class="cov ${r.state}${r.state === 'unjudged' ? ' gating' : ''}" data-rule="${esc(r.rule.id)}"><td><strong>${esc(r.rule.id)}</strong></td><td>${r.rule.level.toUpperCase()}</td><td>${esc(r.rule.title)}</td>`
      + `<td class="state" style="color:${STATE_COLOR[r.state]}">${STATE_TEXT[r.state]}</td><td>${checks}${r.why ? `<div class="cov-why">${esc(r.why)}</div>` : ''}</td></tr>`;
  }).join('');
  return `<table class="coverage"><tr><th>rule</th><th>level</th><th>what SPEC requires</th><th>result</th><th>checks (by result)</th></tr>${body}</table>`;
}

export const OVERVIEW_CSS = `.overview{background:#fff;border:1px solid #d5d9e0;border-radius:4px;padding:8px 16px;margin:12px 0}
.verdict-banner{font-size:18px;font-weight:700;padding:6px 10px;color:#fff;display:inline-block;border-radius:3px}
table.coverage td{vertical-align:top}table.coverage td:nth-child(-n+2),table.coverage td.state{white-space:nowrap}tr.cov.unjudged td{background:#fde8e6}tr.cov.fail td.state{font-weight:700}
.cov-check{font:12px ui-monospace,monospace;padding:1px 4px;border-radius:3px;margin:1px;display:inline-block;color:#fff}
.cov-check.pass{background:#1f7a44}.cov-check.fail{background:#b3261e}.cov-check.error{background:#c77700}.cov-check.skip{background:#8a8f99}
.cov-why{color:#7a1d16;font-size:12px;margin-top:2px}.cov-none{color:#999}`;

export function overviewHtml(doc: Compliance, traffic?: RunTraffic): string {
  const t = trafficOf(doc, traffic);
  const rows = ruleCoverage(doc);
  const judged = rows.filter((r) => r.state === 'pass' || r.state === 'fail').length;
  const red = rows.filter((r) => r.state === 'unjudged').length;
  const points = timelineOf(doc, t);
  return `<section class="overview" id="overview"><h2>Overview</h2>
<p><span class="verdict-banner" style="background:${VERDICT_COLOR[doc.verdict]}">${VERDICT_TEXT[doc.verdict]}</span>
${judged} of ${rows.length} SPEC rules judged${red ? `, <strong style="color:#b3261e">${red} MUST rule${red === 1 ? '' : 's'} not judged</strong>` : ''}.</p>
<h3>Checks per family</h3>${familyBarsSvg(doc)}
<h3>Rule coverage (SPEC §2)</h3>${matrixHtml(rows)}
${points.length ? `<h3>Timeline</h3>${timelineSvg(points, t.complete)}` : ''}
${doc.rate_limit ? `<h3>Observed rate limit</h3><p>${esc(describeRateLimit(doc.rate_limit))}</p>` : ''}
</section>`;
}

const MD_STATE: Record<RuleState, string> = { pass: '✅', fail: '❌', unjudged: '🟥 not judged', excused: '⏭ excused' };
const MD_STATUS = { pass: '✅', fail: '❌', error: '⚠️', skip: '⏭' } as const;

/** A text bar of `width` cells for `n` of `max`. */
const textBar = (n: number, max: number, width = 20): string => '█'.repeat(Math.round((n / Math.max(1, max)) * width));

/** The overview for compliance.md and the GitHub step summary: family bars as text, a compact matrix. */
export function overviewMarkdown(doc: Compliance): string {
  const rows = ruleCoverage(doc);
  const fams = familyCounts(doc);
  const max = Math.max(1, ...fams.map((f) => f.pass + f.fail + f.error + f.skip));
  const lines = ['## Overview', ''];
  const red = rows.filter((r) => r.state === 'unjudged');
  lines.push(`**${VERDICT_TEXT[doc.verdict]}** · ${rows.filter((r) => r.state === 'pass' || r.state === 'fail').length} of ${rows.length} SPEC rules judged${red.length ? ` · **${red.length} MUST rule${red.length === 1 ? '' : 's'} not judged: ${red.map((r) => r.rule.id).join(', ')}**` : ''}`, '');
  lines.push('```text');
  for (const f of fams) lines.push(`${f.family.padEnd(7)} ${`${textBar(f.pass, max)}${'▒'.repeat(Math.round((f.fail / max) * 20))}${'░'.repeat(Math.round(((f.error + f.skip) / max) * 20))}`.padEnd(21)} ${f.pass} pass${f.fail ? `, ${f.fail} fail` : ''}${f.error ? `, ${f.error} error` : ''}${f.skip ? `, ${f.skip} skip` : ''}`);
  lines.push('```', '█ pass ▒ fail ░ error or skip', '');
  lines.push('| rule | level | result | checks |', '|---|---|---|---|');
  for (const r of rows) {
    const checks = r.checks.map((c) => `${MD_STATUS[c.status]} \`${c.id}\``).join(' ') || '—';
    lines.push(`| ${r.state === 'unjudged' ? `**${r.rule.id}**` : r.rule.id} | ${r.rule.level} | ${MD_STATE[r.state]} | ${checks.replace(/\|/g, '\\|')} |`);
  }
  lines.push('');
  return lines.join('\n');
}
