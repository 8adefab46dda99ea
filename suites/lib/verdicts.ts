/**
 * A check's own verdicts, in the rule's words. Each helper is given the rule it
 * judges and what SPEC requires, and a failure reads
 * `<rule>: <what SPEC requires>; <what came back>`, so a compliance report
 * states the contract that broke, not an assertion library's phrasing.
 */
import { bodyPreview } from './api.js';
import type { Reply } from './client.js';
import { fail } from './errors.js';

// Long enough to show a status, an id or a small body; a whole job would bury the difference.
const SHOWN_MAX = 200;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as a message can show it: compact JSON on one line, cut when long. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try { text = JSON.stringify(value) ?? String(value); } catch { text = String(value); }
  return text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX)}…` : text;
}

/** Key order and undefined members do not count (as in deep equality); 1 and "1", null and undefined, 0 and -0 do. */
function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) return `{${Object.keys(value).filter((k) => value[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? String(value);
}

/** Of two objects, only the members that differ: a long body cut at SHOWN_MAX would hide the change. */
function differing(actual: unknown, expected: unknown): [unknown, unknown] {
  if (!isRecord(actual) || !isRecord(expected)) return [actual, expected];
  const keys = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].filter((k) => canonical(actual[k]) !== canonical(expected[k]));
  const pick = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(keys.map((k) => [k, o[k]]));
  return [pick(actual), pick(expected)];
}

function verdict(rule: string, requires: string, observed: string): never {
  fail(`${rule}: ${requires}; ${observed}`, { rule, requires, observed });
}

/** `observed` says what came back, as the end of the sentence after `requires`. */
export function requireThat(condition: boolean, rule: string, requires: string, observed: string): asserts condition {
  if (!condition) verdict(rule, requires, observed);
}

/**
 * Strict equality for plain values, deep equality for JSON ones. `versus` names
 * where `expected` came from when it is not a constant ("the original was").
 */
export function requireEqual(actual: unknown, expected: unknown, rule: string, requires: string, versus = 'not'): void {
  if (Object.is(actual, expected) || canonical(actual) === canonical(expected)) return;
  const [got, want] = differing(actual, expected);
  verdict(rule, requires, `got ${shown(got)}, ${versus} ${shown(want)}`);
}

/** Exactly `n` items, `what` naming them; pass them summarized (ids, not whole replies) so the message shows which. */
export function requireCount(items: readonly unknown[], n: number, rule: string, requires: string, what = ''): void {
  if (items.length !== n) verdict(rule, requires, `got ${items.length}${what ? ` ${what}` : ''}: ${shown(items)}`);
}

/** The reply's status, with its body shown when it is another: an error body says why. */
export function requireStatus(reply: Reply, status: number, rule: string, requires: string): void {
  if (reply.status !== status) verdict(rule, requires, `got ${reply.status}: ${bodyPreview(reply)}`);
}

/**
 * A header that is present and not empty, equal to `want` when it is a string,
 * matching it when it is a pattern. Returns its value.
 */
export function requireHeader(reply: Pick<Reply, 'headers'>, name: string, rule: string, requires: string, want?: string | RegExp): string {
  const value = reply.headers.get(name);
  if (value === null) verdict(rule, requires, `the response has no ${name}`);
  const holds = want === undefined ? value !== '' : typeof want === 'string' ? value === want : want.test(value);
  if (!holds) verdict(rule, requires, `got ${name}: ${shown(value)}`);
  return value;
}
