// Every check is proven against the fault it exists to catch: for each mock
// fault, certify (in-process mock, only the fault's rules, strict so SHOULD
// rules gate) must fail, and the failing checks must be of the fault's family
// and cite its rules. The table is the fault catalogue itself, so a fault added
// without a detecting check fails here. A fault only fuzzing finds (caughtBy
// FUZZ) runs with --only FUZZ; the others leave FUZZ out, so the table proves
// the example-based checks, and a second table proves FUZZ catches a fault of
// each kind too (its checks cite rules of every family).
import { describe, expect, it } from 'vitest';
import { FAULT_NAMES, FAULTS, type FaultInfo, type FaultName } from '../../mocks/engine/faults.js';
import { spec } from '../../contracts/spec.js';
import { runCertify } from './run-certify.js';
import { registeredChecks } from '../../suites/index.js';
import { EMBEDDED_CLIPS, EMBEDDED_FAILING_CLIP } from '../../scripts/certify/run.js';

/** Check ids that failed in some fault run, filled by the table below. */
const caught = new Set<string>();

// LOAD faults show only under load: tests/load proves the load stage catches them.
const CERTIFY_FAULTS = FAULT_NAMES.filter((name) => FAULTS[name].family !== 'LOAD');
const caughtBy = (info: FaultInfo): string | undefined => info.caughtBy;

/** Faults of other families the FUZZ family must catch too, and which of its checks does (with a small budget: they show at once). */
const FUZZ_ALSO: Record<string, string> = {
  'err-500-on-bad-json': 'fuzz.raw',
  'val-rejected-start-mutates': 'fuzz.rejected-unchanged',
  'val-composition-raw': 'fuzz.normalization',
  'idem-no-replay-header': 'fuzz.replay',
  'usage-filter-ignored': 'fuzz.model',
  'list-status-filter-loose': 'fuzz.model',
};

/** What vitest, chai or node:assert would have written. */
const ASSERTION_TEXT = /expected .{0,200} to (?:be|equal|have|match|deeply|contain|include)|Object\.is equality|toHaveLength|toEqual|toBe\(|deeply equal|AssertionError/;

async function expectCaught(name: string, fault: FaultInfo, family: string, args: string[]): Promise<string[]> {
  const run = await runCertify(['--mock-fault', name, '--mock-transport', 'msw', '--strict', '--job-timeout', '3', '--quiet', ...args]);
  expect(run.doc, `no compliance.json; stderr: ${run.stderr.slice(0, 500)}`).toBeDefined();
  // Only a `fail` is a catch: an `error` (not judged, out of time, a transport error) says the check could not judge.
  const failed = run.doc!.checks.filter((c) => c.status === 'fail');
  const errored = run.doc!.checks.filter((c) => c.status === 'error');
  for (const c of failed) caught.add(c.id);
  // A report speaks in the rule's words: no assertion library's phrasing reaches it, in any check's message.
  const phrased = run.doc!.checks.filter((c) => ASSERTION_TEXT.test(c.message)).map((c) => `${c.id}: ${c.message.slice(0, 200)}`);
  expect(phrased, 'messages in assertion-library words').toEqual([]);
  // A failure names the rule it breaks and carries what SPEC requires beside what came back.
  for (const c of failed.filter((f) => f.rule_ids.length > 0)) expect(c.finding?.requires, `${c.id} has a finding`).toBeTruthy();
  expect(failed.map((c) => c.id), `${name} went unnoticed (errors: ${errored.map((c) => `${c.id}: ${c.message.slice(0, 120)}`).join('; ') || 'none'})`).not.toEqual([]);
  expect(run.code).toBe(1);
  // Blame is precise: whatever failed or could not be judged is of the fault's family.
  for (const c of [...failed, ...errored]) expect(c.family, `${c.id} ended ${c.status} for ${name}: ${c.message.slice(0, 300)}`).toBe(family);
  if (fault.rules.length > 0) expect(failed.some((c) => c.rule_ids.some((r) => fault.rules.includes(r))), 'a check citing the broken rule ends fail').toBe(true);
  return failed.map((c) => c.id);
}

describe.concurrent('certify catches every mock fault', () => {
  it.each(CERTIFY_FAULTS.map((name) => [name, FAULTS[name] as FaultInfo] as const))('%s', async (name, fault) => {
    const only = caughtBy(fault) ?? (fault.rules.length > 0 ? fault.rules.join(',') : fault.family);
    // A fixed seed: which cases run is then the same every time (tests/fuzz proves 20 seeds in-process).
    // LOAD is left out too: a rule's LOAD checks (retry-after, no-5xx, billing) are proven on these faults by tests/load/stage.test.ts.
    const failed = await expectCaught(name, fault, caughtBy(fault) ?? fault.family, ['--only', only, ...(caughtBy(fault) ? ['--seed', '1'] : ['--skip', 'FUZZ,LOAD'])]);
    // The checks the catalogue names beside the fault are the ones that fail on it.
    for (const id of fault.checks ?? []) expect(failed, `${id} is named beside ${name} in faults.ts`).toContain(id);
  }, 180_000);

  it.each(Object.entries(FUZZ_ALSO))('FUZZ catches %s (%s)', async (name, check) => {
    const failing = await expectCaught(name, FAULTS[name as FaultName], 'FUZZ', ['--only', 'FUZZ', '--seed', '1', '--fuzz-runs', '120']);
    expect(failing).toContain(check);
  }, 180_000);
});

// Runs after the concurrent table above. Every check of the registry must have
// failed on some fault, and so must every per-operation SCHEMA check.
describe('every declared check is proven by a fault', () => {
  it('no check of the registry passed every fault run', () => {
    // The registry's checks with every input a check may need (each embedded clip, a second key, a key without credits, a failing source, a log).
    const declared = registeredChecks({
      target: 'http://127.0.0.1:9', embedded: null, keys: { primary: 'jc_a', alt: 'jc_b', broke: 'jc_c' }, videos: EMBEDDED_CLIPS, failingVideo: EMBEDDED_FAILING_CLIP,
      profile: 'quick', jobTimeoutS: 3, requestTimeoutMs: 1000, deadlineAt: Date.now() + 60_000, concurrency: 6, burstMax: 100, promptPolicy: 'required', logSource: { kind: 'memory', lines: [] },
    }).map((c) => c.id);
    expect(declared.length).toBeGreaterThanOrEqual(48);
    expect(declared.filter((id) => !caught.has(id))).toEqual([]);
    // Run-wide checks, one per operation of the spec: each has a fault of its own.
    const operations = Object.values(spec.paths).flatMap((item) => Object.values(item as Record<string, { operationId?: string }>).map((op) => op.operationId)).filter((id): id is string => typeof id === 'string');
    expect(operations.map((op) => `schema.${op}`).filter((id) => !caught.has(id)), 'schema checks no fault failed').toEqual([]);
  });
});

