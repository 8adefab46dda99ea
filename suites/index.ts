/**
 * Every family's checks, in SPEC order: the registry the engine runs. A new
 * family is a suite file exporting `suite(...)`, listed here.
 */
import { AUTH } from './auth.suite.js';
import { BILLING } from './billing.suite.js';
import { ERR, VAL } from './err-val.suite.js';
import { FUZZ } from './fuzz.suite.js';
import { IDEM } from './idem.suite.js';
import { LIFE } from './life.suite.js';
import { LIST } from './list.suite.js';
import { OBS } from './obs.suite.js';
import { RATE } from './rate.suite.js';
import { SCHEMA } from './schema.suite.js';
import type { CheckDefinition, Suite } from './lib/check.js';
import type { RunConfig } from './lib/config.js';

// FUZZ last: its long checks hold the keys' shared gates, so the floods and LIST's counts (exclusive) go first.
export const SUITES: readonly Suite[] = [AUTH, RATE, IDEM, OBS, ERR, VAL, LIFE, BILLING, SCHEMA, LIST, FUZZ];

/** The checks of a run with this configuration, in SPEC order; ids are unique. */
export function registeredChecks(config: RunConfig): CheckDefinition[] {
  const checks = SUITES.flatMap((s) => s.checks(config));
  const ids = new Set<string>();
  for (const c of checks) {
    if (ids.has(c.id)) throw new Error(`two checks share the id ${c.id}`);
    ids.add(c.id);
  }
  return checks;
}

export { runChecks, type EngineOptions, type EngineRun } from './lib/engine.js';
export { RunSession } from './lib/session.js';
export { defineCheck, suite, type CheckContext, type CheckDefinition, type Suite } from './lib/check.js';
