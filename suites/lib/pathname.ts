/**
 * A URL's path exactly as `new URL(url).pathname` gives it, without running
 * the URL parser in the common case: every recorded exchange needs its path
 * (to find the operation it is checked against), and the parser is a
 * noticeable share of a fuzz case's cost. Anything the parser would rewrite
 * (dot segments, characters it percent-encodes, backslashes) goes to it.
 */
const PLAIN_PATH = /^https?:\/\/[^/?#\\]*(\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?(?:[?#]|$)/;
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

export function pathnameOf(url: string): string {
  const m = PLAIN_PATH.exec(url);
  if (m && !DOT_SEGMENT.test(m[1] ?? '')) return m[1] || '/';
  return new URL(url).pathname;
}
