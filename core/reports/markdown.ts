/** compliance.md: a table per family, failing evidence folded (GitHub renders <details>). */
import type { CheckResult, Compliance } from '../results.js';
import { excuseText, incompleteLines, leftOutLine, unjudgedRows, VERDICT_TEXT } from './completeness.js';
import { gateLines, gateNote, gateTables } from './gates.js';
import { overviewMarkdown } from './overview.js';
import { describeRateLimit } from './rate-limit.js';
import { describeCounts, describeTransport } from './transport.js';
import { renderLoadMarkdown } from './load-markdown.js';
import type { ReportWriter } from './writer.js';

const ICON: Record<CheckResult['status'], string> = { pass: '✅', fail: '❌', skip: '⏭', error: '⚠️' };
const VERDICT_ICON: Record<Compliance['verdict'], string> = { pass: '✅', fail: '❌', incomplete: '⚠️', interrupted: '⏹' };
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const fence = (s: string): string => s.replace(/```/g, '``\u200b`');

export function renderMarkdown(doc: Compliance): string {
  const lines: string[] = [];
  const s = doc.summary;
  lines.push(`# jobcert compliance: ${VERDICT_ICON[doc.verdict]} ${VERDICT_TEXT[doc.verdict]}`, '');
  lines.push(`Target \`${doc.target}\`, profile ${doc.profile}${doc.strict ? ' (strict: SHOULD rules gate)' : ''}, started ${doc.started_at}, ${(doc.duration_ms / 1000).toFixed(1)} s.`, '');
  lines.push(`**${s.total} checks**: ${s.pass} passed, ${s.fail} failed, ${s.error} errored${s.blocked ? ` (${s.blocked} blocked by a key that stayed throttled, RATE-3)` : ''}, ${s.skip} skipped; ${s.gating_failures} gating failures; ${s.requests} requests.`, '');
  if (doc.summary.unfinished) lines.push(`${doc.summary.unfinished} checks did not finish (${doc.verdict === 'interrupted' ? 'the run was interrupted' : 'the run deadline passed'}); they are listed as errors.`, '');
  lines.push(overviewMarkdown(doc));
  const why = incompleteLines(doc);
  if (why.length > 0) lines.push('## Why the run is incomplete', '', 'Nothing gating failed, but the run did not judge everything it claims; it does not pass:', '', ...why.map((l) => `- ${l}`), '');
  const unjudged = unjudgedRows(doc);
  if (unjudged.length > 0) {
    lines.push('## Rules no check judged', '', '| rule | level | why | to judge it | gates |', '|---|---|---|---|---|');
    for (const u of unjudged) lines.push(`| ${u.rule} | ${u.level} | ${cell(u.why).slice(0, 300)} | ${cell(u.judge_with ?? '—')} | ${u.gating ? '**yes**' : `no: ${cell(excuseText(u))}`} |`);
    lines.push('');
  }
  const leftOut = leftOutLine(doc);
  if (leftOut) lines.push(`${leftOut}.`, '');
  lines.push(...gatesMarkdown(doc));
  if (doc.rate_limit) lines.push('## Observed rate limit', '', cell(describeRateLimit(doc.rate_limit)), '');
  lines.push('## Transport', '', describeTransport(doc.transport), '');
  if (doc.transport.by_check.length > 0) {
    lines.push('| check | result | what the transport did |', '|---|---|---|');
    for (const c of doc.transport.by_check) lines.push(`| \`${c.id}\` | ${c.status} | ${cell(describeCounts(c.counts))} |`);
    lines.push('');
  }
  if (doc.clips.length > 0) {
    lines.push('## Clips', '', '| clip | status | processing | credits |', '|---|---|---|---|');
    for (const c of doc.clips) lines.push(`| ${cell(c.label)} | ${c.status ?? '—'} | ${c.processing_ms !== undefined ? `${(c.processing_ms / 1000).toFixed(1)} s` : '—'} | ${c.credits ?? '—'} |`);
    lines.push('');
  }
  if (doc.load) lines.push(renderLoadMarkdown(doc.load), '');
  const families = [...new Set(doc.checks.map((c) => c.family))];
  for (const family of families) {
    const checks = doc.checks.filter((c) => c.family === family);
    const f = s.by_family[family];
    lines.push(`## ${family} — ${f?.pass ?? 0}/${checks.length} passed`, '', '| | check | rules | level | result |', '|---|---|---|---|---|');
    for (const c of checks) lines.push(`| ${ICON[c.status]} | \`${c.id}\` ${cell(c.title)} | ${c.rule_ids.join(', ') || '—'} | ${c.level} | ${gateNote(c) ? `**${cell(gateNote(c) ?? '')}** — ` : ''}${cell(c.message).slice(0, 300)} |`);
    lines.push('');
    for (const c of checks.filter((x) => x.status === 'fail' || x.status === 'error')) {
      lines.push(`<details><summary>${ICON[c.status]} <code>${c.id}</code> evidence (${c.evidence.length} exchanges)</summary>`, '');
      if (c.repro) lines.push('Reproduce:', '', '```sh', fence(c.repro), '```', '');
      // Onboarding evidence: what was injected, and the client's log lines the verdict rests on.
      for (const i of c.injections ?? []) lines.push(`- injected \`${i.id}\` ${cell(i.description)} → ${i.requests.map((n) => `#${n}`).join(', ') || 'never delivered'}`);
      if (c.injections?.length) lines.push('');
      if (c.log_lines?.length) lines.push('Client log:', '', '```text', ...c.log_lines.map((l) => fence(`${l.line} ${l.stream}: ${l.text}`)), '```', '');
      for (const n of c.notes) lines.push(`> ${cell(n)}`, '');
      for (const e of c.evidence.slice(-5)) {
        lines.push('```http', fence(`${e.request.method} ${e.request.url}`), ...Object.entries(e.request.headers).map(([k, v]) => fence(`${k}: ${v}`)));
        if (e.request.body !== undefined) lines.push('', fence(e.request.body.slice(0, 1000)));
        lines.push('', e.response ? fence(`HTTP ${e.response.status} (${e.time_ms} ms)`) : fence(`no response: ${e.error ?? ''}`));
        if (e.response) {
          lines.push(...Object.entries(e.response.headers).map(([k, v]) => fence(`${k}: ${v}`)), '', fence(e.response.body.slice(0, 1500)));
        }
        lines.push('```', '');
      }
      lines.push('</details>', '');
    }
  }
  return lines.join('\n');
}

/** The baseline and the waivers: what gates, what is known or waived, what ran out, what went unused. */
function gatesMarkdown(doc: Compliance): string[] {
  const lines = gateLines(doc);
  if (lines.length === 0) return [];
  const out = ['## Gates', '', ...lines.map((l) => `- ${cell(l)}`), ''];
  for (const t of gateTables(doc)) {
    out.push(`### ${t.title}`, '', `| ${t.head.join(' | ')} |`, `|${t.head.map(() => '---').join('|')}|`, ...t.rows.map((r) => `| ${r.map((x) => cell(x).slice(0, 300)).join(' | ')} |`), '');
  }
  return out;
}

export const markdownReport: ReportWriter = { format: 'markdown', file: 'compliance.md', render: renderMarkdown };

/** GitHub's step summary takes at most 1 MiB per step. */
export function forStepSummary(markdown: string, limit = 1024 * 1024 - 1024): string {
  if (Buffer.byteLength(markdown) <= limit) return markdown;
  const note = '\n\n_Truncated to fit the 1 MiB step summary; see compliance.md in the report directory._\n';
  let cut = markdown.slice(0, limit - note.length);
  while (Buffer.byteLength(cut) + Buffer.byteLength(note) > limit) cut = cut.slice(0, -1024);
  return cut + note;
}
