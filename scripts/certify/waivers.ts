/**
 * `waivers` in the config file: a rule or a check whose failure does not gate
 * for a while, with why (`reason`), whose (`owner`) and until when (`expires`,
 * at most 90 days after the run: a waiver is a short exception, renewed on
 * purpose, never a standing one), optionally for one target only. The zod
 * schema goes into the config file's JSON Schema; the checks here give each
 * mistake one line naming the waiver.
 */
import { z } from 'zod';
import { RULE_IDS } from '../../contracts/rules.js';
import type { Waiver } from '../../core/gates/model.js';
import { UsageError } from '../cli-errors.js';

/** How far ahead a waiver may end. */
export const WAIVER_MAX_DAYS = 90;

const CHECK_ID = /^[a-z]+\.[a-zA-Z0-9._-]+$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const common = {
  reason: z.string().min(1).describe('why the failure is accepted for now'),
  owner: z.string().min(1).describe('who answers for it (a person or a team)'),
  expires: z.iso.date().describe(`the last day (UTC) the waiver holds, at most ${WAIVER_MAX_DAYS} days after the run; then the failure gates again`),
  target: z.url({ protocol: /^https?$/ }).optional().describe('holds only for runs against this origin or URL prefix; absent: every target'),
};

/** One waiver: exactly one of `rule` (a SPEC rule ID) or `check` (a check id). */
export const WaiverSchema = z.union([
  z.strictObject({ rule: z.string().regex(/^[A-Z]+-\d+$/).describe('the SPEC rule ID waived, e.g. AUTH-6: its failures, and the rule when no check could judge it'), ...common }),
  z.strictObject({ check: z.string().regex(CHECK_ID).describe('the check id waived, e.g. auth.challenge'), ...common }),
]);

export const WaiversSchema = z.array(WaiverSchema).describe('known failures accepted for a while: each names a rule or a check, a reason, an owner and an end at most 90 days out; an expired one gates again, an unused one is reported');

const validDay = (s: string): boolean => DAY.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The waivers of a config file, each checked, or a UsageError naming the waiver and what is wrong with it. */
export function readWaivers(raw: unknown, origin: string, now: Date = new Date()): Waiver[] {
  if (!Array.isArray(raw)) throw new UsageError(`${origin} must be a list of waivers ({ "rule" or "check", "reason", "owner", "expires" })`);
  const today = now.toISOString().slice(0, 10);
  const latest = addDays(today, WAIVER_MAX_DAYS);
  return raw.map((item, i): Waiver => {
    const w = (item ?? {}) as Record<string, unknown>;
    const name = typeof w.rule === 'string' ? w.rule : typeof w.check === 'string' ? w.check : `#${i + 1}`;
    const bad = (why: string): never => { throw new UsageError(`${origin}: waiver ${i + 1} (${name}) ${why}`); };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) bad('must be an object');
    const unknown = Object.keys(w).find((k) => !['rule', 'check', 'reason', 'owner', 'expires', 'target'].includes(k));
    if (unknown) bad(`has an unknown key "${unknown}" (known: rule or check, reason, owner, expires, target)`);
    if ((w.rule === undefined) === (w.check === undefined)) bad('must name exactly one of "rule" (a SPEC rule ID such as AUTH-6) or "check" (a check id such as auth.challenge)');
    if (w.rule !== undefined && (typeof w.rule !== 'string' || !RULE_IDS.has(w.rule))) bad(`names an unknown rule ${JSON.stringify(w.rule)} (a SPEC rule ID such as AUTH-6)`);
    if (w.check !== undefined && (typeof w.check !== 'string' || !CHECK_ID.test(w.check))) bad(`names ${JSON.stringify(w.check)}, not a check id (such as auth.challenge)`);
    for (const key of ['reason', 'owner'] as const) if (typeof w[key] !== 'string' || (w[key] as string).trim() === '') bad(`needs a "${key}"`);
    if (typeof w.expires !== 'string' || !validDay(w.expires)) bad(`needs "expires", the last day it holds as YYYY-MM-DD, got ${JSON.stringify(w.expires)}`);
    const expires = w.expires as string;
    if (expires > latest) bad(`expires ${expires}, more than ${WAIVER_MAX_DAYS} days after today (${today}); a waiver may run until ${latest} at the latest: renew it when it runs out`);
    if (w.target !== undefined && (typeof w.target !== 'string' || !/^https?:\/\/[^\s/]+/i.test(w.target) || !URL.canParse(w.target))) bad(`has "target" ${JSON.stringify(w.target)}, not an http or https origin or URL prefix`);
    return {
      ...(w.rule !== undefined ? { rule: w.rule as string } : { check: w.check as string }),
      reason: (w.reason as string).trim(), owner: (w.owner as string).trim(), expires,
      ...(w.target !== undefined ? { target: w.target as string } : {}),
    };
  });
}
