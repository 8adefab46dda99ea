/** Families --only/--skip accept: the SPEC's, FUZZ (generated inputs judged against rules of them all), SCHEMA, and the stages outside vitest (PACT, LOAD). */
import { FAMILIES } from '../../contracts/rules.js';

export const SELECTABLE_FAMILIES = [...FAMILIES, 'FUZZ', 'SCHEMA', 'PACT', 'LOAD'] as const;
