/**
 * The AUTH-2 faults of key lookup: a provider that compares keys loosely
 * (letter case, a prefix, a Unicode trim or normalization) or reads a key from
 * where SPEC does not put one (Authorization, the query, a cookie). The engine
 * asks only once the exact lookup has failed, so the clean path costs nothing.
 */
import type { Account } from './context.js';
import type { FaultName } from './faults.js';
import type { MockRequest } from './types.js';

type Accounts = ReadonlyMap<string, Account>;
type Faults = ReadonlySet<FaultName>;

const find = (accounts: Accounts, match: (key: string) => boolean): Account | undefined => {
  for (const [key, account] of accounts) if (match(key)) return account;
  return undefined;
};

/** Header bytes read as UTF-8, as a server that decodes fields that way sees them (Node hands them over as ISO-8859-1). */
const asUtf8 = (value: string): string => new TextDecoder().decode(Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff));

/** The account a loosely compared X-Api-Key would match: a near miss of a valid key. */
export function looseMatch(sent: string, accounts: Accounts, faults: Faults): Account | undefined {
  if (faults.has('auth-key-case-insensitive')) {
    const lower = sent.toLowerCase();
    const hit = find(accounts, (k) => k.toLowerCase() === lower);
    if (hit) return hit;
  }
  if (faults.has('auth-key-prefix-match')) {
    const hit = find(accounts, (k) => sent.startsWith(k));
    if (hit) return hit;
  }
  // JavaScript's trim, like Python's strip, removes Unicode white space HTTP keeps (a no-break space).
  if (faults.has('auth-key-trimmed')) {
    const hit = accounts.get(sent.trim());
    if (hit) return hit;
  }
  if (faults.has('auth-key-normalized')) {
    const hit = accounts.get(asUtf8(sent).normalize('NFKC'));
    if (hit) return hit;
  }
  return undefined;
}

/** The account of a valid key sent elsewhere than X-Api-Key, when a fault reads it there. */
export function misplacedMatch(req: MockRequest, accounts: Accounts, faults: Faults): Account | undefined {
  if (faults.has('auth-bearer-accepted')) {
    const bearer = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const hit = bearer === undefined ? undefined : accounts.get(bearer);
    if (hit) return hit;
  }
  if (faults.has('auth-query-key-accepted')) {
    const q = req.url.indexOf('?');
    const query = new URLSearchParams(q === -1 ? '' : req.url.slice(q + 1));
    for (const name of ['api_key', 'key', 'apikey']) {
      const value = query.get(name);
      const hit = value === null ? undefined : accounts.get(value);
      if (hit) return hit;
    }
  }
  if (faults.has('auth-cookie-key-accepted')) {
    for (const pair of (req.headers.cookie ?? '').split(';')) {
      const hit = accounts.get(pair.slice(pair.indexOf('=') + 1).trim());
      if (hit) return hit;
    }
  }
  return undefined;
}
