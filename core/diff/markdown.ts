/**
 * The diff as Markdown for a pull-request comment: what got worse first,
 * then what got better, then the rest folded. Text from the documents (check
 * messages, provider headers) is escaped so it cannot break the table or
 * open HTML in the comment.
 */
import type { Compliance } from '../results.js';
import type { CheckChange, DiffReport, LatencyComparison, Presence, RateLimitSeen } from './model.js';

/** Rows per list: a PR comment has a size limit; the JSON has every row. */
const MAX_ROWS = 50;
const MAX_TEXT = 240;

const VERDICT_ICON: Record<Compliance['verdict'], string> = { pass: '✅', fail: '❌', incomplete: '⚠️', interrupted: '⏹' };
const STATUS_ICON: Record<Presence, string> = { pass: '✅', fail: '❌', skip: '⏭', error: '⚠️', absent: '∅' };

const clip = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);
/** Safe inside a table cell: no pipe, no line break, no HTML. */
const cell = (s: string): string => clip(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** A code span shows HTML as text, so only the table needs escaping inside it. */
const code = (s: string): string => (s.includes('`') ? cell(s) : `\`${clip(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')}\``);
const presence = (p: Presence): string => `${STATUS_ICON[p]} ${p}`;
const verdict = (v: Compliance['verdict']): string => `${VERDICT_ICON[v]} ${v}`;
const ms = (v: number | null): string => (v === null ? '—' : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
const signed = (v: number, unit: string): string => `${v > 0 ? '+' : ''}${v}${unit}`;

function limited<T>(rows: readonly T[], render: (r: T) => string): string[] {
  const out = rows.slice(0, MAX_ROWS).map(render);
  if (rows.length > MAX_ROWS) out.push(`\n… and ${rows.length - MAX_ROWS} more (jobcert diff --format json lists every one).`);
  return out;
}

function what(c: CheckChange): string {
  if (c.finding) return cell(`${c.finding.rule ? `${c.finding.rule}: ` : ''}requires ${c.finding.requires}; observed ${c.finding.observed}`);
  return cell(c.message);
}

function checkTable(title: string, rows: readonly CheckChange[], column: string, text: (c: CheckChange) => string, history: boolean): string[] {
  if (rows.length === 0) return [];
  return [
    `### ${title} (${rows.length})`, '',
    `| check | rules | ${history ? 'results, oldest first' : 'OLD → NEW'} | ${column} |`, '|---|---|---|---|',
    ...limited(rows, (c) => `| ${code(c.id)} | ${c.rule_ids.join(', ') || '—'} | ${history ? c.history.join(' → ') : `${presence(c.old)} → ${presence(c.new)}`} | ${text(c)} |`),
    '',
  ];
}

function overview(r: DiffReport): string[] {
  const head = `| | ${r.runs.map((x) => x.label).join(' | ')} |`;
  const rule = `|---|${r.runs.map(() => '---').join('|')}|`;
  const row = (name: string, f: (x: DiffReport['runs'][number]) => string): string => `| ${name} | ${r.runs.map(f).join(' | ')} |`;
  return [
    head, rule,
    row('report', (x) => code(x.source)),
    row('started', (x) => cell(x.started_at)),
    row('verdict', (x) => verdict(x.verdict)),
    row('checks', (x) => `${x.counts.total}: ${x.counts.pass} passed, ${x.counts.fail} failed, ${x.counts.error} errored, ${x.counts.skip} skipped`),
    row('target', (x) => `${code(x.target)}, ${x.profile}${x.strict ? ', strict' : ''}`),
    '',
  ];
}

function headline(r: DiffReport): string[] {
  const v = r.verdict.change === 'same' ? verdict(r.verdict.new) + ' (unchanged)' : `${verdict(r.verdict.old)} → ${verdict(r.verdict.new)}`;
  const lines = [`## jobcert diff: ${v}`, ''];
  const c = r.checks;
  const parts = [
    `${c.new_failures.length} new failure${c.new_failures.length === 1 ? '' : 's'}`, `${c.fixed.length} fixed`, `${c.unobserved.length} unobserved`,
    `${c.still_failing.length} still failing`, ...(c.flapping_judged ? [`${c.flapping.length} flapping`] : []),
    `${c.new_checks.length} new check${c.new_checks.length === 1 ? '' : 's'}`, `${c.removed.length} removed`, `${c.changed.length} other changes`, `${c.unchanged} unchanged`,
  ];
  const shown = r.regressions.slice(0, 3).map((x) => cell(x.message)).join('; ');
  const more = r.regressions.length > 3 ? `; and ${r.regressions.length - 3} more below` : '';
  lines.push(r.regressed ? `**❌ ${r.regressions.length} regression${r.regressions.length === 1 ? '' : 's'}:** ${shown}${more}` : '**No regressions.**', '');
  lines.push(`${parts.join(' · ')}.`, '');
  return lines;
}

function loadSection(r: DiffReport): string[] {
  const l = r.load;
  const lines = [`### Load: p95 latency (a regression is more than +${l.tolerance_pct}% and more than +${l.floor_ms} ms)`, ''];
  if (l.status === 'absent') return [...lines, `Not compared: ${cell(l.why ?? 'no LOAD results')}.`, ''];
  if (l.entries.length === 0) return [...lines, 'No scenario ran in both runs.', ''];
  const result = (e: LatencyComparison): string => e.result === 'regression' ? '❌ regression' : e.result === 'improved' ? '✅ faster' : e.result === 'within-tolerance' ? 'within tolerance' : `not compared: ${cell(e.why ?? '')}`;
  const n = (v: number | null): string => (v === null ? '' : ` (n ${v.toLocaleString('en-US')})`);
  lines.push('| scenario / endpoint | OLD p95 | NEW p95 | change | result |', '|---|---|---|---|---|');
  lines.push(...limited(l.entries, (e) => `| ${cell(e.scenario)} / ${code(e.endpoint)} | ${ms(e.old_ms)}${n(e.old_n)} | ${ms(e.new_ms)}${n(e.new_n)} | ${e.delta_ms === null ? '—' : `${signed(e.delta_ms, ' ms')}${e.delta_pct === null ? '' : ` (${signed(e.delta_pct, '%')})`}`} | ${result(e)} |`));
  lines.push('');
  return lines;
}

function rateSection(r: DiffReport): string[] {
  const lines = ['### Rate limit the provider showed', ''];
  const runs = r.rate_limit.runs;
  if (runs.every((x) => x === null)) return [...lines, 'No run measured it (RATE not selected, or documents older than the measurement).', ''];
  const row = (name: string, f: (x: RateLimitSeen) => string): string => `| ${name} | ${runs.map((x) => (x ? f(x) : 'not measured')).join(' | ')} |`;
  const num = (v: number | null, unit = ''): string => (v === null ? '—' : `${v}${unit}`);
  lines.push(
    `| | ${r.runs.map((x) => x.label).join(' | ')} |`, `|---|${r.runs.map(() => '---').join('|')}|`,
    row('429 within the bound', (x) => (x.throttled ? 'yes' : 'no')),
    row('requests before the first 429', (x) => num(x.requests_before_first_429)),
    row('refill', (x) => num(x.refill_per_second, '/s')),
    row('Retry-After', (x) => (x.retry_after === null ? 'absent' : code(x.retry_after))),
    row('RateLimit-Policy', (x) => (x.policy_header === null ? 'absent' : code(x.policy_header))),
    '',
  );
  const measured = runs.filter((x) => x !== null).length;
  if (r.rate_limit.changed) lines.push('**Changed:**', '', ...r.rate_limit.changes.map((c) => `- ${cell(c)}`), '');
  else lines.push(measured >= 2 ? 'Unchanged (measured figures within 10% count as the same).' : 'Measured in one run only: nothing to compare.', '');
  return lines;
}

export function renderDiffMarkdown(r: DiffReport): string {
  const c = r.checks;
  const lines = [...headline(r), ...overview(r)];
  if (r.warnings.length > 0) lines.push(...r.warnings.map((w) => `> ⚠️ ${cell(w.message)}`), '');
  lines.push(...checkTable('❌ New failures', c.new_failures, 'what failed', what, false));
  lines.push(...checkTable('✅ Fixed', c.fixed, 'NEW says', (x) => cell(x.message), false));
  lines.push(...checkTable('❔ Unobserved: failing in OLD, not judged in NEW', c.unobserved, 'why not judged', (x) => cell(x.new === 'absent' ? 'NEW did not run this check' : x.message), false));
  if (c.flapping_judged) {
    if (c.flapping.length > 0) {
      lines.push(`### 🔁 Flapping over ${r.runs.length} runs (${c.flapping.length})`, '', '| check | rules | results, oldest first | changes |', '|---|---|---|---|');
      lines.push(...limited(c.flapping, (f) => `| ${code(f.id)} | ${f.rule_ids.join(', ') || '—'} | ${f.history.join(' → ')} | ${f.changes} |`), '');
    }
  } else {
    lines.push('Flapping needs at least three runs (`jobcert diff RUN1 RUN2 RUN3 …`); with two, a check that differs is listed as changed.', '');
  }
  const rest = [
    ...checkTable('Still failing', c.still_failing, 'what failed', what, r.runs.length > 2),
    ...checkTable('New checks', c.new_checks, 'NEW says', (x) => cell(x.message), false),
    ...checkTable('Removed checks', c.removed, 'OLD said', (x) => cell(x.message), false),
    ...checkTable('Other changes', c.changed, 'NEW says', (x) => cell(x.message), false),
  ];
  if (rest.length > 0) {
    const n = c.still_failing.length + c.new_checks.length + c.removed.length + c.changed.length;
    lines.push(`<details><summary>${n} more: still failing, new, removed and other changed checks</summary>`, '', ...rest, '</details>', '');
  }
  lines.push(...loadSection(r), ...rateSection(r));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
