/** What the transport did, in plain words, the same in every report: a flaky network is told apart from a broken contract. */
import type { TransportFailure } from '../exchange.js';
import type { TransportSummary } from '../results.js';

const WORDS: Record<TransportFailure, (n: number) => string> = {
  refused: (n) => `refused ${n} connection${n === 1 ? '' : 's'}`,
  reset: (n) => `reset or closed ${n} connection${n === 1 ? '' : 's'} before a full answer`,
  timeout: (n) => `left ${n} request${n === 1 ? '' : 's'} unanswered past the request timeout`,
  protocol: (n) => `answered ${n} request${n === 1 ? '' : 's'} with broken HTTP`,
  other: (n) => `failed ${n} request${n === 1 ? '' : 's'} otherwise`,
};

export function describeCounts(counts: Partial<Record<TransportFailure, number>>): string {
  return (Object.entries(counts) as [TransportFailure, number][]).filter(([, n]) => n > 0).map(([k, n]) => WORDS[k](n)).join(', ');
}

export function describeTransport(t: TransportSummary): string {
  if (t.failed === 0) return 'every request got an answer';
  const errored = t.by_check.filter((c) => c.status === 'error').length;
  return `the target ${describeCounts(t.by_kind)}, in ${t.by_check.length} check${t.by_check.length === 1 ? '' : 's'}; ` +
    `${errored} of them could not complete (error, not fail): an unreliable transport, not a broken contract`;
}
