/**
 * CLI-3's "growing, jittered delays" (SPEC §4), judged on the waits the mock
 * measured between attempts of a retry chain. Pure: lists of waits in,
 * findings out, so every boundary is testable without a client.
 *
 * Only the waits the client chose are judged. A wait after a 429 is at least
 * its Retry-After (CLI-2), the server's number; whether the client then added
 * its backoff or took the larger of the two SPEC does not say, so no part of
 * it can be read as the client's. A wait that overlapped another request's
 * Retry-After of the same key may have been stretched by the shared limiter
 * (CLI-12). Both are `dictated` and left out; what is left may be too little
 * to show anything, and then the finding is "not judged", never a failure.
 */

export interface Wait {
  /** From the end of one attempt to the arrival of the next, as the mock measured it. */
  ms: number;
  /** Which retry it preceded: 1 = the first retry of its chain. */
  position: number;
  /** A Retry-After stood over this wait (its own 429's, or the shared limiter's): not the client's choice. */
  dictated: boolean;
}

/**
 * A wait may come out this much shorter than the one before it, no more: 10 % for jitter at the
 * edges of the ranges, plus 1 s because a CPU-starved client (loaded CI) can stretch any single wait
 * by about that much. Non-decreasing is the rule, so a backoff held at its cap passes.
 */
export const SHRINK_FACTOR = 0.9;
export const SHRINK_SLACK_MS = 1000;
/** Growth shows only over three waits or more: with two, one jittered draw can hide it. */
export const GROWTH_MIN_WAITS = 3;
/**
 * "Clearly above the first": the longest wait at least 10 % longer than the first, and 50 ms longer.
 * The wire shows each wait plus the client's own latency, a few ms and up to tens at a cold start,
 * so 50 ms is the noise floor; when the first wait is under 500 ms a growth that small is below it,
 * and a chain that did not show growth is not judged rather than failed.
 */
export const GROWTH_PERCENT = 10;
export const GROWTH_MIN_MS = 50;
/** Waits at one attempt position this close together, three or more of them, are not jittered. */
export const JITTER_SPREAD_MS = 10;
export const JITTER_MIN_WAITS = 3;

export type Growth<T extends Wait> =
  | { judged: false; why: string; /** Enough waits, but too short to tell growth from noise. */ tooShort?: true }
  | { judged: true; grows: boolean; first: T; longest: T; own: T[] };

export interface ChainJudgement<T extends Wait> {
  /** Consecutive waits of the client's where the later one is clearly shorter: [longer, shorter]. */
  shrinks: [T, T][];
  growth: Growth<T>;
}

export function judgeChain<T extends Wait>(waits: readonly T[]): ChainJudgement<T> {
  const own = waits.filter((w) => !w.dictated);
  const shrinks: [T, T][] = [];
  for (let i = 1; i < own.length; i++) {
    const prev = own[i - 1] as T;
    const cur = own[i] as T;
    if (cur.ms < prev.ms * SHRINK_FACTOR - SHRINK_SLACK_MS) shrinks.push([prev, cur]);
  }
  if (own.length < GROWTH_MIN_WAITS) {
    const dictated = waits.length - own.length;
    return { shrinks, growth: { judged: false, why: `${own.length} wait(s) of the client's own${dictated ? ` (${dictated} set by Retry-After)` : ''}, growth shows from ${GROWTH_MIN_WAITS}` } };
  }
  const first = own[0] as T;
  const longest = own.reduce((a, b) => (b.ms > a.ms ? b : a));
  // In whole percents: 1000 × 0.1 is not 100 in floating point.
  const relative = (first.ms * GROWTH_PERCENT) / 100;
  const grows = longest.ms - first.ms >= Math.max(GROWTH_MIN_MS, relative);
  if (!grows && relative < GROWTH_MIN_MS) {
    return { shrinks, growth: { judged: false, why: `waits of ${Math.round(first.ms)}–${Math.round(longest.ms)} ms: a growth of ${GROWTH_PERCENT} % is under the ${GROWTH_MIN_MS} ms timer noise`, tooShort: true } };
  }
  return { shrinks, growth: { judged: true, grows, first, longest, own } };
}

export interface Flat<T extends Wait> { position: number; waits: T[] }

export type Jitter<T extends Wait> =
  | { judged: false; why: string }
  | { judged: true; flat: Flat<T>[]; positions: { position: number; waits: T[] }[] };

/** Across chains: the client's waits before the same retry are not all equal (the run's chains together). */
export function judgeJitter<T extends Wait>(waits: readonly T[]): Jitter<T> {
  const byPosition = new Map<number, T[]>();
  for (const w of waits) if (!w.dictated) byPosition.set(w.position, [...(byPosition.get(w.position) ?? []), w]);
  const positions = [...byPosition.entries()].sort(([a], [b]) => a - b).filter(([, list]) => list.length >= JITTER_MIN_WAITS).map(([position, list]) => ({ position, waits: list }));
  if (positions.length === 0) {
    const most = Math.max(0, ...[...byPosition.values()].map((l) => l.length));
    return { judged: false, why: `no retry position had ${JITTER_MIN_WAITS} waits of the client's own across chains (at most ${most})` };
  }
  const flat = positions.filter(({ waits: list }) => {
    const ms = list.map((w) => w.ms);
    return Math.max(...ms) - Math.min(...ms) < JITTER_SPREAD_MS;
  });
  return { judged: true, flat, positions };
}
