// The checks' verdicts (suites/lib/verdicts.ts) fail in the rule's words: the
// rule first, what SPEC requires, what came back, and nothing an assertion
// library would say; they hold exactly when the vitest matchers they replaced did.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../../suites/lib/client.js';
import { CheckFailure } from '../../suites/lib/errors.js';
import { requireCount, requireEqual, requireHeader, requireStatus, requireThat, shown } from '../../suites/lib/verdicts.js';

const LIBRARY_WORDS = /expected .* to |Object\.is|toHaveLength|toEqual|toBe|toMatch|deeply equal|AssertionError|to have a length/;

function reply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  const text = JSON.stringify(body);
  const exchange = { request: { method: 'GET', url: 'http://t/v1/jobs', headers: {} }, response: { status, headers, body: text }, started_at: '', time_ms: 0, key: 'primary', violations: [] };
  return { status, headers: new Headers(headers), text, json: body, requestId: headers['x-request-id'] ?? null, exchange, sentAt: 0, doneAt: 0 } as Reply;
}

/** The CheckFailure `run` throws, proven to speak the rule's words. */
function failureOf(run: () => void, rule: string, requires: string): CheckFailure {
  let caught: unknown;
  try { run(); } catch (err) { caught = err; }
  expect(caught).toBeInstanceOf(CheckFailure);
  const failure = caught as CheckFailure;
  expect(failure.name).toBe('CheckFailure');
  expect(failure.message.startsWith(`${rule}: ${requires}; `)).toBe(true);
  expect(failure.message).not.toMatch(LIBRARY_WORDS);
  expect(failure.finding).toEqual({ rule, requires, observed: failure.message.slice(`${rule}: ${requires}; `.length) });
  return failure;
}

describe('requireEqual', () => {
  it('says what came back and what it was held against', () => {
    const f = failureOf(() => requireEqual(201, 200, 'IDEM-1', 'a retried start is replayed with the same status', 'the original was'), 'IDEM-1', 'a retried start is replayed with the same status');
    expect(f.message).toBe('IDEM-1: a retried start is replayed with the same status; got 201, the original was 200');
    expect(failureOf(() => requireEqual('processing', 'created', 'LIFE-5', 'the job stays created'), 'LIFE-5', 'the job stays created').message).toBe('LIFE-5: the job stays created; got "processing", not "created"');
  });

  it('is deep equality as toEqual was: key order and undefined members do not count', () => {
    expect(() => requireEqual({ a: 1, b: { c: [1, 2], d: undefined } }, { b: { c: [1, 2] }, a: 1 }, 'VAL-5', 'same')).not.toThrow();
    expect(() => requireEqual(['created', 'processing'], ['created', 'processing'], 'LIFE-4', 'same')).not.toThrow();
    expect(() => requireEqual(NaN, NaN, 'X-1', 'same')).not.toThrow();
  });

  it('is strict as toBe was: types, null and undefined, and signed zero differ', () => {
    for (const [a, b] of [['1', 1], [null, undefined], [0, -0], [true, 'true'], [[1, 2], [2, 1]], [{ a: 1 }, { a: 1, b: 2 }]] as const) {
      failureOf(() => requireEqual(a, b, 'OBS-3', 'equal'), 'OBS-3', 'equal');
    }
  });

  it('shows only the members that differ, so a change deep in a long object is seen', () => {
    const job = { id: 'job_1', history: Array.from({ length: 30 }, (_, i) => ({ status: 'created', at: `t${i}` })), model: 'light' };
    const f = failureOf(() => requireEqual({ ...job, model: 'pro' }, job, 'VAL-6', 'a rejected start changes nothing', 'before it was'), 'VAL-6', 'a rejected start changes nothing');
    expect(f.finding?.observed).toBe('got {"model":"pro"}, before it was {"model":"light"}');
  });

  it('cuts a long value at about 200 characters', () => {
    const f = failureOf(() => requireEqual(['x'.repeat(500)], [], 'OBS-4', 'none'), 'OBS-4', 'none');
    expect(f.message.length).toBeLessThan(300);
    expect(f.message).toContain('…');
    expect(shown(undefined)).toBe('nothing');
  });
});

describe('requireThat', () => {
  it('passes when the condition holds, and fails with the observation otherwise', () => {
    expect(() => requireThat(true, 'ERR-3', 'no 5xx', 'got 500')).not.toThrow();
    const f = failureOf(() => requireThat(502 < 500, 'ERR-3', 'no request, however malformed, gets a 5xx', 'got 502'), 'ERR-3', 'no request, however malformed, gets a 5xx');
    expect(f.message).toBe('ERR-3: no request, however malformed, gets a 5xx; got 502');
  });
});

describe('requireCount', () => {
  it('passes on exactly n items, and shows what it counted otherwise', () => {
    expect(() => requireCount([], 0, 'LIFE-5', 'charges nothing')).not.toThrow();
    expect(() => requireCount([{ credits: 60 }], 1, 'IDEM-5', 'charged once')).not.toThrow();
    const f = failureOf(() => requireCount([{ credits: 60 }, { credits: 60 }], 1, 'IDEM-5', 'a job is charged once per start', 'charge events'), 'IDEM-5', 'a job is charged once per start');
    expect(f.message).toBe('IDEM-5: a job is charged once per start; got 2 charge events: [{"credits":60},{"credits":60}]');
    failureOf(() => requireCount([], 1, 'IDEM-3', 'one original'), 'IDEM-3', 'one original');
  });
});

describe('requireStatus', () => {
  it('passes on the status, and shows the body of another', () => {
    expect(() => requireStatus(reply(200, { ok: true }), 200, 'AUTH-1', 'served')).not.toThrow();
    const f = failureOf(() => requireStatus(reply(403, { error: { code: 'forbidden' } }), 401, 'AUTH-3', 'an unauthenticated request gets 401'), 'AUTH-3', 'an unauthenticated request gets 401');
    expect(f.message).toBe('AUTH-3: an unauthenticated request gets 401; got 403: {"error":{"code":"forbidden"}}');
  });
});

describe('requireHeader', () => {
  const r = reply(401, {}, { 'www-authenticate': 'X-Api-Key realm="jobs"', 'idempotent-replayed': 'false', ratelimit: '' });
  it('returns the value when present (and equal, or matching)', () => {
    expect(requireHeader(r, 'WWW-Authenticate', 'AUTH-6', 'names X-Api-Key', /x-api-key/i)).toBe('X-Api-Key realm="jobs"');
    expect(requireHeader(r, 'Idempotent-Replayed', 'IDEM-1', 'present')).toBe('false');
  });
  it('fails on an absent header, an empty one, another value or no match', () => {
    expect(failureOf(() => requireHeader(r, 'RateLimit-Policy', 'RATE-6', 'responses carry RateLimit-Policy'), 'RATE-6', 'responses carry RateLimit-Policy').message)
      .toBe('RATE-6: responses carry RateLimit-Policy; the response has no RateLimit-Policy');
    failureOf(() => requireHeader(r, 'RateLimit', 'RATE-6', 'responses carry RateLimit'), 'RATE-6', 'responses carry RateLimit');
    expect(failureOf(() => requireHeader(r, 'Idempotent-Replayed', 'IDEM-1', 'a replay carries Idempotent-Replayed: true', 'true'), 'IDEM-1', 'a replay carries Idempotent-Replayed: true').message)
      .toBe('IDEM-1: a replay carries Idempotent-Replayed: true; got Idempotent-Replayed: "false"');
    failureOf(() => requireHeader(r, 'WWW-Authenticate', 'AUTH-6', 'names Bearer', /bearer/i), 'AUTH-6', 'names Bearer');
  });
});

// The family suites judge with these verdicts only, each citing a rule of the check it is in.
describe('the family suites', () => {
  const FAMILIES = ['auth', 'err-val', 'idem', 'life', 'obs', 'rate'];
  const source = (name: string): string => readFileSync(new URL(`../../suites/${name}.suite.ts`, import.meta.url), 'utf8');

  it.each(FAMILIES)('%s.suite.ts neither imports vitest nor calls expect()', (name) => {
    expect(source(name)).not.toMatch(/from 'vitest'|\bexpect\(/);
  });

  it.each(FAMILIES)('%s.suite.ts: every verdict inside a check cites one of its rules', (name) => {
    const text = source(name);
    const checks = [...text.matchAll(/check\(\s*[`']([^`']+)[`'],\s*\[([^\]]*)\]/g)].map((m) => ({ at: m.index, id: m[1], rules: (m[2]?.match(/[A-Z]+-\d+/g) ?? []) as string[] }));
    const uncited = [...text.matchAll(/\brequire(?:That|Equal|Count|Status|Header)\(/g)].flatMap((m) => {
      const rule = /'([A-Z]+-\d+)'/.exec(text.slice(m.index))?.[1];
      const within = checks.filter((c) => c.at < m.index).at(-1);
      return within && (!rule || !within.rules.includes(rule)) ? [`${within.id} cites ${rule ?? 'no rule'}`] : [];
    });
    expect(uncited).toEqual([]);
  });
});
