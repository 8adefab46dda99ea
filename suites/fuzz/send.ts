/**
 * How fuzz cases reach the target, and the judgements every FUZZ check makes
 * of every answer. A 429 is never a case's failure: the client already waits
 * out Retry-After at the key's gate and retries; a case still throttled after
 * that is sent again (bounded), and one the key never recovers for is RATE-3's
 * (blocked by the gate's breaker, or not judged).
 */
import { outcomesOf, type Expected } from '../../contracts/fuzz/oracle.js';
import { namesField } from '../../contracts/fuzz/param.js';
import { errorOf } from '../lib/api.js';
import { jsonIfUsable, type Client, type Reply, type RequestOptions } from '../lib/client.js';
import { broken, RuleBroken } from '../lib/errors.js';

const MAX_ROUNDS = 3;

export async function send(client: Client, method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
  let reply = await client.request(method, path, opts);
  for (let round = 1; reply.status === 429 && round < MAX_ROUNDS; round++) reply = await client.request(method, path, opts);
  if (reply.status === 429) broken('RATE-3', `${method} ${path} was still 429 after ${MAX_ROUNDS} rounds of waiting its Retry-After`);
  return reply;
}

/** What a message calls the request; built only when a message is (most cases pass, and describing a body costs a serialization). */
export type What = string | (() => string);
const said = (what: What): string => (typeof what === 'string' ? what : what());

// Read leniently: a message shows an unusable body, it does not blame it.
export const brief = (r: Reply): string => {
  const error = jsonIfUsable(r)?.error;
  return `${r.status}${codeSaid(r)}${error?.param !== undefined ? ` (param ${JSON.stringify(error.param)})` : ''}`;
};

/** " <code>" of an error reply, for a message; nothing when it has none or cannot be read. */
export function codeSaid(r: Reply): string {
  const code = jsonIfUsable(r)?.error?.code;
  return code ? ` ${String(code)}` : '';
}

/** ERR-3: no request, however malformed, gets a 5xx. */
export function noServerError(r: Reply, what: What): void {
  if (r.status >= 500) broken('ERR-3', `${said(what)} got ${brief(r)}: ${r.text.slice(0, 160)} (no request may get a 5xx)`);
}

/** ERR-1/ERR-2 envelope and OBS-2: the body's request_id is the X-Request-Id (which OBS-1 says every response has). */
export function wellFormedError(r: Reply, what: What): { code: string; param?: unknown } {
  const e = errorOf(r);
  if (r.requestId === null) broken('OBS-1', `${said(what)} got ${r.status} without an X-Request-Id`);
  if (e.request_id !== r.requestId) broken('OBS-2', `${said(what)} got ${r.status} whose error.request_id ${JSON.stringify(e.request_id)} is not its X-Request-Id ${JSON.stringify(r.requestId)}`);
  return e;
}

/**
 * A reply against what the contract promises for the body (oracle.ts): the
 * status, then the code, then `error.param` naming a field at fault (VAL-1).
 * A wrong non-5xx status is the promising rule's; an accepted body the
 * contract refuses is that rule's too, and a refused valid body is VAL-1's
 * (or VAL-4's when it is called an unsupported combination).
 */
export function judge(r: Reply, expected: Expected, what: What): void {
  if (!expected.alternatives?.length) { judgeOne(r, expected, what); return; }
  // A choice SPEC leaves to the provider: any outcome of the set is conformant; a reply matching none is judged by the main one, naming the others.
  let first: RuleBroken | undefined;
  for (const outcome of outcomesOf(expected)) {
    try { judgeOne(r, outcome, what); return; } catch (err) {
      if (!(err instanceof RuleBroken)) throw err;
      first ??= err;
    }
  }
  const others = (expected.alternatives ?? []).map((a) => `${a.status}${a.code ? ` ${a.code}` : ''} (${a.choice ?? a.rule}: ${a.why})`).join('; ');
  throw new RuleBroken((first as RuleBroken).rule, `${(first as RuleBroken).message}; SPEC also allows ${others}`);
}

function judgeOne(r: Reply, expected: Expected, what: What): void {
  noServerError(r, what);
  const want = `${expected.status}${expected.code ? ` ${expected.code}` : ''}${expected.params ? ` naming ${expected.params.slice(0, 3).join(' or ')}` : ''}`;
  if (expected.status === 200) {
    if (r.status >= 200 && r.status < 300) return;
    if (r.status === 400 || r.status === 422) {
      const e = wellFormedError(r, what);
      broken(r.status === 422 && e.code === 'unsupported_combination' ? 'VAL-4' : 'VAL-1', `${said(what)} is valid (${expected.why}), yet got ${brief(r)}: ${r.text.slice(0, 200)}`);
    }
    broken('AUTH-1', `${said(what)} is a valid request with a valid key, yet got ${brief(r)}`);
  }
  if (r.status !== expected.status) broken(expected.rule, `${said(what)}: expected ${want} (${expected.why}), got ${brief(r)}`);
  const e = wellFormedError(r, what);
  if (expected.code !== undefined && e.code !== expected.code) broken(expected.rule, `${said(what)}: expected the code ${expected.code} (${expected.why}), got ${e.code}`);
  if (expected.params && !expected.params.some((p) => namesField(e.param, p))) {
    broken('VAL-1', `${said(what)}: error.param is ${JSON.stringify(e.param)}, expected it to name ${expected.params.slice(0, 3).join(' or ')} (${expected.why})`);
  }
}
