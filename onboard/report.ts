/**
 * Turns verdicts into the certify report model (a `Compliance` doc, family CLI,
 * one check per rule with `rule_ids: ['CLI-n']` and the catalogue's level), so
 * the same four writers render it. Evidence per check: the exact requests (as
 * HAR-like exchanges, keys redacted) with their timing, the injections that
 * provoked them, and the log lines the verdict rests on.
 */
import type { Exchange } from '../core/exchange.js';
import { checkResult, isGatingFailure, summarize, transportSummary, type CheckResult, type Compliance, type InjectionEvidence, type LogLineEvidence } from '../core/results.js';
import { describeAction } from './conditions.js';
import type { GradeInput, Verdict } from './grade/index.js';
import type { Observed } from './traffic.js';

const MAX_EXCHANGES = 12;
const MAX_LOG_LINES = 20;
const BODY_CHARS = 4000;

const clip = (s: string, n = BODY_CHARS): string => (s.length > n ? `${s.slice(0, n)}… [${s.length - n} more characters]` : s);
const operationOf = (r: Observed): string | undefined => {
  if (r.origin !== 'mock' || !r.url.startsWith('/v1')) return undefined;
  return `${r.method} ${(r.url.split('?', 1)[0] ?? r.url).replace(/^\/v1\/jobs\/[^/]+/, '/v1/jobs/{job_id}')}`;
};

export function toExchange(r: Observed, input: Pick<GradeInput, 'baseUrl' | 'artifactUrl'>, redact: (s: string) => string): Exchange {
  const origin = r.origin === 'mock' ? input.baseUrl : input.artifactUrl;
  const e: Exchange = {
    request: { method: r.method, url: redact(`${origin}${r.url}`), headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, redact(v)])), ...(r.body !== undefined ? { body: redact(clip(r.body)) } : {}) },
    response: r.delivered ? { status: r.delivered.status, headers: Object.fromEntries(Object.entries(r.delivered.headers).map(([k, v]) => [k, redact(v)])), body: redact(clip(r.delivered.body)) } : null,
    started_at: new Date(r.arrivedAt).toISOString(),
    time_ms: Math.max(0, Math.round((r.endedAt ?? r.arrivedAt) - r.arrivedAt)),
    key: r.key === 'given' ? 'primary' : r.key === 'none' ? 'none' : 'custom',
    violations: [],
  };
  const rid = r.delivered?.requestId ?? r.engine?.requestId;
  if (rid) e.request_id = rid;
  const op = operationOf(r);
  if (op) e.operation = op;
  const lost = r.engine && !r.delivered ? `; the API had answered ${r.engine.status} and acted on it, but the answer was lost` : '';
  if (r.outcome === 'dropped') e.error = `request #${r.seq}: connection dropped by the onboarding mock (injected)${lost}`;
  else if (r.outcome === 'client-closed') e.error = `request #${r.seq}: the client closed the connection after ${e.time_ms} ms${lost}`;
  else if (r.outcome === 'pending') e.error = `request #${r.seq}: still open when the run ended`;
  return e;
}

/** `#12 +3.204 s → +3.207 s POST /v1/jobs/… → 429`: the timing line for one request, relative to the client's start. */
export function timingLine(r: Observed, t0: number): string {
  const at = (t: number): string => `+${((t - t0) / 1000).toFixed(3)} s`;
  const what = r.delivered ? `${r.delivered.status}${r.delivered.errorCode ? ` ${r.delivered.errorCode}` : ''}` : r.outcome === 'dropped' ? 'dropped' : r.outcome === 'client-closed' ? 'closed by client' : 'open';
  const inj = r.injection ? ` [${r.injection.instance} ${r.injection.condition}]` : '';
  return `#${r.seq} ${at(r.arrivedAt)}${r.endedAt !== undefined ? ` → ${at(r.endedAt)}` : ''} ${r.origin === 'artifact-host' ? 'artifact-host ' : ''}${r.method} ${(r.url.split('?', 1)[0] ?? r.url)} key=${r.key === 'given' ? 'yes' : r.key === 'none' ? 'no' : 'other'}${r.idempotencyKey ? ` idem=${r.idempotencyKey.slice(0, 40)}` : ''} → ${what}${inj}`;
}

export interface ReportContext {
  input: GradeInput;
  verdicts: Verdict[];
  version: string;
  strict: boolean;
  startedAt: Date;
  durationMs: number;
  target: string;
  replay: string;
  redact: (s: string) => string;
  onboarding: Record<string, unknown>;
}

export function buildCompliance(ctx: ReportContext): Compliance {
  const { input, redact } = ctx;
  const t0 = input.run.startedAt;
  const checks: CheckResult[] = ctx.verdicts.map((v) => {
    const records = v.requests.map((s) => input.traffic.bySeq(s)).filter((r): r is Observed => r !== undefined);
    const shown = records.slice(0, MAX_EXCHANGES);
    const injections: InjectionEvidence[] = v.injections.flatMap((id) => {
      const inst = input.plan.instances.find((i) => i.id === id);
      if (!inst) return [];
      const slot = inst.slots[0];
      return [{
        id, condition: inst.condition,
        description: `${inst.condition} on ${inst.source}${slot ? ` (${describeAction(slot.action)}; ${slot.nth === 'every' ? 'every' : `#${slot.nth}`} ${slot.op})` : ''}`,
        requests: input.deliveries.filter((d) => d.instance === id).map((d) => d.seq),
      }];
    });
    const logLines: LogLineEvidence[] = v.logLines.slice(0, MAX_LOG_LINES).flatMap((n) => {
      const l = input.log.lines.find((x) => x.n === n);
      return l ? [{ line: l.n, stream: l.stream, ...(l.t !== undefined ? { t_ms: Math.round(l.t - t0) } : {}), text: redact(l.text) }] : [];
    });
    const failing = v.status === 'fail' || v.status === 'error';
    return checkResult({
      id: v.id, rules: v.rule ? [v.rule] : [], title: v.title,
      status: v.status, message: redact(v.message), requests: records.length,
      evidence: shown.map((r) => toExchange(r, input, redact)),
      request_ids: [...new Set(shown.flatMap((r) => { const id = r.delivered?.requestId ?? r.engine?.requestId; return id ? [id] : []; }))],
      repro: failing ? redact(ctx.replay) : null,
      notes: [...v.notes.map(redact), ...(records.length > 0 ? [`timing (from the client's start): ${records.slice(0, MAX_EXCHANGES).map((r) => timingLine(r, t0)).join(' | ')}`] : [])],
      ...(injections.length > 0 ? { injections } : {}),
      ...(logLines.length > 0 ? { log_lines: logLines } : {}),
    });
  });
  const summary = summarize(checks, ctx.strict);
  return {
    tool: 'jobcert', version: ctx.version, target: redact(ctx.target), profile: input.plan.profile, strict: ctx.strict,
    started_at: ctx.startedAt.toISOString(), duration_ms: Math.round(ctx.durationMs),
    verdict: checks.some((c) => isGatingFailure(c, ctx.strict)) ? 'fail' : 'pass',
    summary, clips: [], transport: transportSummary(checks), checks, onboarding: ctx.onboarding,
  };
}
