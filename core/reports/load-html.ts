/** The LOAD section of compliance.html: settings, thresholds, per scenario a table per endpoint and two inline SVG charts. */
import { latencyOverTimeSvg, percentileSvg } from './charts.js';
import type { EndpointMetrics, LoadResults, ScenarioResult } from '../load-results.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const ms = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(v < 10 ? 2 : 1));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function endpointRow(m: EndpointMetrics): string {
  const l = m.latency;
  const statuses = Object.entries(m.statuses).map(([s, n]) => `${s}: ${n}`).join(', ') || '—';
  return `<tr><td><code>${esc(m.endpoint)}</code></td><td>${m.responses}</td><td>${m.throughput.toFixed(0)}</td><td>${ms(l?.p50)}</td><td>${ms(l?.p90)}</td><td>${ms(l?.p99)}</td><td>${ms(l?.p999)}</td><td>${ms(l?.max)}</td>`
    + `<td>${m.rate_limited} (${pct(m.rate_limited_share)})</td><td>${m.errors}</td><td>${m.timeouts}</td><td>${esc(statuses)}</td></tr>`;
}

function scenarioHtml(s: ScenarioResult): string {
  const head = `<h3><code>${esc(s.name)}</code> ${esc(s.title)}</h3>`;
  if (s.status === 'not-run' || s.status === 'setup-failed') return `<div class="load-scenario">${head}<p>${esc(s.stop_reason ?? s.status)}</p></div>`;
  const rows = [...(s.endpoints.length > 1 && s.all ? [s.all] : []), ...s.endpoints].map(endpointRow).join('');
  const info = [
    `${s.warmup_s} s warm-up (excluded) + ${s.measured_s.toFixed(1)} s measured`, `${s.requests_sent} requests sent, ${s.setup_requests} in setup`,
    `contract: ${s.contract.violations} of ${s.contract.sampled} sampled responses break the spec`,
    ...(s.stop_reason ? [`stopped: ${s.stop_reason}`] : []), ...s.notes,
  ];
  return `<div class="load-scenario">${head}<p class="meta">${info.map(esc).join(' · ')}</p>
<table><tr><th>endpoint</th><th>responses</th><th>per s</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th><th>429 (share)</th><th>errors</th><th>timeouts</th><th>statuses</th></tr>${rows}</table>
<div class="load-charts">${latencyOverTimeSvg(s.name, s.timeline)}${percentileSvg(s.name, s.percentiles)}</div></div>`;
}

export function renderLoadHtml(r: LoadResults): string {
  const st = r.settings;
  const thresholds = r.thresholds.map((t) => `<tr class="${t.pass ? 'pass' : 'fail'}"><td><code>${esc(t.expr)}</code></td><td>${esc(t.scope)}</td><td>${esc(t.display)}</td><td>${esc(t.limit)}</td><td>${t.pass ? 'PASS' : 'FAIL'}</td></tr>`).join('');
  const b = r.billing;
  const billing = !b ? 'no job was started' : b.status === 'error' ? b.message
    : `${b.started} accepted starts, ${b.charges} charge events (${b.credits} credits), ${b.problems.length} problems`;
  return `<section class="load" id="load">
<h2>Load</h2>
<style>.load .load-charts{display:flex;flex-wrap:wrap;gap:12px}.load .load-charts svg{border:1px solid #d5d9e0;max-width:100%;height:auto}.load tr.fail td{color:#b3261e}.load tr.pass td:last-child{color:#1f7a44}.load-scenario{background:#fff;border:1px solid #d5d9e0;padding:6px 14px;margin:10px 0;border-radius:4px}</style>
<p class="meta">${esc(`${st.scenarios.join(', ')} · ${st.connections} connections · ${st.rate ? `${st.rate} req/s` : 'no rate limit on the generator'} · ${st.warmup_s} s warm-up + ${st.duration_s} s each · ${st.keys} key(s) · caps ${st.caps.maxDurationS} s, ${st.caps.maxRequests} requests, stop after ${st.caps.abortAfterErrors} 5xx/unanswered · ${r.requests_sent} requests in all`)}</p>
${r.stopped_early ? `<p class="msg"><strong>Stopped early:</strong> ${esc(r.stopped_early)}</p>` : ''}
<h3>Thresholds</h3><table><tr><th>threshold</th><th>scope</th><th>measured</th><th>limit</th><th>result</th></tr>${thresholds}</table>
<p>Billing after the load: ${esc(billing)}</p>
${r.scenarios.map(scenarioHtml).join('\n')}
</section>`;
}
