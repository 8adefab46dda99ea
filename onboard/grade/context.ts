/**
 * What every grading function reads (the recorded traffic, the deliveries of
 * the plan's injections, the client's log, the engine's ledger, how the run
 * ended) and the shared vocabulary: a request's identity, its retry chains,
 * what counts as retryable, and how a request is named in a verdict.
 */
import type { Instance, Plan } from '../plan.js';
import type { Delivery } from '../scenario.js';
import type { Ledger } from '../ledger.js';
import type { ClientLog } from '../log.js';
import type { Observed, Traffic } from '../traffic.js';

export interface RunInfo {
  mode: 'command' | 'serve';
  startedAt: number;
  endedAt: number;
  /** Why the client stopped, when it did not exit on its own. */
  stopped: 'timeout' | 'interrupt' | 'serve-end' | null;
  exitCode: number | null;
}

export interface GradeInput {
  plan: Plan;
  traffic: Traffic;
  deliveries: Delivery[];
  undelivered: Instance[];
  log: ClientLog;
  ledger: Ledger;
  run: RunInfo;
  baseUrl: string;
  artifactUrl: string;
  /**
   * CLI-3: the client's own per-job deadline (`--client-job-deadline`), counted from its first
   * request about the job's source. Absent when none was told: then no retry chain may end early.
   */
  clientJobDeadlineMs?: number;
}

/** A job as CLI-3's deadline sees it: everything about one source, from the client's first request about it. */
export interface JobClock {
  source: string;
  /** The client's first request about the source (normally its create). */
  first: Observed;
  /** When the told deadline passes (epoch ms), if one was told. */
  deadlineAt?: number;
}

export type VerdictStatus = 'pass' | 'fail' | 'skip' | 'error';

export interface Verdict {
  /** Check id in the reports (`cli.retry-after`). */
  id: string;
  /** The CLI rule, or null for the coverage check. */
  rule: string | null;
  title: string;
  status: VerdictStatus;
  message: string;
  /** Request seq numbers the verdict rests on, most telling first. */
  requests: number[];
  /** Plan instance ids that provoked it. */
  injections: string[];
  /** Log line numbers it rests on. */
  logLines: number[];
  notes: string[];
}

/** After a forced stop, errors this close to the end may still have been in their retry wait. */
export const STOP_GRACE_MS = 20_000;
export const NON_RETRYABLE = new Set([400, 401, 402, 404, 409, 415, 422]);
export const MAX_ATTEMPTS = 8;

export const isV1 = (r: Observed): boolean => r.origin === 'mock' && (r.url === '/v1' || r.url.startsWith('/v1/') || r.url.startsWith('/v1?'));
export const pathOf = (r: Observed): string => r.url.split('?', 1)[0] ?? r.url;

/** Same identity = "the same request" in the rules: the same operation on the same job (a create: the same source). */
export function identity(r: Observed): string | undefined {
  if (!isV1(r)) return undefined;
  if (r.op === 'create') return `POST /v1/jobs ${r.source ?? r.body ?? ''}`;
  return `${r.method} ${r.url}`;
}

/** 429, 5xx, a dropped connection and a client that gave up waiting (its timeout) are retryable. */
export function retryable(r: Observed): boolean {
  if (r.outcome === 'dropped' || r.outcome === 'client-closed') return true;
  const s = r.delivered?.status;
  return s !== undefined && (s === 429 || s >= 500);
}

export function failureName(r: Observed): string {
  if (r.outcome === 'dropped') return 'dropped connection';
  if (r.outcome === 'client-closed') return `client gave up after ${Math.round((r.endedAt ?? r.arrivedAt) - r.arrivedAt)} ms`;
  const d = r.delivered;
  return d ? `${d.status}${d.errorCode ? ` ${d.errorCode}` : ''}` : 'no answer';
}

/** `#12 POST /v1/jobs/job_x/start → 429 rate_limited (req_…)`. */
export function describe(r: Observed): string {
  const target = r.origin === 'artifact-host' ? `artifact host ${r.url.split('?', 1)[0]}` : `${r.method} ${pathOf(r)}`;
  const rid = r.delivered?.requestId ?? r.engine?.requestId;
  return `#${r.seq} ${target} → ${failureName(r)}${rid ? ` (${rid})` : ''}`;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

export class Index {
  readonly byIdentity = new Map<string, Observed[]>();
  private readonly firstOfSource = new Map<string, Observed>();

  constructor(readonly input: GradeInput) {
    for (const r of input.traffic.records) {
      // Records are in arrival order, so the first one seen is the job's start.
      if (r.source !== undefined && !this.firstOfSource.has(r.source)) this.firstOfSource.set(r.source, r);
      const id = identity(r);
      if (id === undefined) continue;
      let list = this.byIdentity.get(id);
      if (!list) this.byIdentity.set(id, (list = []));
      list.push(r);
    }
  }

  get records(): Observed[] { return this.input.traffic.records; }

  /** The next request with the same identity, if any. */
  next(r: Observed): Observed | undefined {
    const id = identity(r);
    if (id === undefined) return undefined;
    const list = this.byIdentity.get(id) ?? [];
    return list[list.indexOf(r) + 1];
  }

  later(r: Observed): Observed[] {
    const id = identity(r);
    if (id === undefined) return [];
    const list = this.byIdentity.get(id) ?? [];
    return list.slice(list.indexOf(r) + 1);
  }

  /**
   * Retry chains: runs of same-identity requests where every attempt but the
   * last was retryable. A chain of one is a request that went through at once.
   */
  chains(): Observed[][] {
    const out: Observed[][] = [];
    for (const list of this.byIdentity.values()) {
      let chain: Observed[] = [];
      for (const r of list) {
        chain.push(r);
        if (!retryable(r)) { out.push(chain); chain = []; }
      }
      if (chain.length > 0) out.push(chain);
    }
    return out;
  }

  /**
   * The job a request belongs to, for CLI-3's per-job deadline. A job is its source: the mock gives
   * the client one source per job and ties every start, read and download of a job id to the source
   * its create named (scenario.ts), so "that job's requests" are the records carrying that source.
   * Its clock starts at the client's first request about the source: the create, or the first
   * attempt of it when the create itself was retried. Lists, usage reads and ids the mock never
   * created belong to no job, and no job deadline excuses them.
   */
  jobOf(r: Observed): JobClock | undefined {
    if (r.source === undefined) return undefined;
    const first = this.firstOfSource.get(r.source);
    if (!first) return undefined;
    const told = this.input.clientJobDeadlineMs;
    return { source: r.source, first, ...(told !== undefined ? { deadlineAt: first.arrivedAt + told } : {}) };
  }

  /** Was the run cut short close after this moment (so a retry may simply not have happened yet)? */
  cutShortAfter(t: number): boolean {
    const { stopped, endedAt } = this.input.run;
    return stopped !== null && t > endedAt - STOP_GRACE_MS;
  }

  /** Instances whose deliveries touched any of these requests. */
  injectionsOf(requests: Observed[]): string[] {
    const seqs = new Set(requests.map((r) => r.seq));
    return [...new Set(this.input.deliveries.filter((d) => seqs.has(d.seq)).map((d) => d.instance))];
  }

  /** Instances of these conditions that were delivered. */
  instancesOf(conditions: string[]): string[] {
    const ids = new Set(this.input.plan.instances.filter((i) => conditions.includes(i.condition)).map((i) => i.id));
    return [...new Set(this.input.deliveries.filter((d) => ids.has(d.instance)).map((d) => d.instance))];
  }
}

/** Key-order-insensitive JSON equality; raw text when a body is not JSON. */
export function sameBody(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  const canon = (s: string | undefined): string => {
    if (s === undefined || s === '') return '';
    try { return JSON.stringify(sortKeys(JSON.parse(s))); } catch { return `raw:${s}`; }
  };
  return canon(a) === canon(b);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

export function verdict(id: string, rule: string | null, title: string, v: Omit<Verdict, 'id' | 'rule' | 'title' | 'notes'> & { notes?: string[] }): Verdict {
  return { id, rule, title, notes: [], ...v };
}

/** At most n items of a list, with "and N more". */
export function some(items: string[], n = 3): string {
  return items.length <= n ? items.join('; ') : `${items.slice(0, n).join('; ')}; and ${items.length - n} more`;
}
