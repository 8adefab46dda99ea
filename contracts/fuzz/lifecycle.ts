/**
 * A small model of SPEC's job state machine and billing, for the stateful
 * fuzzer: what a job may show, what a start may answer, what its history and
 * charges must be. Processing time is the provider's, so the model knows a
 * started job only as "running" (processing, or already terminal unseen) until
 * a read shows it terminal.
 */
import { creditsFor, type Model } from '../policy.js';

export type Source = 'ok' | 'failing';
export type Owner = 'primary' | 'alt' | 'broke';
export type Phase = 'created' | 'running' | 'terminal';

export interface ModelJob {
  id: string;
  owner: Owner;
  source: Source;
  /** The job's model as stored (a start's model becomes the job's). */
  model: Model;
  /** A prompt stored with the job (pro). */
  prompt?: string;
  phase: Phase;
  /** Credits of each accepted start, in order. */
  charges: number[];
}

export const terminalOf = (source: Source): 'completed' | 'failed' => (source === 'ok' ? 'completed' : 'failed');

/** LIFE-1: what a read of the job may show now. */
export function allowedStatuses(job: ModelJob): string[] {
  if (job.phase === 'created') return ['created'];
  if (job.phase === 'running') return ['processing', terminalOf(job.source)];
  return [terminalOf(job.source)];
}

/** A read showed `status` (already checked as allowed): a terminal one is known from now on. */
export function observe(job: ModelJob, status: string): void {
  if (job.phase === 'running' && status === terminalOf(job.source)) job.phase = 'terminal';
}

/** IDEM-5 and LIFE-1: what a start without a key may answer: `started` (200) or `refused` (409 job_not_startable). */
export function startOutcomes(job: ModelJob): ('started' | 'refused')[] {
  if (job.phase === 'created') return ['started'];
  if (job.source === 'ok') return ['refused'];
  // A failing source: still processing (409), or already failed, which may be started again.
  return job.phase === 'running' ? ['refused', 'started'] : ['started'];
}

/**
 * The credits of one start: the model's rate for a preview of `preview` s
 * (≤ 1 s, so it is shorter than any clip and the formula needs no duration).
 */
export const creditsOfStart = (model: Model, preview: number): number => creditsFor(model, preview, preview);

/** LIFE-1 and LIFE-4 over a job's history: one `created`, then each start's `processing` and its terminal state, each once. */
export function historyProblem(job: ModelJob, statuses: readonly string[], current: string): { rule: 'LIFE-1' | 'LIFE-4'; message: string } | undefined {
  const starts = job.charges.length;
  const shown = statuses.join(' → ') || 'none';
  if (statuses[0] !== 'created' || statuses.filter((s) => s === 'created').length !== 1) return { rule: 'LIFE-4', message: `history must begin with exactly one created entry: ${shown}` };
  const rest = statuses.slice(1);
  const processing = rest.filter((s) => s === 'processing').length;
  // Fewer: a start skipped processing (LIFE-1); more: a transition recorded twice (LIFE-4).
  if (processing !== starts) return { rule: processing < starts ? 'LIFE-1' : 'LIFE-4', message: `${starts} accepted start(s) but ${processing} processing entries: ${shown}` };
  for (let i = 0; i < rest.length; i++) {
    const want = i % 2 === 0 ? 'processing' : terminalOf(job.source);
    // The same state twice in a row is a transition recorded twice (LIFE-4); any other surprise is a transition LIFE-1 does not have.
    if (rest[i] !== want) return { rule: rest[i] === statuses[i] ? 'LIFE-4' : 'LIFE-1', message: `entry ${i + 2} is ${rest[i]}, expected ${want}: ${shown}` };
  }
  const last = statuses[statuses.length - 1];
  if (last !== current) return { rule: 'LIFE-1', message: `the job is ${current} but its history ends with ${last}: ${shown}` };
  return undefined;
}
