/** Families --only/--skip accept: the SPEC's, SCHEMA, and the stages outside vitest (PACT, LOAD). */
import { FAMILIES } from '../../contracts/rules.js';

export const SELECTABLE_FAMILIES = [...FAMILIES, 'SCHEMA', 'PACT', 'LOAD'] as const;
