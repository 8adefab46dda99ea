/**
 * CLI-6: at least `gapMs` between two reads of the same job, retried reads
 * included. Enforced where requests leave (the transport), so no caller (a
 * tight user loop, waitForJob, a retry) can read one job faster. The gap runs
 * from the later of the previous read's send and its end (answer in, or the
 * attempt failed): a provider sees a slow read end when it answers, and a wait
 * timed from the send would reach the next read early by as long as the answer
 * took.
 */
const JOB_READ = /^\/v1\/jobs\/[^/]+$/;
const REMEMBERED = 10_000;

export interface ReadPacer {
  /** How long a send of `method path` at `now` must still wait (0: it may go). */
  delayFor(method: string, path: string, now: number): number;
  /** Records a send; call it synchronously after `delayFor` returned 0. */
  markSent(method: string, path: string, now: number): void;
  /** Records the end of that read (its answer came in, or it failed): the gap counts from here. */
  markEnded(method: string, path: string, now: number): void;
}

export function createReadPacer(gapMs: number): ReadPacer {
  const last = new Map<string, number>();
  const paced = (method: string, path: string): boolean => method === 'GET' && JOB_READ.test(path);
  /** A send and an end are both moments of the read; the later one counts. */
  const mark = (method: string, path: string, now: number): void => {
    if (!paced(method, path)) return;
    const at = Math.max(now, last.get(path) ?? now);
    // Bounded memory: forget the oldest reads first (Map keeps insertion order, so a path read again moves to the end).
    last.delete(path);
    last.set(path, at);
    if (last.size > REMEMBERED) last.delete(last.keys().next().value as string);
  };
  return {
    delayFor(method, path, now) {
      if (!paced(method, path)) return 0;
      const at = last.get(path);
      return at === undefined ? 0 : Math.max(0, at + gapMs - now);
    },
    markSent: mark,
    markEnded: mark,
  };
}
