// Every check is proven against the fault it exists to catch: for each mock
// fault, certify (in-process mock, only the fault's rules, strict so SHOULD
// rules gate) must fail, and the failing checks must be of the fault's family
// and cite its rules. The table is the fault catalogue itself, so a fault added
// without a detecting check fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_NAMES, FAULTS } from '../../mocks/engine/faults.js';
import { ROOT, runCertify } from './run-certify.js';

/** Check ids that failed in some fault run, filled by the table below. */
const caught = new Set<string>();

// LOAD faults show only under load: tests/load proves the load stage catches them.
const CERTIFY_FAULTS = FAULT_NAMES.filter((name) => FAULTS[name].family !== 'LOAD');

describe.concurrent('certify catches every mock fault', () => {
  it.each(CERTIFY_FAULTS.map((name) => [name, FAULTS[name]] as const))('%s', async (name, fault) => {
    const only = fault.rules.length > 0 ? fault.rules.join(',') : fault.family;
    const run = await runCertify(['--mock-fault', name, '--mock-transport', 'msw', '--only', only, '--strict', '--job-timeout', '3', '--quiet']);
    expect(run.doc, `no compliance.json; stderr: ${run.stderr.slice(0, 500)}`).toBeDefined();
    const failing = run.doc!.checks.filter((c) => c.status === 'fail' || c.status === 'error');
    for (const c of failing) caught.add(c.id);
    expect(failing.map((c) => c.id), `${name} went unnoticed`).not.toEqual([]);
    expect(run.code).toBe(1);
    for (const c of failing) expect(c.family, `${c.id} failed for ${name}`).toBe(fault.family);
    if (fault.rules.length > 0) expect(failing.some((c) => c.rule_ids.some((r) => (fault.rules as readonly string[]).includes(r))), 'a failing check cites the broken rule').toBe(true);
  }, 180_000);
});

// Runs after the concurrent table above. Every check declared in suites/ must
// have failed on some fault; the per-operation SCHEMA checks share one
// mechanism, proven by schema-job-shape on the job operations.
describe('every declared check is proven by a fault', () => {
  it('no check of suites/ passed every fault run', () => {
    const dir = join(ROOT, 'suites');
    const declared = readdirSync(dir).filter((f) => f.endsWith('.suite.ts'))
      .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/check\(`?'?([a-z]+\.[a-z0-9.-]+)/g)].map((m) => m[1] as string));
    expect(declared.length).toBeGreaterThanOrEqual(40);
    // life.completes.${clip.label} is declared once per clip; the source shows its prefix.
    const unproven = declared.filter((id) => ![...caught].some((c) => c === id || c.startsWith(`${id}.`) || (id.endsWith('.') && c.startsWith(id))));
    expect(unproven).toEqual([]);
    expect([...caught].filter((id) => id.startsWith('schema.'))).toEqual(expect.arrayContaining(['schema.getJob', 'schema.listJobs']));
  });
});

