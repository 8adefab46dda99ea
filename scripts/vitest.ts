/**
 * `jobcert/vitest`: a certification inside a team's own vitest suite. One
 * vitest test per check, with the same result `jobcert certify` reports (the
 * run is the same library call): a failed check fails its test with the
 * rule's words, a skipped one is skipped with its reason, one that could not
 * be judged fails saying so. The run-wide checks (SCHEMA per operation, OBS-1
 * across the run) and the PACT and LOAD stages are one more test.
 *
 *   import { certificationSuite } from 'jobcert/vitest';
 *   certificationSuite({ target: 'http://127.0.0.1:8080', apiKey: process.env.JOBCERT_API_KEY, videoUrl: ['short=https://…'] });
 *
 * vitest is a peer dependency: only this module needs it.
 */
import { describe, it, type TestContext } from 'vitest';
import { redactor } from '../suites/lib/redact.js';
import { createConsole } from './certify/console.js';
import { resolveOptions, type CertifyFlags } from './certify/options.js';
import type { CheckResult, Compliance } from './certify/results.js';
import { keysOf, plannedChecks, runCertification, type Stop } from './certify/run.js';
import { VERSION } from './runtime.js';

export interface CertificationSuiteOptions {
  /** The describe block's name (default "jobcert certification"). */
  name?: string;
  /** Print the console's progress lines (default: quiet). */
  verbose?: boolean;
}

/** A check's result as a vitest outcome, gating as certify's exit code does (a SHOULD gates only with --strict). */
async function settle(result: CheckResult | undefined, id: string, ctx: TestContext, strict: boolean): Promise<void> {
  if (!result) throw new Error(`${id}: the run reported no result for this check`);
  if (result.status === 'pass') return;
  if (result.status === 'skip') { ctx.skip(result.message); return; }
  if (result.status === 'fail' && result.level === 'should' && !strict) { await ctx.annotate(`SHOULD not met (gates only with strict): ${result.message}`, 'warning'); return; }
  const failure = new Error(result.status === 'fail' ? result.message : `could not be judged: ${result.message}`);
  failure.name = result.status === 'fail' ? 'CertificationFailure' : 'NotJudged';
  // The report's words and nothing else: a stack of jobcert's internals says nothing about the provider.
  failure.stack = `${failure.name}: ${failure.message}${result.repro ? `\n  repro: ${result.repro}` : ''}`;
  throw failure;
}

export function certificationSuite(flags: CertifyFlags, options: CertificationSuiteOptions = {}): void {
  const opts = resolveOptions({ quiet: !options.verbose, ...flags });
  const planned = plannedChecks(opts);
  // The run's keys, the embedded mock's accounts included, exactly as certify redacts them.
  const keys = keysOf(opts);
  const redact = redactor([keys.primary, keys.alt, keys.broke]);
  const ui = createConsole({ quiet: !options.verbose, color: false, redact });
  let run: Promise<Compliance> | undefined;
  // One run for the whole block, started by whichever test asks first: vitest may run them in any order or filter them.
  const doc = (): Promise<Compliance> => (run ??= runCertification(opts, VERSION, { ui, redact, stopped: new Promise<Stop>(() => {}) }).then((r) => {
    if ('unreachable' in r) throw new Error(`jobcert: ${r.unreachable}`);
    return r.doc;
  }));
  const timeout = opts.maxDurationS * 1000 + 60_000;
  describe(options.name ?? 'jobcert certification', () => {
    for (const check of planned) {
      it(`${check.id} [${check.rules.join(' ')}] ${check.title}`, async (ctx) => {
        await settle((await doc()).checks.find((c) => c.id === check.id), check.id, ctx, opts.strict);
      }, timeout);
    }
    it('run-wide checks and stages (SCHEMA per operation, OBS-1 across the run, PACT, LOAD)', async (ctx) => {
      const ids = new Set(planned.map((c) => c.id));
      const rest = (await doc()).checks.filter((c) => !ids.has(c.id));
      const judged = rest.filter((c) => c.status !== 'skip');
      if (judged.length === 0) { ctx.skip(rest.length ? rest.map((c) => `${c.id}: ${c.message}`).join('; ') : 'no run-wide check or stage was selected'); return; }
      for (const c of judged) await settle(c, c.id, ctx, opts.strict);
    }, timeout);
  });
}
