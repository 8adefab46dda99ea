/**
 * The LOAD section of compliance.html: settings, thresholds, the capacity
 * search (table and curve), per scenario a table per endpoint and two inline
 * SVG charts.
 */
import { capacitySvg, latencyOverTimeSvg, percentileSvg } from './charts.js';
import { capacityText, isCapacity, measuredText, modelText, sampleSize, STATUS_LABEL, thresholdStatus, VERDICT_LABEL, type StoredThreshold } from './load-markdown.js';
import type { CapacityResult, EndpointMetrics, LoadResults, ScenarioResult } from '../load-results.js';
import { esc } from './html-escape.js';

const ms = (v: number | undefined | null): string => (v === undefined || v === null ? '—' : v.toFixed(v < 10 ? 2 : 1));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function endpointRow(m: EndpointMetrics): string {
  const l = m.latency;
  const statuses = Object.entries(m.statuses).map(([s, n]) => `${s}: ${n}`).join(', ') || '—';
  return `<tr><td><code>${esc(m.endpoint)}</code></td><td>${m.responses}</td><td>${m.throughput.toFixed(0)}</td><td class="n">${sampleSize(m)}</td><td>${ms(l?.p50)}</td><td>${ms(l?.p90)}</td><td>${ms(l?.p99)}</td><td>${ms(l?.p999)}</td><td>${ms(l?.max)}</td>`
    + `<td>${m.rate_limited} (${pct(m.rate_limited_share)})</td><td>${m.errors}</td><td>${m.timeouts}</td><td>${esc(statuses)}</td></tr>`;
}

function scenarioHtml(s: ScenarioResult): string {
  const head = `<h3><code>${esc(s.name)}</code> ${esc(s.title)}</h3>`;
  if (s.status === 'not-run' || s.status === 'setup-failed') return `<div class="load-scenario">${head}<p>${esc(s.stop_reason ?? s.status)}</p></div>`;
  const rows = [...(s.endpoints.length > 1 && s.all ? [s.all] : []), ...s.endpoints].map(endpointRow).join('');
  const model = modelText(s.model);
  // The LOAD stage also puts the model in a note; with `model` the line below says it.
  const notes = model ? s.notes.filter((n) => !/^(open|closed) model: /.test(n)) : s.notes;
  const info = [
    `${s.warmup_s} s warm-up (excluded) + ${s.measured_s.toFixed(1)} s measured`, `${s.requests_sent} requests sent, ${s.setup_requests} in setup`,
    `contract: ${s.contract.violations} of ${s.contract.sampled} sampled responses break the spec`,
    ...(s.stop_reason ? [`stopped: ${s.stop_reason}`] : []), ...notes,
  ];
  return `<div class="load-scenario">${head}<p class="meta">${info.map(esc).join(' · ')}</p>
${model ? `<p class="model">Load: ${esc(model)}</p>\n` : ''}<table><tr><th>endpoint</th><th>responses</th><th>per s</th><th title="the non-429 answers the latency figures are computed from">n (non-429)</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th><th>429 (share)</th><th>errors</th><th>timeouts</th><th>statuses</th></tr>${rows}</table>
<div class="load-charts">${latencyOverTimeSvg(s.name, s.timeline)}${percentileSvg(s.name, s.percentiles)}</div></div>`;
}

function capacityHtml(c: CapacityResult, thresholds: readonly string[]): string {
  const rows = [...c.points].sort((a, b) => a.rate - b.rate).map((p) => `<tr class="${p.verdict}"><td>${p.rate}${isCapacity(c, p) ? ' (capacity)' : ''}</td><td>${p.achieved}</td><td>${p.answers}</td><td>${p.non_429}</td><td>${pct(p.rate_limited_share)}</td><td>${pct(p.error_share)}</td>`
    + `<td>${ms(p.p50)}</td><td>${ms(p.p99)}</td><td class="result">${VERDICT_LABEL[p.verdict]}</td><td>${esc(p.notes.join('; ') || '—')}</td></tr>`).join('');
  const table = c.points.length === 0 ? ''
    : `<table><tr><th>rate /s</th><th>achieved non-429/s</th><th>answers</th><th>non-429</th><th>429 share</th><th>error share</th><th>p50 ms</th><th>p99 ms</th><th>verdict</th><th>notes</th></tr>${rows}</table>
<div class="load-charts">${capacitySvg(c)}</div>`;
  return `<div class="load-capacity"><h3>Capacity search: <code>${esc(c.scenario)}</code></h3><p class="capacity-result">${esc(capacityText(c, thresholds))}</p>${table}</div>`;
}

export function renderLoadHtml(r: LoadResults): string {
  const st = r.settings;
  const stored: readonly StoredThreshold[] = r.thresholds;
  const thresholdRows = stored.map((t) => {
    const status = thresholdStatus(t);
    return `<tr class="${status}"><td><code>${esc(t.expr)}</code></td><td>${esc(t.scope)}</td><td>${esc(measuredText(t))}</td><td>${esc(t.limit)}</td><td class="result">${STATUS_LABEL[status]}</td><td>${status === 'not-judged' ? esc(t.why ?? 'nothing measured') : ''}</td></tr>`;
  }).join('');
  const thresholds = stored.length === 0 ? ''
    : `<h3>Thresholds</h3><table><tr><th>threshold</th><th>scope</th><th>measured (on what sample)</th><th>limit</th><th>result</th><th>why not judged</th></tr>${thresholdRows}</table>\n`;
  const b = r.billing;
  // A capacity search reads no billing: null there means not checked, not "no job".
  const billing = !b ? 'no job was started' : b.status === 'error' ? b.message
    : `${b.started} accepted starts, ${b.charges} charge events (${b.credits} credits), ${b.problems.length} problems`;
  const rate = st.rate ? `${st.rate} req/s` : r.capacity ? 'rates of the capacity search' : 'no rate limit on the generator';
  return `<section class="load" id="load">
<h2>Load</h2>
<style>.load .load-charts{display:flex;flex-wrap:wrap;gap:12px}.load .load-charts svg{border:1px solid #d5d9e0;max-width:100%;height:auto}.load tr.fail td{color:#b3261e}.load tr.pass td.result{color:#1f7a44}.load tr.not-judged td.result,.load tr.limited td.result{color:#8a6d00}.load-scenario,.load-capacity{background:#fff;border:1px solid #d5d9e0;padding:6px 14px;margin:10px 0;border-radius:4px}</style>
<p class="meta">${esc(`${st.scenarios.join(', ')} · ${st.connections} connections · ${rate} · ${st.warmup_s} s warm-up + ${st.duration_s} s each${r.capacity ? ' step' : ''} · ${st.keys} key(s) · caps ${st.caps.maxDurationS} s, ${st.caps.maxRequests} requests, stop after ${st.caps.abortAfterErrors} 5xx/unanswered · ${r.requests_sent} requests in all`)}</p>
${r.stopped_early ? `<p class="msg"><strong>Stopped early:</strong> ${esc(r.stopped_early)}</p>` : ''}
${thresholds}${r.capacity ? `${capacityHtml(r.capacity, st.thresholds)}\n` : ''}${b || !r.capacity ? `<p>Billing after the load: ${esc(billing)}</p>` : ''}
${r.scenarios.map(scenarioHtml).join('\n')}
</section>`;
}
