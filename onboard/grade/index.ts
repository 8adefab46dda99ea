/** Grades a finished run: one verdict per CLI rule (SPEC §4 order), then the coverage check. */
import { ruleById } from '../../contracts/rules.js';
import { gradeCli1 } from './auth.js';
import { Index, type GradeInput, type Verdict } from './context.js';
import { gradeCli4, gradeCli5 } from './idempotency.js';
import { gradeCli10, gradeCli9 } from './logging.js';
import { gradeCli6 } from './polling.js';
import { gradeCli8 } from './failures.js';
import { gradeCli7 } from './output.js';
import { gradeCli12, gradeCli2, gradeCli3 } from './retries.js';
import { gradeCli11 } from './validation.js';
import { gradeCoverage } from './coverage.js';

export type { GradeInput, Verdict } from './context.js';

export function grade(input: GradeInput): Verdict[] {
  const ix = new Index(input);
  const rules = [gradeCli1, gradeCli2, gradeCli3, gradeCli4, gradeCli5, gradeCli6, gradeCli7, gradeCli8, gradeCli9, gradeCli10, gradeCli11, gradeCli12].map((g) => g(ix));
  for (const v of rules) v.title = ruleById(v.rule ?? '')?.title ?? v.title;
  const polling = rules.find((v) => v.rule === 'CLI-6');
  const blamed = input.run.stopped === 'timeout' && polling?.status === 'fail' && /still being polled/.test(polling.message) ? 'CLI-6 (still polling a job that never finishes)' : undefined;
  return [...rules, gradeCoverage(ix, blamed)];
}
