/** Retry-After as RFC 9110 defines it (delay-seconds or an HTTP-date): the checks wait by it, the reports draw it. */

/** HTTP-date has whole-second precision: a date is read as the end of its second, so a probe never goes out early. */
const DATE_PRECISION_MS = 1000;

/**
 * Milliseconds to wait, or undefined when the value is not a valid Retry-After.
 * An HTTP-date is measured against the response's own `Date` header when there is
 * one (RFC 9110 §10.2.3), so a provider whose clock is off is still waited for right.
 */
export function parseRetryAfter(value: string | null | undefined, serverDate?: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (the obsolete forms are accepted by Date.parse too).
  if (/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return undefined;
    const reference = serverDate ? Date.parse(serverDate) : Number.NaN;
    const delta = Number.isNaN(reference) ? at - now : at - reference;
    return Math.max(0, delta + DATE_PRECISION_MS);
  }
  return undefined;
}

/** True for the delay-seconds form (which must say ≥ 1, RATE-2); false for an HTTP-date. */
export const isDelaySeconds = (value: string | null | undefined): boolean => /^\s*\d+\s*$/.test(value ?? '');
