/**
 * The run's traffic: every exchange with the check that sent it. certify
 * hands it to the writers (exchanges.har, the overview's timeline); a document
 * read back from disk has only its checks' evidence, which stands in for it
 * (the head and tail of each check's exchanges, and every one that broke the
 * spec), and the reports say so.
 */
import type { Exchange } from '../exchange.js';
import { parseRetryAfter } from '../retry-after.js';
import type { Compliance } from '../results.js';

export interface TrafficEntry { check: string; rules: readonly string[]; exchange: Exchange }

/** What a run hands the writers besides the document. */
export interface RunTraffic {
  entries: readonly TrafficEntry[];
  /** false: only the evidence the checks kept (a document read back, or a stage that records none). */
  complete: boolean;
}

export function trafficOf(doc: Compliance, given?: RunTraffic): RunTraffic {
  if (given) return given;
  const entries = doc.checks.flatMap((c) => c.evidence.map((exchange) => ({ check: c.id, rules: c.rule_ids, exchange })));
  return { entries, complete: false };
}

/** One request on the timeline: when it started (ms from the run's start), its key, its answer. */
export interface TimelinePoint { t_ms: number; key: string; status: number | null; duration_ms: number; retry_after_ms?: number }

export function timelineOf(doc: Compliance, traffic: RunTraffic): TimelinePoint[] {
  const t0 = Date.parse(doc.started_at);
  const seen = new Set<string>();
  const points: TimelinePoint[] = [];
  for (const { exchange: e } of traffic.entries) {
    const at = Date.parse(e.started_at);
    if (Number.isNaN(at)) continue;
    // Evidence may show one exchange under two checks (a shared episode); the timeline draws it once.
    const id = `${e.started_at}|${e.request_id ?? ''}|${e.request.method} ${e.request.url}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const wait = e.response?.status === 429 ? parseRetryAfter(e.response.headers['retry-after'], e.response.headers.date, Date.parse(e.started_at)) : undefined;
    points.push({ t_ms: Math.max(0, at - t0), key: e.key, status: e.response?.status ?? null, duration_ms: e.time_ms, ...(wait !== undefined ? { retry_after_ms: wait } : {}) });
  }
  return points.sort((a, b) => a.t_ms - b.t_ms);
}
