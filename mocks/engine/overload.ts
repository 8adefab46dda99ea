/**
 * The load-5xx-under-load fault: a provider that breaks once traffic is high.
 * The request rate is estimated over a sliding second (two fixed one-second
 * windows, the previous one weighted by how much of it still overlaps), from
 * the engine's clock, so tests drive it with a manual clock.
 */

/** Requests per second above which the fault starts answering 500. */
export const OVERLOAD_RPS = 50;
/** Under overload, one request in this many fails. */
export const OVERLOAD_FAIL_EVERY = 4;

export function overloadDetector(): (now: number) => boolean {
  let windowStart = 0;
  let current = 0;
  let previous = 0;
  let counter = 0;
  return (now) => {
    const elapsed = now - windowStart;
    if (elapsed >= 1000) {
      previous = elapsed < 2000 ? current : 0;
      current = 0;
      windowStart = now - (elapsed % 1000);
    }
    current++;
    const rate = current + previous * (1 - (now - windowStart) / 1000);
    return rate > OVERLOAD_RPS && ++counter % OVERLOAD_FAIL_EVERY === 0;
  };
}
