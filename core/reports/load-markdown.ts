/**
 * The LOAD section of compliance.md: thresholds, the capacity search, and a
 * table per scenario (the charts are in compliance.html). The sentences both
 * formats share (how the load was offered, what a threshold was measured on,
 * the capacity found) are built here as plain text; each format escapes them.
 */
import type { CapacityPoint, CapacityResult, EndpointMetrics, LoadModel, LoadResults, ThresholdResult } from '../load-results.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const ms = (v: number | undefined | null): string => (v === undefined || v === null ? '—' : v.toFixed(v < 10 ? 2 : 1));
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
/** 11,914: counts in sentences. */
export const count = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** A threshold as stored: documents written before thresholds were judged on their sample have no status nor sample. */
export type StoredThreshold = Omit<ThresholdResult, 'status' | 'sample'> & Partial<Pick<ThresholdResult, 'status' | 'sample'>>;

export function thresholdStatus(t: StoredThreshold): ThresholdResult['status'] {
  return t.status ?? (t.pass ? 'pass' : 'fail');
}

export const STATUS_LABEL: Record<ThresholdResult['status'], string> = { pass: 'PASS', fail: 'FAIL', 'not-judged': 'NOT JUDGED' };
const STATUS_ICON: Record<ThresholdResult['status'], string> = { pass: '✅', fail: '❌', 'not-judged': '⚠️' };

/** The metric's name in the expression: `mixed/getJob:p99<300` → `p99`. */
function metricOf(expr: string): string | undefined {
  return /^\s*(?:[a-z]+(?:\/[A-Za-z]+)?\s*:\s*)?([a-z_0-9.()]+)\s*[<>=!]/.exec(expr)?.[1];
}

/** The measured value with the sample it comes from: "p99 5.6 ms on 44 non-429 of 11,914 answers, 99.6% 429". */
export function measuredText(t: StoredThreshold): string {
  const s = t.sample;
  if (!s) return t.display;
  const on = `${count(s.non_429)} non-429 of ${count(s.answers)} answers, ${pct(s.rate_limited_share)} 429`;
  if (t.measured === undefined) return `${t.display} (${on})`;
  const metric = metricOf(t.expr);
  return `${metric ? `${metric} ` : ''}${t.display} on ${on}`;
}

/** How a scenario's load was offered, in one sentence; undefined for documents that do not say. */
export function modelText(m: LoadModel | undefined): string | undefined {
  if (!m) return undefined;
  let head: string;
  if (m.kind === 'closed') head = /^closed model\b/i.test(m.basis) ? m.basis : `closed model: ${m.basis}`;
  else if (m.stages?.length) head = `open model in stages from ${count(m.start_rate ?? 0)} req/s: ${m.stages.map((s) => `${count(s.target)} req/s over ${count(s.duration_s)} s`).join(', ')} (${m.basis})`;
  else head = `open model at ${m.rate === null ? '?' : count(m.rate)} req/s (${m.basis})`;
  const parts = [head];
  if (m.max_send_delay_ms !== undefined) parts.push(`requests went out at most ${count(m.max_send_delay_ms)} ms after their scheduled time`);
  if (m.expired) parts.push(`${count(m.expired)} never went out (no free connection within the timeout: counted as timeouts)`);
  return parts.join('; ');
}

/** The capacity search's outcome in one sentence. */
export function capacityText(c: CapacityResult, thresholds: readonly string[]): string {
  const held = thresholds.length ? `: the highest rate at which every threshold held (${thresholds.join(', ')})` : '';
  if (c.points.length === 0) return `no step of the search on ${c.scenario} could run; stopped by ${c.stopped_by}`;
  if (c.capacity === null) return `no rate met every threshold on ${c.scenario}; stopped by ${c.stopped_by}`;
  return `capacity ${count(c.capacity)}/s on ${c.scenario}${held}; stopped by ${c.stopped_by}`;
}

/** The step the capacity is: its rate, and it held (a retried rate may also have a step that did not). */
export const isCapacity = (c: CapacityResult, p: CapacityPoint): boolean => p.rate === c.capacity && p.verdict === 'pass';

export const VERDICT_LABEL: Record<CapacityPoint['verdict'], string> = { pass: 'PASS', fail: 'FAIL', limited: 'LIMITED' };

/** The n beside the percentiles: the non-429 answers they are computed from. */
export const sampleSize = (m: EndpointMetrics): number => m.latency?.count ?? 0;

function row(m: EndpointMetrics): string {
  const l = m.latency;
  return `| \`${m.endpoint}\` | ${m.responses} | ${m.throughput.toFixed(0)} | ${sampleSize(m)} | ${ms(l?.p50)} | ${ms(l?.p90)} | ${ms(l?.p99)} | ${ms(l?.p999)} | ${ms(l?.max)} | ${m.rate_limited} (${pct(m.rate_limited_share)}) | ${m.errors} | ${m.timeouts} | ${cell(Object.entries(m.statuses).map(([s, n]) => `${s}: ${n}`).join(', ') || '—')} |`;
}

function capacityMarkdown(c: CapacityResult, thresholds: readonly string[]): string[] {
  const lines = [`### Capacity search: ${c.scenario}`, '', `${cell(capacityText(c, thresholds))}. Chart: compliance.html.`, ''];
  if (c.points.length === 0) return lines;
  lines.push('| rate /s | achieved non-429/s | answers | non-429 | 429 share | error share | p50 ms | p99 ms | verdict | notes |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const p of [...c.points].sort((a, b) => a.rate - b.rate)) {
    const mark = isCapacity(c, p) ? ' (capacity)' : '';
    lines.push(`| ${p.rate}${mark} | ${p.achieved} | ${p.answers} | ${p.non_429} | ${pct(p.rate_limited_share)} | ${pct(p.error_share)} | ${ms(p.p50)} | ${ms(p.p99)} | ${VERDICT_LABEL[p.verdict]} | ${cell(p.notes.join('; ')) || '—'} |`);
  }
  lines.push('');
  return lines;
}

export function renderLoadMarkdown(r: LoadResults): string {
  const st = r.settings;
  const lines = ['## Load', ''];
  const rate = st.rate ? `${st.rate} req/s` : r.capacity ? 'rates of the capacity search' : 'unthrottled generator';
  lines.push(`${st.scenarios.join(', ')}; ${st.connections} connections; ${rate}; ${st.warmup_s} s warm-up (excluded) + ${st.duration_s} s per ${r.capacity ? 'step' : 'scenario'}; ${st.keys} key(s); ${r.requests_sent} requests in all. Charts: compliance.html.`, '');
  if (r.stopped_early) lines.push(`**Stopped early:** ${cell(r.stopped_early)}`, '');
  const thresholds: readonly StoredThreshold[] = r.thresholds;
  if (thresholds.length > 0) {
    lines.push('| threshold | scope | measured (on what sample) | limit | result | why not judged |', '|---|---|---|---|---|---|');
    for (const t of thresholds) {
      const status = thresholdStatus(t);
      lines.push(`| \`${cell(t.expr)}\` | ${cell(t.scope)} | ${cell(measuredText(t))} | ${cell(t.limit)} | ${STATUS_ICON[status]} ${STATUS_LABEL[status]} | ${status === 'not-judged' ? cell(t.why ?? 'nothing measured') : ''} |`);
    }
    lines.push('');
  }
  if (r.capacity) lines.push(...capacityMarkdown(r.capacity, st.thresholds));
  for (const s of r.scenarios) {
    lines.push(`### ${s.name}: ${cell(s.title)}`, '');
    if (!s.all) { lines.push(cell(s.stop_reason ?? s.status), ''); continue; }
    lines.push(`${s.measured_s.toFixed(1)} s measured, ${s.requests_sent} requests (${s.setup_requests} in setup); contract: ${s.contract.violations}/${s.contract.sampled} sampled responses break the spec${s.stop_reason ? `; stopped: ${cell(s.stop_reason)}` : ''}.`, '');
    const model = modelText(s.model);
    if (model) lines.push(`Load: ${cell(model)}.`, '');
    lines.push('| endpoint | responses | per s | n (non-429) | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | 429 (share) | errors | timeouts | statuses |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const m of [...(s.endpoints.length > 1 ? [s.all] : []), ...s.endpoints]) lines.push(row(m));
    lines.push('');
  }
  return lines.join('\n');
}
