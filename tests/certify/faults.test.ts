// Every check is proven against the fault it exists to catch: for each mock
// fault, certify (in-process mock, only the fault's rules, strict so SHOULD
// rules gate) must fail, and the failing checks must be of the fault's family
// and cite its rules. The table is the fault catalogue itself, so a fault added
// without a detecting check fails here.
import { describe, expect, it } from 'vitest';
import { FAULT_NAMES, FAULTS } from '../../mocks/engine/faults.js';
import { runCertify } from './run-certify.js';

describe.concurrent('certify catches every mock fault', () => {
  it.each(FAULT_NAMES.map((name) => [name, FAULTS[name]] as const))('%s', async (name, fault) => {
    const only = fault.rules.length > 0 ? fault.rules.join(',') : fault.family;
    const run = await runCertify(['--mock-fault', name, '--mock-transport', 'msw', '--only', only, '--strict', '--job-timeout', '3', '--quiet']);
    expect(run.doc, `no compliance.json; stderr: ${run.stderr.slice(0, 500)}`).toBeDefined();
    const failing = run.doc!.checks.filter((c) => c.status === 'fail' || c.status === 'error');
    expect(failing.map((c) => c.id), `${name} went unnoticed`).not.toEqual([]);
    expect(run.code).toBe(1);
    for (const c of failing) expect(c.family, `${c.id} failed for ${name}`).toBe(fault.family);
    if (fault.rules.length > 0) expect(failing.some((c) => c.rule_ids.some((r) => (fault.rules as readonly string[]).includes(r))), 'a failing check cites the broken rule').toBe(true);
  }, 180_000);
});
