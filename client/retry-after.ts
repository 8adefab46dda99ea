/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. CLI-2 and
 * RATE-2 require clients to accept both forms; recipients should also accept
 * the obsolete date forms (RFC 850 and asctime), which Date.parse reads.
 */
const DELAY_SECONDS = /^\d+$/;
const IMF_FIXDATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/** Milliseconds to wait from `now`, or undefined when the value is missing or not a valid Retry-After. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (DELAY_SECONDS.test(v)) return Number(v) * 1000;
  if (IMF_FIXDATE.test(v) || RFC850_DATE.test(v)) return fromDate(Date.parse(v), now);
  // asctime carries no zone; RFC 9110 says it is UTC.
  if (ASCTIME_DATE.test(v)) return fromDate(Date.parse(`${v} GMT`), now);
  return undefined;
}

function fromDate(at: number, now: number): number | undefined {
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
