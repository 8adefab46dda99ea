/**
 * CLI-6: at least `gapMs` between two reads of the same job, retried reads
 * included. Enforced where requests leave (the transport), so no caller (a
 * tight user loop, waitForJob, a retry) can read one job faster.
 */
const JOB_READ = /^\/v1\/jobs\/[^/]+$/;
const REMEMBERED = 10_000;

export interface ReadPacer {
  /** How long a send of `method path` at `now` must still wait (0: it may go). */
  delayFor(method: string, path: string, now: number): number;
  /** Records a send; call it synchronously after `delayFor` returned 0. */
  markSent(method: string, path: string, now: number): void;
}

export function createReadPacer(gapMs: number): ReadPacer {
  const lastSent = new Map<string, number>();
  const paced = (method: string, path: string): boolean => method === 'GET' && JOB_READ.test(path);
  return {
    delayFor(method, path, now) {
      if (!paced(method, path)) return 0;
      const last = lastSent.get(path);
      return last === undefined ? 0 : Math.max(0, last + gapMs - now);
    },
    markSent(method, path, now) {
      if (!paced(method, path)) return;
      lastSent.delete(path);
      lastSent.set(path, now);
      // Bounded memory: forget the oldest reads first (Map keeps insertion order).
      if (lastSent.size > REMEMBERED) lastSent.delete(lastSent.keys().next().value as string);
    },
  };
}
