/**
 * Jobs, their lifecycle (LIFE-1..4) and credit events. Processing is evaluated
 * lazily against the clock: a job whose processing time has passed becomes
 * terminal the next time anything reads it, so the engine needs no timers and
 * tests can drive time with a manual clock.
 */
import type { Background, NormalizedComposition } from '../../contracts/schemas.js';
import { FILE_EXTENSIONS, normalizeComposition, type JobSettings, type Model, type OutputFormat } from '../../contracts/policy.js';
import type { FaultName } from './faults.js';
import type { LogSink } from './types.js';

export type JobStatus = 'created' | 'processing' | 'completed' | 'failed';

export interface HistoryEntry { status: JobStatus; at: number; request_id: string }

/**
 * Every member is always present (undefined when unset) and none is ever
 * deleted: V8 keeps such records on one fast hidden class, which is most of
 * what keeps the mock near a bare server's throughput.
 */
export interface JobRecord {
  id: string;
  account: string;
  status: JobStatus;
  model: Model;
  output_format: OutputFormat;
  video_url: string;
  webhook_url: string | undefined;
  background: Background;
  /** Normalized, except under the val-composition-raw fault. Shared and never mutated. */
  composition: NormalizedComposition | Record<string, unknown>;
  text_prompt: string | undefined;
  preview_duration: number | undefined;
  credits_charged: number;
  error: { code: string; message: string } | undefined;
  created_at: number;
  started_at: number | undefined;
  completed_at: number | undefined;
  history: HistoryEntry[];
  /** When processing ends (ms), while processing. */
  finishAt: number | undefined;
  /** The request that started the current run; terminal transitions cite it (OBS-3). */
  startRequestId: string | undefined;
  /** Credits of the current run not charged yet (the charge-on-completion variant charges when the run ends). */
  pendingCredits: number;
}

export interface NewJob {
  model: Model;
  output_format: OutputFormat;
  video_url: string;
  webhook_url?: string | undefined;
  background: Background;
  composition: NormalizedComposition;
  text_prompt?: string | undefined;
}

export interface UsageEventRecord { id: string; type: 'charge'; job_id: string; credits: number; request_id: string; at: number }

/** Mock media convention (SPEC §3): `duration=N` in the query sets the length, `fail` in the path fails it. */
export function videoSeconds(videoUrl: string): number {
  const match = /[?&]duration=(\d+(?:\.\d+)?)(?:&|#|$)/.exec(videoUrl);
  const seconds = match ? Number(match[1]) : 10;
  return seconds > 0 && Number.isFinite(seconds) ? seconds : 10;
}
function videoFails(videoUrl: string): boolean {
  const path = videoUrl.replace(/^[a-z]+:\/\/[^/]*/i, '').split(/[?#]/)[0] ?? '';
  return path.includes('fail');
}

export const SOURCE_SIZE = { width: 1920, height: 1080 } as const;
/** What a draft stores before any start (VAL-5): one shared, frozen object. */
export const DEFAULT_COMPOSITION: NormalizedComposition = Object.freeze(normalizeComposition(undefined, SOURCE_SIZE));

export interface JobStoreOptions {
  processingMs: number;
  processingMsFor?: (videoUrl: string) => number | undefined;
  maxJobs: number;
  faults: ReadonlySet<FaultName>;
  log?: LogSink;
  newId: (prefix: string) => string;
  /** SPEC ties one charge to each start but not to a moment: charge when the run ends instead of at the start. */
  chargeOnCompletion?: boolean;
}

export class JobStore {
  private readonly byId = new Map<string, JobRecord>();
  private readonly byAccount = new Map<string, JobRecord[]>();
  private readonly processing = new Set<JobRecord>();
  private readonly usage = new Map<string, UsageEventRecord[]>();

  private readonly secret = (Math.random() * 0x7fffffff) | 0;

  constructor(private readonly options: JobStoreOptions) {}

  create(account: string, fields: NewJob, now: number, requestId: string): JobRecord {
    const job: JobRecord = {
      id: this.options.newId('job_'),
      account,
      status: 'created',
      model: fields.model,
      output_format: fields.output_format,
      video_url: fields.video_url,
      webhook_url: fields.webhook_url,
      background: fields.background,
      composition: fields.composition,
      text_prompt: fields.text_prompt,
      preview_duration: undefined,
      credits_charged: 0,
      error: undefined,
      created_at: now,
      started_at: undefined,
      completed_at: undefined,
      // A literal of one entry: `[]` then push would reserve 17 slots in every retained job.
      history: [{ status: 'created', at: now, request_id: this.cite(requestId) }],
      finishAt: undefined,
      startRequestId: undefined,
      pendingCredits: 0,
    };
    this.logTransition(job, 'created', now, requestId);
    this.byId.set(job.id, job);
    let list = this.byAccount.get(account);
    if (!list) this.byAccount.set(account, (list = []));
    list.push(job);
    this.evictIfFull();
    return job;
  }

  /** The job if it exists; `account` undefined skips the ownership check (auth-cross-key-access fault). */
  get(id: string, account: string | undefined, now: number): JobRecord | undefined {
    const job = this.byId.get(id);
    if (!job || (account !== undefined && job.account !== account)) return undefined;
    this.advance(job, now);
    return job;
  }

  /** Applies the start's settings, charges, and enters processing. */
  start(job: JobRecord, settings: JobSettings | null, credits: number, now: number, requestId: string): void {
    if (settings) {
      job.model = settings.model;
      job.background = settings.background;
      job.composition = settings.composition;
      job.text_prompt = settings.text_prompt;
      job.preview_duration = settings.preview_duration;
    }
    job.error = undefined;
    job.completed_at = undefined;
    job.started_at = now;
    job.startRequestId = requestId;
    if (this.options.chargeOnCompletion) job.pendingCredits = credits;
    else this.charge(job, credits, now, requestId);
    if (this.options.faults.has('life-skip-processing')) {
      this.finish(job, now);
      return;
    }
    this.transition(job, 'processing', now, requestId);
    job.finishAt = now + (this.options.processingMsFor?.(job.video_url) ?? this.options.processingMs);
    this.processing.add(job);
  }

  /** Brings every processing job of an account up to date (before listing). */
  advanceAccount(account: string, now: number): void {
    for (const job of this.processing) if (job.account === account) this.advance(job, now);
  }

  list(account: string, now: number, filter: { status?: JobStatus; limit: number; offset: number }): { jobs: JobRecord[]; total: number } {
    this.advanceAccount(account, now);
    const all = this.byAccount.get(account) ?? [];
    const { faults } = this.options;
    // list-status-filter-loose: a filter read off the history (ever in that status) instead of the current status.
    const matches = (job: JobRecord): boolean => !filter.status || job.status === filter.status
      || (faults.has('list-status-filter-loose') && job.history.some((h) => h.status === filter.status));
    const matching: JobRecord[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      const job = all[i] as JobRecord;
      if (matches(job)) matching.push(job);
    }
    if (faults.has('list-oldest-first')) matching.reverse();
    // list-offset-skips: a page past the first starts one job late, so each page boundary drops a job.
    const from = faults.has('list-offset-skips') && filter.offset > 0 ? filter.offset + 1 : filter.offset;
    return { jobs: matching.slice(from, from + filter.limit), total: faults.has('list-total-ignores-filter') ? all.length : matching.length };
  }

  events(account: string, now: number, jobId?: string): UsageEventRecord[] {
    // Charges made when a run ends appear once it has ended.
    if (this.options.chargeOnCompletion) this.advanceAccount(account, now);
    const { faults } = this.options;
    const all = faults.has('usage-other-keys') ? [...this.usage.values()].flat() : this.usage.get(account) ?? [];
    return jobId === undefined || faults.has('usage-filter-ignored') ? all : all.filter((e) => e.job_id === jobId);
  }

  /** An artifact by job id and signature: the signed link works without an API key (LIFE-6). */
  artifact(id: string, token: string, now: number): JobRecord | undefined {
    const job = this.byId.get(id);
    if (!job || this.signature(job.id) !== token) return undefined;
    this.advance(job, now);
    return job.status === 'completed' ? job : undefined;
  }

  outputPath(job: JobRecord): string {
    return `/artifacts/${encodeURIComponent(job.id)}.${FILE_EXTENSIONS[job.output_format]}?sig=${this.signature(job.id)}`;
  }

  /** The link's signature, derived from the id and a per-engine secret rather than stored per job. */
  private signature(id: string): string {
    let h1 = 0x811c9dc5 ^ this.secret;
    let h2 = 0x01000193 ^ this.secret;
    for (let i = 0; i < id.length; i++) {
      h1 = Math.imul(h1 ^ id.charCodeAt(i), 0x01000193);
      h2 = Math.imul(h2 ^ id.charCodeAt(i), 0x5bd1e995);
    }
    return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
  }

  private advance(job: JobRecord, now: number): void {
    if (job.status !== 'processing' || job.finishAt === undefined || now < job.finishAt) return;
    if (this.options.faults.has('life-stuck-processing')) return;
    this.finish(job, job.finishAt);
  }

  private finish(job: JobRecord, at: number): void {
    this.processing.delete(job);
    job.finishAt = undefined;
    job.completed_at = at;
    const requestId = job.startRequestId ?? 'unknown';
    if (job.pendingCredits > 0) {
      this.charge(job, job.pendingCredits, at, requestId);
      job.pendingCredits = 0;
    }
    if (videoFails(job.video_url)) {
      job.error = { code: 'processing_failed', message: 'The source video could not be processed' };
      this.transition(job, 'failed', at, requestId);
    } else {
      this.transition(job, 'completed', at, requestId);
      if (this.options.faults.has('life-history-duplicates')) job.history.push({ status: 'completed', at, request_id: requestId });
    }
  }

  private transition(job: JobRecord, status: JobStatus, at: number, requestId: string): void {
    job.status = status;
    job.history.push({ status, at, request_id: this.cite(requestId) });
    this.logTransition(job, status, at, requestId);
  }

  /** The request id a history entry records (obs-history-wrong-request-id cites one no request had). */
  private cite(requestId: string): string {
    return this.options.faults.has('obs-history-wrong-request-id') ? `${requestId}-x` : requestId;
  }

  private logTransition(job: JobRecord, status: JobStatus, at: number, requestId: string): void {
    this.options.log?.({
      time: new Date(at).toISOString(), level: status === 'failed' ? 'warn' : 'info', msg: `job ${status}`,
      event: `job.${status}`, request_id: requestId, account: job.account,
      ...(this.options.faults.has('obs-logs-without-job-id') ? {} : { job_id: job.id }),
    });
  }

  private charge(job: JobRecord, credits: number, now: number, requestId: string): void {
    job.credits_charged += credits;
    let list = this.usage.get(job.account);
    if (!list) this.usage.set(job.account, (list = []));
    list.push({ id: this.options.newId('evt_'), type: 'charge', job_id: job.id, credits, request_id: requestId, at: now });
  }

  /** Bounded memory for long runs: the oldest job goes first once maxJobs is reached. */
  private evictIfFull(): void {
    if (this.byId.size <= this.options.maxJobs) return;
    const oldest = this.byId.values().next();
    if (oldest.done) return;
    const job = oldest.value;
    this.byId.delete(job.id);
    this.processing.delete(job);
    const list = this.byAccount.get(job.account);
    if (list && list[0] === job) list.shift();
  }
}
