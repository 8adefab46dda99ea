/**
 * Every family a check can belong to, in the order the reports list them: the
 * SPEC's (contracts/rules.ts), FUZZ (generated inputs judged against rules of
 * them all), SCHEMA, LIST (SPEC §1's list and usage reads, which have no rule
 * ID of their own), and the stages outside the check runner (PACT, LOAD).
 * Onboarding's CLI family is not here: it is never selected and sorts last.
 */
import { FAMILIES } from '../contracts/rules.js';

export const REPORT_FAMILIES = [...FAMILIES, 'FUZZ', 'SCHEMA', 'LIST', 'PACT', 'LOAD'] as const;

/** What --only and --skip accept, besides rule IDs. */
export const SELECTABLE_FAMILIES = REPORT_FAMILIES;

/** A family's place in the reports; a family not listed (CLI) comes after every listed one. */
export function familyRank(family: string): number {
  const i = (REPORT_FAMILIES as readonly string[]).indexOf(family);
  return i === -1 ? REPORT_FAMILIES.length : i;
}
