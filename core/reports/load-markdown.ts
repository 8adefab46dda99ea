/** The LOAD section of compliance.md: thresholds and a table per scenario (the charts are in compliance.html). */
import type { EndpointMetrics, LoadResults } from '../load-results.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const ms = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(v < 10 ? 2 : 1));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function row(m: EndpointMetrics): string {
  const l = m.latency;
  return `| \`${m.endpoint}\` | ${m.responses} | ${m.throughput.toFixed(0)} | ${ms(l?.p50)} | ${ms(l?.p90)} | ${ms(l?.p99)} | ${ms(l?.p999)} | ${ms(l?.max)} | ${m.rate_limited} (${pct(m.rate_limited_share)}) | ${m.errors} | ${m.timeouts} | ${cell(Object.entries(m.statuses).map(([s, n]) => `${s}: ${n}`).join(', ') || '—')} |`;
}

export function renderLoadMarkdown(r: LoadResults): string {
  const st = r.settings;
  const lines = ['## Load', ''];
  lines.push(`${st.scenarios.join(', ')}; ${st.connections} connections; ${st.rate ? `${st.rate} req/s` : 'unthrottled generator'}; ${st.warmup_s} s warm-up (excluded) + ${st.duration_s} s per scenario; ${st.keys} key(s); ${r.requests_sent} requests in all. Charts: compliance.html.`, '');
  if (r.stopped_early) lines.push(`**Stopped early:** ${cell(r.stopped_early)}`, '');
  lines.push('| threshold | scope | measured | limit | result |', '|---|---|---|---|---|');
  for (const t of r.thresholds) lines.push(`| \`${cell(t.expr)}\` | ${cell(t.scope)} | ${cell(t.display)} | ${cell(t.limit)} | ${t.pass ? '✅' : '❌'} |`);
  lines.push('');
  for (const s of r.scenarios) {
    lines.push(`### ${s.name}: ${cell(s.title)}`, '');
    if (!s.all) { lines.push(cell(s.stop_reason ?? s.status), ''); continue; }
    lines.push(`${s.measured_s.toFixed(1)} s measured, ${s.requests_sent} requests (${s.setup_requests} in setup); contract: ${s.contract.violations}/${s.contract.sampled} sampled responses break the spec${s.stop_reason ? `; stopped: ${cell(s.stop_reason)}` : ''}.`, '');
    lines.push('| endpoint | responses | per s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | 429 (share) | errors | timeouts | statuses |', '|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const m of [...(s.endpoints.length > 1 ? [s.all] : []), ...s.endpoints]) lines.push(row(m));
    lines.push('');
  }
  return lines.join('\n');
}
