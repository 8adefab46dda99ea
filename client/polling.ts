/**
 * waitForJob (CLI-6, CLI-8): polls one job with growing delays (1 s, ×1.5, up
 * to 15 s by default; the transport keeps ≥ 1 s between reads of a job even
 * for retried reads), stops at `completed` or `failed`, and gives up at the
 * caller's timeout (at most 30 minutes) with a JobTimeoutError. A failed job
 * ends with a JobFailedError carrying its id and error code, not a retry.
 */
import { anySignal, type Clock } from './clock.js';
import { ConfigError, JobFailedError, JobTimeoutError } from './errors.js';
import type { Logger } from './logger.js';
import type { Job } from './types.js';

export interface WaitOptions {
  /** Give up after this long, ms (default 10 minutes, at most 30 minutes, CLI-6). */
  timeoutMs?: number;
  /** First delay between polls, ms (default and minimum 1000). */
  initialDelayMs?: number;
  /** Largest delay between polls, ms (default 15000). */
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Sees every job body read while waiting. */
  onPoll?: (job: Job) => void;
}

export const MAX_WAIT_MS = 30 * 60 * 1000;
const MIN_POLL_GAP_MS = 1000;

class WaitExpired extends Error {}

export async function waitForJob(
  getJob: (id: string, opts: { signal?: AbortSignal }) => Promise<Job>,
  jobId: string,
  opts: WaitOptions,
  env: { clock: Clock; logger: Logger; signal?: AbortSignal },
): Promise<Job> {
  const timeoutMs = opts.timeoutMs ?? 10 * 60 * 1000;
  if (!(timeoutMs > 0 && timeoutMs <= MAX_WAIT_MS)) throw new ConfigError(`waitForJob: timeoutMs must be > 0 and ≤ ${MAX_WAIT_MS} (30 minutes), got ${timeoutMs}`);
  const { clock, logger } = env;
  const started = clock.now();
  let delay = Math.max(MIN_POLL_GAP_MS, opts.initialDelayMs ?? MIN_POLL_GAP_MS);
  const maxDelay = Math.max(delay, opts.maxDelayMs ?? 15_000);
  let polls = 0;
  let last: Job | undefined;

  // The timeout also cuts a read or a retry wait in flight, so the wait is bounded by timeoutMs itself.
  const expiry = new AbortController();
  const stopTimer = new AbortController();
  clock.sleep(timeoutMs, stopTimer.signal).then(() => expiry.abort(new WaitExpired()), () => undefined);
  const signal = anySignal(opts.signal, env.signal, expiry.signal) as AbortSignal;
  const timedOut = (): JobTimeoutError => {
    const err = new JobTimeoutError(jobId, last?.status, clock.now() - started, polls);
    logger({ level: 'error', event: 'job.timeout', msg: err.message, job_id: jobId, code: 'job_timeout' });
    return err;
  };

  try {
    for (;;) {
      const job = await getJob(jobId, { signal });
      polls++;
      last = job;
      opts.onPoll?.(job);
      if (job.status === 'completed') {
        logger({ level: 'info', event: 'job.completed', msg: `job ${job.id} completed`, job_id: job.id, model: job.model, output_format: job.output_format });
        return job;
      }
      if (job.status === 'failed') {
        const err = new JobFailedError(job);
        logger({ level: 'error', event: 'job.failed', msg: err.message, job_id: job.id, code: err.code, model: job.model, output_format: job.output_format });
        throw err;
      }
      await clock.sleep(delay, signal);
      delay = Math.min(maxDelay, Math.round(delay * 1.5));
    }
  } catch (err) {
    if (expiry.signal.aborted && !opts.signal?.aborted && !env.signal?.aborted) throw timedOut();
    throw err;
  } finally {
    stopTimer.abort();
  }
}
