// Faults without --only: the whole run against a broken mock. The fault table
// (faults.test.ts) proves each check catches its fault in isolation; this proves
// a fault cannot poison the rest of the run: it stays bounded, only the fault's
// family fails, and the checks that could not be judged end as `error` with the
// reason (the knock-ons, printed). `npm test` runs the faults that can poison a
// run (the RATE ones and a hang); `npm run test:faults:full` runs every fault.
import { describe, expect, it } from 'vitest';
import { FAULT_NAMES, FAULTS, type FaultInfo, type FaultName } from '../../mocks/engine/faults.js';
import { runPool } from './pool.js';
import { runCertify } from './run-certify.js';

const POISONING: FaultName[] = [...FAULT_NAMES.filter((f) => FAULTS[f].family === 'RATE'), 'life-stuck-processing'];
// JOBCERT_FAULTS_FULL: `all`, or a comma-separated list of faults; unset, the ones that can poison a run.
const chosen = process.env.JOBCERT_FAULTS_FULL;
const faults = chosen === 'all' ? FAULT_NAMES : chosen ? FAULT_NAMES.filter((f) => chosen.split(',').includes(f)) : POISONING;
/** A run still going after this was hung: the backstop kills it and the test fails. Generous: it catches hangs, not slowness. */
const BOUND_MS = 240_000;

const runs = runPool(faults, 4, (fault) => runCertify(['--mock-fault', fault, '--strict', '--job-timeout', '10', '--quiet'], { timeoutMs: BOUND_MS }));

describe('a fault does not poison the run (certify without --only)', () => {
  it.each(faults)('%s', async (fault) => {
    const run = await runs.get(fault);
    const info = FAULTS[fault];
    expect(run.doc, `no compliance.json; stderr: ${run.stderr.slice(0, 500)}`).toBeDefined();
    // Boundedness is the property under test: the run ended by itself (the backstop kills only a hung run), not a speed.
    expect(run.hung, 'the run ended by itself').toBe(false);
    const checks = run.doc!.checks;
    const failed = checks.filter((c) => c.status === 'fail');
    expect(failed.length, `${fault} went unnoticed`).toBeGreaterThan(0);
    // FUZZ checks judge rules of every family: one may fail too, but only citing the broken rule; the FUZZ model also
    // judges SPEC §1 List and Usage, which have no rule ID to cite (a LIST fault's family is all it can share).
    const own = (c: (typeof checks)[number]): boolean => c.family === info.family || (c.family === 'FUZZ' && (c.rule_ids.some((r) => (info.rules as readonly string[]).includes(r)) || info.family === 'LIST'));
    expect(failed.filter((c) => !own(c)).map((c) => `${c.id}: ${c.message.slice(0, 200)}`), 'failures outside the fault\'s family').toEqual([]);
    if ((info as FaultInfo).caughtBy) expect(failed.some((c) => c.family === (info as FaultInfo).caughtBy), `${fault} is caught by ${(info as FaultInfo).caughtBy}`).toBe(true);
    expect(run.code).toBe(1);
    const knockOns = checks.filter((c) => c.status === 'error' && c.family !== info.family);
    console.log(`${fault}: ${(run.ms / 1000).toFixed(1)} s, ${run.doc!.summary.requests} requests; fails ${failed.map((c) => c.id).join(', ')}; knock-ons: ${knockOns.length ? knockOns.map((c) => `${c.id}${c.blocked ? ' (blocked)' : ''}`).join(', ') : 'none'}`);
  }, BOUND_MS + 120_000);
});
