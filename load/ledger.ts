/**
 * What the load stage did to each job it created, for the billing check after
 * the load: which starts the provider accepted (2xx: charged exactly once),
 * which it refused (429 or another 4xx: charged nothing, RATE-5), and which
 * are unknown (5xx, timeout, or still in flight when the phase stopped: at
 * most one charge). Keys are kept by index, never by value.
 */

export type StartOutcome = 'started' | 'refused' | 'throttled' | 'unsure' | 'not-started';

export interface LedgerEntry {
  jobId: string;
  keyIndex: number;
  outcome: StartOutcome;
  /** Credits the accepted start must charge (the formula on the body sent). */
  credits?: number;
  /** Start requests sent for the job (a throttled start is retried). */
  starts: number;
  /** Starts answered 429: any charge they left behind breaks RATE-5. */
  throttled: number;
}

export class Ledger {
  private readonly jobs = new Map<string, LedgerEntry & { pending: number }>();

  created(jobId: string, keyIndex: number): void {
    if (!this.jobs.has(jobId)) this.jobs.set(jobId, { jobId, keyIndex, outcome: 'not-started', starts: 0, throttled: 0, pending: 0 });
  }

  startSent(jobId: string, credits: number): void {
    const e = this.jobs.get(jobId);
    if (!e) return;
    e.starts++;
    e.pending++;
    if (e.outcome !== 'started') e.credits = credits;
  }

  /** The provider's answer to a start; an accepted start is never downgraded by a later answer. */
  startAnswered(jobId: string, status: number): void {
    const e = this.jobs.get(jobId);
    if (!e) return;
    e.pending = Math.max(0, e.pending - 1);
    if (status === 429) e.throttled++;
    if (e.outcome === 'started') return;
    if (status >= 200 && status < 300) e.outcome = 'started';
    else if (status >= 500) e.outcome = 'unsure';
    else if (e.outcome === 'unsure') return;
    else if (status === 429) e.outcome = 'throttled';
    else e.outcome = 'refused';
  }

  /** A start that got no answer (timeout, dropped connection). */
  startLost(jobId: string): void {
    const e = this.jobs.get(jobId);
    if (!e) return;
    e.pending = Math.max(0, e.pending - 1);
    if (e.outcome !== 'started') e.outcome = 'unsure';
  }

  /** Every job, with starts still in flight counted as unsure. */
  entries(): LedgerEntry[] {
    return [...this.jobs.values()].map(({ pending, ...e }) => (pending > 0 && e.outcome !== 'started' ? { ...e, outcome: 'unsure' } : e));
  }

  keyIndexes(): number[] {
    return [...new Set([...this.jobs.values()].map((e) => e.keyIndex))].sort((a, b) => a - b);
  }

  get size(): number {
    return this.jobs.size;
  }
}
