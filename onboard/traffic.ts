/**
 * The traffic recorder: every request the client sent to the onboarding mock
 * or to the artifact host, with its timing (arrival, end), which key it carried
 * (as a role, never the value), its body and Idempotency-Key, what the engine
 * answered, what the client actually got (or that the connection dropped or the
 * client gave up), and the injection it met. The grader reads only this, the
 * log and the engine's ledger.
 */
import type { Op } from './conditions.js';

/** 'given' = the key jobcert handed out; 'other:…' = some other value (a short hash, never the key). */
export type KeyFingerprint = 'given' | 'none' | `other:${string}`;

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** Text bodies (clipped); media as `<N bytes TYPE>`. */
  body: string;
  requestId?: string;
  errorCode?: string;
}

export interface Observed {
  /** 1-based, in arrival order; verdicts cite requests as #seq. */
  seq: number;
  origin: 'mock' | 'artifact-host';
  method: string;
  /** Path and query. */
  url: string;
  headers: Record<string, string>;
  key: KeyFingerprint;
  idempotencyKey?: string;
  body?: string;
  op: Op;
  source?: string;
  jobId?: string;
  /** The nth request of this op about this source (what slots match). */
  nth?: number;
  /** Epoch ms (fractional, monotonic within the run). */
  arrivedAt: number;
  /** When the answer was fully written, the connection dropped, or the client closed it. */
  endedAt?: number;
  outcome: 'pending' | 'answered' | 'dropped' | 'client-closed';
  /**
   * client-closed only: the earliest the client can have closed. jobcert sees a close when its event
   * loop gets to it, which on a starved machine can be long after; waits measured from here are never
   * shorter than the client's real ones.
   */
  closedSince?: number;
  /** What the engine answered (also when the client never got it). */
  engine?: Answer;
  /** What went back to the client, when something did. */
  delivered?: Answer;
  /** Set when an injection changed this request: instance id and what was done. */
  injection?: { instance: string; condition: string; action: string };
  /** 429: when the client may send the request again (epoch ms). */
  retryAfterUntil?: number;
  /** Parsed from delivered JSON, for the grader. */
  seen?: { jobStatus?: string; outputUrl?: string; jobErrorCode?: string; jobs?: { id: string; status: string; outputUrl?: string }[] };
}

/** Bounded: a runaway client cannot exhaust memory; what was left out is counted. */
export const MAX_RECORDS = 50_000;

export class Traffic {
  readonly records: Observed[] = [];
  dropped = 0;
  private seq = 0;

  add(partial: Omit<Observed, 'seq' | 'outcome'>): Observed {
    const rec: Observed = { ...partial, seq: ++this.seq, outcome: 'pending' };
    if (this.records.length < MAX_RECORDS) this.records.push(rec);
    else this.dropped++;
    return rec;
  }

  bySeq(seq: number): Observed | undefined {
    return this.records[seq - 1]?.seq === seq ? this.records[seq - 1] : this.records.find((r) => r.seq === seq);
  }
}

/** Parses what a delivered JSON body tells a client about jobs (status, output_url). */
export function readSeen(body: string): Observed['seen'] | undefined {
  let json: unknown;
  try { json = JSON.parse(body); } catch { return undefined; }
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Record<string, unknown>;
  const seen: NonNullable<Observed['seen']> = {};
  if (typeof o.status === 'string') seen.jobStatus = o.status;
  if (typeof o.output_url === 'string') seen.outputUrl = o.output_url;
  const jobError = o.error as { code?: unknown } | undefined;
  if (typeof o.status === 'string' && typeof jobError?.code === 'string') seen.jobErrorCode = jobError.code;
  if (Array.isArray(o.jobs)) {
    seen.jobs = o.jobs.flatMap((j: unknown) => {
      if (!j || typeof j !== 'object') return [];
      const job = j as Record<string, unknown>;
      return typeof job.id === 'string' && typeof job.status === 'string'
        ? [{ id: job.id, status: job.status, ...(typeof job.output_url === 'string' ? { outputUrl: job.output_url } : {}) }]
        : [];
    });
  }
  return seen;
}

/** The error envelope's code and request id (ERR-1), when the body has one. */
export function errorOf(body: string): { code?: string; requestId?: string } {
  try {
    const e = (JSON.parse(body) as { error?: { code?: unknown; request_id?: unknown } }).error;
    return { ...(typeof e?.code === 'string' ? { code: e.code } : {}), ...(typeof e?.request_id === 'string' ? { requestId: e.request_id } : {}) };
  } catch {
    return {};
  }
}
