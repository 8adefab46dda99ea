/**
 * compliance.html: one self-contained file (inline CSS and JS, no network) a
 * partner can open offline: verdict, per-family summary, clips, every check
 * with its evidence and curl, and a filter by status.
 */
import type { CheckResult, Compliance } from '../results.js';
import { excuseText, incompleteLines, leftOutLine, unjudgedRows, VERDICT_COLOR, VERDICT_TEXT } from './completeness.js';
import { GATE_LABEL, gateLines, gateNote, gateTables } from './gates.js';
import { OVERVIEW_CSS, overviewHtml } from './overview.js';
import type { RunTraffic } from './traffic.js';
import { describeCounts, describeTransport } from './transport.js';
import { renderLoadHtml } from './load-html.js';
import type { ReportWriter } from './writer.js';
import { esc } from './html-escape.js';

const LABEL: Record<CheckResult['status'], string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP', error: 'ERROR' };

function exchangeHtml(e: CheckResult['evidence'][number]): string {
  const req = [`${e.request.method} ${e.request.url}`, ...Object.entries(e.request.headers).map(([k, v]) => `${k}: ${v}`), ...(e.request.body !== undefined ? ['', e.request.body.slice(0, 4000)] : [])].join('\n');
  const res = e.response
    ? [`HTTP ${e.response.status}  (${e.time_ms} ms)`, ...Object.entries(e.response.headers).map(([k, v]) => `${k}: ${v}`), '', e.response.body.slice(0, 6000)].join('\n')
    : `no response: ${e.error ?? 'unknown'}`;
  const violations = e.violations.length ? `<ul class="viol">${e.violations.map((v) => `<li>${esc(v.message)}</li>`).join('')}</ul>` : '';
  return `<div class="ex"><pre>${esc(req)}</pre><pre>${esc(res)}</pre>${violations}</div>`;
}

function checkHtml(c: CheckResult): string {
  const open = c.status === 'fail' || c.status === 'error';
  const evidence = c.evidence.length
    ? `<details${open ? ' open' : ''}><summary>${c.evidence.length} exchange(s)${c.request_ids.length ? `, request ids ${esc(c.request_ids.slice(0, 6).join(', '))}${c.request_ids.length > 6 ? ' …' : ''}` : ''}</summary>${c.evidence.slice(open ? -6 : 0, open ? undefined : 3).map(exchangeHtml).join('')}</details>`
    : '';
  return `<section class="check ${c.status}" data-status="${c.status}">
<h3><span class="badge ${c.status}">${LABEL[c.status]}</span>${c.gate ? ` <span class="badge gate-${c.gate.state}">${GATE_LABEL[c.gate.state].toUpperCase()}</span>` : ''} <code>${esc(c.id)}</code> ${esc(c.title)}</h3>
<p class="meta">${c.rule_ids.map((r) => `<span class="rule">${esc(r)}</span>`).join(' ') || '<span class="rule">spec</span>'} <span class="level">${c.level.toUpperCase()}</span> ${c.duration_ms} ms</p>
${c.gate ? `<p class="gate">${esc(gateNote(c) ?? '')}</p>` : ''}<p class="msg">${esc(c.message)}</p>${c.notes.length ? `<p class="notes">${esc(c.notes.join('; '))}</p>` : ''}
${c.injections?.length ? `<ul class="inj">${c.injections.map((i) => `<li><code>${esc(i.id)}</code> ${esc(i.description)} → ${esc(i.requests.map((n) => `#${n}`).join(', ') || 'never delivered')}</li>`).join('')}</ul>` : ''}${c.log_lines?.length ? `<pre class="log">${esc(c.log_lines.map((l) => `${l.line} ${l.stream}: ${l.text}`).join('\n'))}</pre>` : ''}
${c.repro && open ? `<pre class="curl">${esc(c.repro)}</pre>` : ''}${evidence}</section>`;
}

/** Why an incomplete run does not pass, and every rule no check judged (gating ones first). */
function completenessHtml(doc: Compliance): string {
  const why = incompleteLines(doc);
  const rows = unjudgedRows(doc).sort((a, b) => Number(b.gating) - Number(a.gating));
  const leftOut = leftOutLine(doc);
  if (why.length === 0 && rows.length === 0) return leftOut ? `<p class="left-out">${esc(leftOut)}.</p>` : '';
  const head = why.length ? `<h2>Why the run is incomplete</h2><ul class="incomplete">${why.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>` : '';
  const table = rows.length ? `<h2>Rules no check judged</h2><table class="unjudged"><tr><th>rule</th><th>level</th><th>why</th><th>to judge it</th><th>gates</th></tr>${rows.map((u) => `<tr class="${u.gating ? 'gating' : 'excused'}"><td>${esc(u.rule)}</td><td>${u.level}</td><td>${esc(u.why)}</td><td>${esc(u.judge_with ?? '—')}</td><td>${u.gating ? '<strong>yes</strong>' : `no: ${esc(excuseText(u))}`}</td></tr>`).join('')}</table>` : '';
  return head + table + (leftOut ? `<p class="left-out">${esc(leftOut)}.</p>` : '');
}

/** The baseline and the waivers: what gates, what is known or waived, what ran out, what went unused. */
function gatesHtml(doc: Compliance): string {
  const lines = gateLines(doc);
  if (lines.length === 0) return '';
  const tables = gateTables(doc).map((t) => `<h3>${esc(t.title)}</h3><table class="gates"><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${t.rows.map((r) => `<tr>${r.map((x) => `<td>${esc(x)}</td>`).join('')}</tr>`).join('')}</table>`).join('');
  return `<h2>Gates</h2><ul class="gates">${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>${tables}`;
}

export function renderHtml(doc: Compliance, traffic?: RunTraffic): string {
  const s = doc.summary;
  const clips = doc.clips.length
    ? `<h2>Clips</h2><table><tr><th>clip</th><th>status</th><th>processing</th><th>credits</th></tr>${doc.clips.map((c) => `<tr><td>${esc(c.label)}</td><td>${esc(c.status ?? '—')}</td><td>${c.processing_ms !== undefined ? (c.processing_ms / 1000).toFixed(1) + ' s' : '—'}</td><td>${c.credits ?? '—'}</td></tr>`).join('')}</table>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>jobcert ${VERDICT_TEXT[doc.verdict]} — ${esc(doc.target)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{padding:20px 28px;color:#fff;background:${VERDICT_COLOR[doc.verdict]}}
header h1{margin:0 0 4px;font-size:24px} main{padding:16px 28px;max-width:1200px}
table{border-collapse:collapse;margin:8px 0 16px;background:#fff} td,th{border:1px solid #d5d9e0;padding:4px 10px;text-align:left}
.check{background:#fff;border:1px solid #d5d9e0;border-left:6px solid #999;margin:10px 0;padding:6px 14px;border-radius:4px}
.check.pass{border-left-color:#1f7a44}.check.fail{border-left-color:#b3261e}.check.error{border-left-color:#c77700}.check.skip{border-left-color:#8a8f99}
.check h3{font-size:15px;margin:6px 0}.badge{font-size:11px;padding:2px 6px;border-radius:3px;color:#fff}
.badge.pass{background:#1f7a44}.badge.fail{background:#b3261e}.badge.error{background:#c77700}.badge.skip{background:#8a8f99}
.rule{background:#e8ecf3;padding:1px 5px;border-radius:3px;font-size:12px}.level{font-size:11px;color:#555}.meta{margin:2px 0;color:#555}
pre{background:#10141c;color:#e6e6e6;padding:8px;overflow:auto;white-space:pre-wrap;word-break:break-all;font-size:12px;margin:6px 0}
.ex{display:grid;grid-template-columns:1fr 1fr;gap:8px}.viol{color:#b3261e;grid-column:1/3;margin:0}
tr.gating td{background:#fde8e6}
.badge.gate-known,.badge.gate-waived{background:#5b5f97}.badge.gate-new,.badge.gate-expired{background:#7a1a14}.gate{margin:2px 0;font-weight:600}
${OVERVIEW_CSS}
.filters button{margin-right:6px;padding:4px 10px;border:1px solid #aab;background:#fff;border-radius:3px;cursor:pointer}.filters button.on{background:#1d2330;color:#fff}
</style></head><body>
<header><h1>jobcert: ${VERDICT_TEXT[doc.verdict]}</h1>
<div>${esc(doc.target)} · profile ${doc.profile}${doc.strict ? ' · strict' : ''} · ${esc(doc.started_at)} · ${(doc.duration_ms / 1000).toFixed(1)} s · jobcert ${esc(doc.version)}</div>
<div>${s.total} checks: ${s.pass} passed, ${s.fail} failed, ${s.error} errored${s.blocked ? ` (${s.blocked} blocked)` : ''}, ${s.skip} skipped · ${s.gating_failures} gating failures · ${s.requests} requests</div></header>
<main>
${overviewHtml(doc, traffic)}
${completenessHtml(doc)}
${gatesHtml(doc)}
${clips}
<h2>Transport</h2><p class="transport">${esc(describeTransport(doc.transport))}</p>
${doc.transport.by_check.length ? `<table><tr><th>check</th><th>result</th><th>what the transport did</th></tr>${doc.transport.by_check.map((c) => `<tr><td><code>${esc(c.id)}</code></td><td>${c.status}</td><td>${esc(describeCounts(c.counts))}</td></tr>`).join('')}</table>` : ''}
${doc.load ? renderLoadHtml(doc.load) : ''}
<h2>Checks</h2>
<div class="filters" id="filters"><button data-f="all" class="on">all</button><button data-f="fail">failed</button><button data-f="error">errored</button><button data-f="pass">passed</button><button data-f="skip">skipped</button></div>
${doc.checks.map(checkHtml).join('\n')}
</main>
<script>
document.getElementById('filters').addEventListener('click', function (ev) {
  var f = ev.target && ev.target.getAttribute('data-f'); if (!f) return;
  document.querySelectorAll('#filters button').forEach(function (b) { b.classList.toggle('on', b === ev.target); });
  document.querySelectorAll('.check').forEach(function (c) { c.style.display = f === 'all' || c.getAttribute('data-status') === f ? '' : 'none'; });
});
</script></body></html>
`;
}

export const htmlReport: ReportWriter = { format: 'html', file: 'compliance.html', render: renderHtml };
