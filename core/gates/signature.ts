/**
 * A failure's signature: what stays the same when the same fault fails the
 * same check on another run. It reads the check id, the rules it cites, the
 * rule its finding names and what SPEC requires (the finding's `requires`),
 * never the message or what came back: those carry request and job ids, times,
 * ports and counts that differ on every run. What is left of `requires` is
 * normalized the same way, so a requirement that names a URL or a count
 * ("(job job_8f3a…)", "127.0.0.1:53121", "12 429s") still signs alike.
 */
import { createHash } from 'node:crypto';
import type { CheckResult } from '../results.js';

/** In order: each replaces what the later ones would only half-catch (a date's digits, a port's). */
const VOLATILE: readonly [RegExp, string][] = [
  // ISO 8601 dates and date-times, and HTTP dates.
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/g, '<time>'],
  [/\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\b/g, '<time>'],
  // A URL's port: the embedded mock, and many staging setups, listen on a new one each run.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:?#]+):\d+/gi, '$1'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  // Ids of any provider's making: a token of 8 or more characters with a digit in it (job_01HX…, req-3f2a…, a digest).
  [/\b(?=[\w-]*\d)[A-Za-z0-9_-]{8,}/g, '<id>'],
  [/\d+(?:\.\d+)*/g, '<n>'],
];

/** `requires` with every id, time, port and number taken out, white space collapsed. */
export function normalizeRequirement(text: string): string {
  let out = text;
  for (const [pattern, replacement] of VOLATILE) out = out.replace(pattern, replacement);
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * What the signature is made of, readable: `rule: requirement`. A failure
 * without a finding (a SCHEMA check) signs with its check and rules alone: its
 * message lists what broke in the order the run saw it.
 */
export function failureText(c: Pick<CheckResult, 'finding'>): string {
  if (!c.finding) return '';
  return `${c.finding.rule ? `${c.finding.rule}: ` : ''}${normalizeRequirement(c.finding.requires)}`;
}

/** 16 hex digits of SHA-256 over the check id, its rules (sorted), the finding's rule and its normalized requirement. */
export function signatureOf(c: Pick<CheckResult, 'id' | 'rule_ids' | 'finding'>): string {
  const parts = [c.id, [...c.rule_ids].sort().join(','), c.finding?.rule ?? '', c.finding ? normalizeRequirement(c.finding.requires) : ''];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
