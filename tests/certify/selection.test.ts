// One selection predicate for every stage: `--only <rule>` selects the checks
// that cite it, and the PACT interactions that cite it too (the verifier's
// other interactions are left out of the report), whatever the profile.
import { describe, expect, it } from 'vitest';
import { runCertify } from './run-certify.js';

describe('--only a rule selects across stages', () => {
  it('--only IDEM-2 --skip FUZZ: the IDEM-2 check and the one pact interaction citing IDEM-2, nothing else', async () => {
    const run = await runCertify(['--only', 'IDEM-2', '--skip', 'FUZZ', '--quiet']);
    expect(run.doc, run.stderr.slice(0, 500)).toBeDefined();
    const ids = run.doc!.checks.map((c) => c.id).sort();
    expect(ids).toEqual(['idem.key-reused', 'pact.start-a-job-reusing-an-idempotency-key-with-another-body']);
    for (const c of run.doc!.checks) expect(c.rule_ids, c.id).toContain('IDEM-2');
    expect(run.doc!.checks.find((c) => c.id.startsWith('pact.'))?.status).toBe('pass');
    expect(run.code, run.stdout.slice(-800)).toBe(0);
  }, 240_000);

  it('--only RATE-5 --skip FUZZ,PACT: the LOAD stage runs for the one LOAD check citing RATE-5 (billing); its latency thresholds, which cite no rule, are left out', async () => {
    const run = await runCertify(['--only', 'RATE-5', '--skip', 'FUZZ,PACT', '--quiet']);
    expect(run.doc, run.stderr.slice(0, 500)).toBeDefined();
    const ids = run.doc!.checks.map((c) => c.id);
    expect(ids.filter((id) => id.startsWith('load.'))).toEqual(['load.billing']);
    expect(run.doc!.load?.thresholds.length, 'the stage still measured its thresholds').toBeGreaterThan(0);
    for (const c of run.doc!.checks) expect(c.rule_ids, c.id).toContain('RATE-5');
    expect(run.code, run.stdout.slice(-800)).toBe(0);
  }, 240_000);
});
