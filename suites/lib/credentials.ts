/**
 * Credentials that are almost right, and credentials in the wrong place
 * (AUTH-2): what string-comparison and lookup bugs let in. A near miss is
 * derived from a valid key, so it is a secret like the key itself: it is named
 * by what was done to which key (`label`), never shown; the check hands every
 * value to its recorder to redact (`secretsOf`).
 */
import type { KeyRole, RunConfig } from './config.js';

export type NearMissKind =
  | 'case-swapped' | 'last-removed' | 'char-appended' | 'last-replaced'
  | 'nbsp-appended' | 'fullwidth-twin' | 'canonical-twin';

export interface NearMiss {
  kind: NearMissKind;
  /** What was done to which key: the only way a report names a near miss. */
  label: string;
  /** The derived key. */
  value: string;
  /**
   * The X-Api-Key value as it goes out: the derived key itself when each of its
   * characters is one byte (ISO-8859-1, HTTP's historical field charset, which
   * Node, Python and Java servers decode with), else its UTF-8 bytes, one
   * character per byte (what a server that reads fields as UTF-8 decodes).
   */
  wire: string;
  /** The near miss carries bytes outside ASCII, which an HTTP layer may refuse (400) before any key is compared. */
  nonAscii: boolean;
}

/** How reports name each key: never by value. */
export const KEY_NAMES: Record<KeyRole, string> = { primary: 'primary', alt: 'second', broke: 'no-credit' };

/** The next character of the same class, so a mutated key still looks like a key (a format check would hide a comparison bug). */
function neighbour(c: string): string {
  const code = c.charCodeAt(0);
  if (c >= '0' && c <= '9') return String.fromCharCode(48 + ((code - 47) % 10));
  if (c >= 'a' && c <= 'z') return String.fromCharCode(97 + ((code - 96) % 26));
  if (c >= 'A' && c <= 'Z') return String.fromCharCode(65 + ((code - 64) % 26));
  return c === 'x' ? 'y' : 'x';
}

function swapCase(c: string): string {
  const upper = c.toUpperCase();
  const lower = c.toLowerCase();
  // A swap that changes the length (ß → SS) is another key, not a case variant.
  if (c !== upper && [...upper].length === 1) return upper;
  if (c !== lower && [...lower].length === 1) return lower;
  return c;
}

/** Printable ASCII has fullwidth forms (U+FF01..FF5E) that NFKC maps back to it. */
const fullwidth = (c: string): string | undefined => {
  const code = c.codePointAt(0) ?? 0;
  return code >= 0x21 && code <= 0x7e ? String.fromCodePoint(code - 0x21 + 0xff01) : undefined;
};

/** Characters with a canonical singleton twin: NFC maps the twin back to them. */
const SINGLETONS: Record<string, string> = { K: '\u212a', '\u00c5': '\u212b', '\u03a9': '\u2126' };

/** A spelling NFC makes equal to the key's: decomposed, composed, or a singleton twin (Kelvin sign for K). */
function canonicalTwin(chars: string[], key: string): string | undefined {
  const nfd = key.normalize('NFD');
  if (nfd !== key) return nfd;
  const nfc = key.normalize('NFC');
  if (nfc !== key) return nfc;
  const at = chars.findLastIndex((c) => c in SINGLETONS);
  return at === -1 ? undefined : [...chars.slice(0, at), SINGLETONS[chars[at] as string] as string, ...chars.slice(at + 1)].join('');
}

export const toWire = (value: string): string => ([...value].every((c) => (c.codePointAt(0) ?? 0) <= 0xff) ? value : Buffer.from(value, 'utf8').toString('latin1'));

/**
 * The near misses of `key`, deterministic, none equal to any of `valid` (nor
 * to each other). Whitespace around a key is not among them: HTTP strips a
 * field value's leading and trailing SP and HTAB before any application sees
 * it (RFC 9110 §5.5), so a provider could not tell "K " from "K". A trailing
 * no-break space is not such whitespace to HTTP, yet a Unicode trim
 * (JavaScript's trim, Python's strip) removes it: that is the trimming probe.
 */
export function nearMisses(key: string, keyName: string, valid: readonly string[]): NearMiss[] {
  const chars = [...key];
  const last = chars.at(-1) ?? '';
  const head = chars.slice(0, -1).join('');
  const asciiAt = chars.findLastIndex((c) => fullwidth(c) !== undefined);
  const candidates: [NearMissKind, string, string | undefined][] = [
    ['case-swapped', 'with the case of its letters swapped', chars.map(swapCase).join('')],
    // The valid key is a prefix of the candidate, and the candidate a prefix of the valid key: compared up to the shorter length, both pass.
    ['last-removed', 'with its last character removed', head || undefined],
    ['char-appended', 'with one more character at its end', key + neighbour(last)],
    ['last-replaced', 'with its last character replaced', head + neighbour(last)],
    ['nbsp-appended', 'followed by a no-break space (U+00A0), which a Unicode trim removes', `${key}\u00a0`],
    ['fullwidth-twin', 'with one character in its fullwidth form (equal under NFKC normalization)',
      asciiAt === -1 ? undefined : [...chars.slice(0, asciiAt), fullwidth(chars[asciiAt] as string), ...chars.slice(asciiAt + 1)].join('')],
    ['canonical-twin', 'spelt in another canonical form (equal under NFC normalization)', canonicalTwin(chars, key)],
  ];
  const taken = new Set(valid);
  const out: NearMiss[] = [];
  for (const [kind, how, value] of candidates) {
    if (value === undefined || value === key || taken.has(value)) continue;
    const wire = toWire(value);
    if (taken.has(wire)) continue;
    taken.add(value);
    out.push({ kind, label: `the ${keyName} key ${how}`, value, wire, nonAscii: /[^\x20-\x7e]/.test(wire) });
  }
  return out;
}

/** Every near miss of every key the run was given, with the key it was derived from; one derived from two keys is sent once. */
export function runNearMisses(keys: RunConfig['keys']): (NearMiss & { role: KeyRole })[] {
  const valid = [keys.primary, keys.alt, keys.broke].filter((k): k is string => k !== undefined);
  const sent = new Set<string>();
  return (['primary', 'alt', 'broke'] as const).flatMap((role) => {
    const key = keys[role];
    if (key === undefined) return [];
    return nearMisses(key, KEY_NAMES[role], valid).filter((m) => !sent.has(m.value) && sent.add(m.value)).map((m) => ({ ...m, role }));
  });
}

/** What the recorder must redact for a near miss: the derived key, its wire form and the forms a target may echo it in. */
export const secretsOf = (m: NearMiss): string[] => [...new Set([m.value, m.wire])];

/** A valid key placed where SPEC does not read one (AUTH-2: without X-Api-Key the answer is 401 missing_api_key). */
export interface Misplaced {
  /** Where the key went, in words. */
  where: string;
  /** Sent in the URL or a cookie: access logs and proxies may keep it. */
  logged: boolean;
  path: string;
  headers: Record<string, string>;
  /** Derived from the key (the Basic credential): redacted like it. */
  secrets: string[];
}

export const QUERY_NAMES = ['api_key', 'key', 'apikey'] as const;

export function misplacements(key: string, path: string): Misplaced[] {
  // Basic with the key as the user name and no password, as several APIs take theirs.
  const basic = Buffer.from(`${key}:`, 'utf8').toString('base64');
  const sep = path.includes('?') ? '&' : '?';
  return [
    { where: 'in Authorization: Bearer', logged: false, path, headers: { authorization: `Bearer ${key}` }, secrets: [] },
    { where: 'in Authorization: Basic (as the user name)', logged: false, path, headers: { authorization: `Basic ${basic}` }, secrets: [basic] },
    ...QUERY_NAMES.map((name) => ({ where: `in the query parameter ${name}`, logged: true, path: `${path}${sep}${name}=${encodeURIComponent(key)}`, headers: {}, secrets: [] })),
    { where: 'in a cookie (api_key)', logged: true, path, headers: { cookie: `api_key=${key}` }, secrets: [] },
  ];
}

/** Loopback hosts: a key in a URL sent there stays on this machine. */
export function isLoopback(target: string): boolean {
  let host: string;
  try { host = new URL(target).hostname.toLowerCase(); } catch { return false; }
  host = host.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '::1' || /^::ffff:127\./.test(host) || /^::ffff:7f[0-9a-f]{2}:/.test(host);
}

/** Which key the URL and cookie probes carry, or why they are not sent. */
export type LoggedProbes = { role: KeyRole; key: string } | { skipped: string };

/**
 * A key in a URL or a cookie ends up in access logs. Against the embedded mock
 * or a loopback target that stays here, so the primary key goes; against a
 * remote target only when asked (--probe-credentials-in-url), and then with
 * the no-credit key, which unlocks the least.
 */
export function loggedProbes(config: RunConfig): LoggedProbes {
  if (config.embedded !== null || isLoopback(config.target)) return { role: 'primary', key: config.keys.primary };
  if (!config.probeCredentialsInUrl) return { skipped: 'against a remote target they run only when asked (--probe-credentials-in-url, config key probeCredentialsInUrl), since a key in a URL or a cookie may stay in access logs' };
  if (config.keys.broke === undefined) return { skipped: '--probe-credentials-in-url sends them with the no-credit key, and no --broke-api-key was given' };
  return { role: 'broke', key: config.keys.broke };
}
