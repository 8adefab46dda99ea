// The other half of the proof: certify passes every *conformant* provider, not
// only catches every fault. Each legal variation of the mock (variants.ts), and
// a few combinations, is certified over loopback HTTP without --strict: every
// MUST check passes, and a SHOULD check fails only where the variant skips that
// very SHOULD. A check that fails on a legal variation is a false failure.
import { describe, expect, it } from 'vitest';
import { RULES } from '../../contracts/rules.js';
import { FAULTS } from '../../mocks/engine/faults.js';
import { certifySettingsOf, randomCombinations } from '../../mocks/engine/combinations.js';
import { VARIANT_NAMES, VARIANTS, type VariantInfo, type VariantName } from '../../mocks/engine/variants.js';
import { runCertify, type CertifyRun } from './run-certify.js';
import { runPool } from './pool.js';

export const COMBINATIONS: VariantName[][] = [
  ['retry-after-date', 'clock-skew', 'bucket-large', 'uuid-ids', 'idem-stores-4xx'],
  ['window-limit', 'lookup-first', 'extra-members', 'extra-members-deep', 'charset-variants', 'header-case', 'idle-close', 'compression', 'chunked'],
  ['slow-processing', 'retry-after-long', 'idem-in-progress', 'replayed-false', 'param-pointer', 'rfc3339-offsets', 'minimal-job', 'opaque-ids', 'pro-draft-rejected'],
  ['no-request-id-echo', 'no-ratelimit-fields', 'no-challenge', 'instant-processing', 'latency-tail', 'close-after-n', 'retry-after-padded'],
  ['layered-limit', 'retry-after-padded', 'idem-stores-4xx', 'no-keepalive', 'latency'],
];

// A few random combinations besides the fixed ones, drawn from a seed that
// changes each day (or JOBCERT_VARIANT_SEED): choices that only break together
// are found over time, and a failure names the seed that draws them again.
const SEED = Number(process.env.JOBCERT_VARIANT_SEED ?? Math.floor(Date.now() / 86_400_000));
const RANDOM = randomCombinations(SEED, 3, 6, (v) => v === 'bucket-huge');
console.log(`variant combinations seed ${SEED} (JOBCERT_VARIANT_SEED=${SEED} draws them again): ${RANDOM.map((c) => c.join('+')).join(' | ')}`);

const cases: VariantName[][] = [...VARIANT_NAMES.map((v) => [v]), ...COMBINATIONS, ...RANDOM];
const label = (variants: readonly string[]): string => variants.join('+');
const seeded = (variants: VariantName[]): string => (RANDOM.includes(variants) ? ` (random, seed ${SEED})` : '');

/** The SHOULD rules a set of variants legally skips. */
function skippedShoulds(variants: string[]): Set<string> {
  const faults = variants.flatMap((v) => (VARIANTS[v as keyof typeof VARIANTS] as VariantInfo).shouldFaults ?? []);
  return new Set(faults.flatMap((f) => FAULTS[f].rules));
}

// Runs overlap (most of a run waits: on the rate limit, on jobs processing), AT_ONCE at a time, enough to keep
// two cores busy without queueing them (a run uses about a third of a core);
// a bucket refilled at 500/s is only found by a flood faster than that, so
// that one runs first with the CPU to itself.
const AT_ONCE = Number(process.env.JOBCERT_VARIANTS_AT_ONCE ?? 8);
// FUZZ is two thirds of a run's requests. A single variant runs every FUZZ check on 150 cases; the combinations, where
// choices meet, on the quick profile's full 380 (and tests/fuzz/finds-faults.test.ts runs the properties on the variants
// in-process as well).
const SINGLE_FUZZ_RUNS = '150';
const fuzzBudget = (variants: VariantName[]): string[] => (variants.length === 1 ? ['--fuzz-runs', SINGLE_FUZZ_RUNS] : []);
const runs = runPool(cases, AT_ONCE, (variants) => runCertify([...variants.flatMap((v) => ['--mock-variant', v]), ...certifySettingsOf(variants), ...fuzzBudget(variants), '--quiet'], { timeoutMs: 300_000 }), { alone: (variants) => variants.includes('bucket-huge') });

describe('certify passes every legal variation of the mock (no false failures)', () => {
  it.each(cases.map((c) => [label(c), c] as const))('%s', async (_name, variants) => {
    const run: CertifyRun = await runs.get(variants);
    expect(run.doc, `no compliance.json; stderr: ${run.stderr.slice(0, 500)}`).toBeDefined();
    const doc = run.doc!;
    const skipped = skippedShoulds(variants);
    const falseFailures = doc.checks.filter((c) => {
      // A skip is no verdict, but never on a check whose inputs this run had: only a configuration the variant tells certify (certifyWith) may skip one.
      if (c.status === 'pass' || (c.status === 'skip' && certifySettingsOf(variants).length > 0)) return false;
      // A SHOULD check may fail only where the variant skips that very SHOULD.
      return !(c.level === 'should' && c.status === 'fail' && c.rule_ids.every((r) => skipped.has(r)));
    });
    expect(falseFailures.map((c) => `${c.id} (${c.rule_ids.join(', ')}): ${c.status}: ${c.message.slice(0, 300)}`), `false failures on ${label(variants)}${seeded(variants)}`).toEqual([]);
    expect(run.code, 'exit code without --strict').toBe(0);
    expect(doc.rate_limit?.throttled, 'the limit was discovered').toBe(true);
    for (const rule of skipped) expect(RULES.find((r) => r.id === rule)?.level, `${rule} is a SHOULD`).toBe('should');
    console.log(`${label(variants)}: ${doc.summary.requests} requests in ${(doc.duration_ms / 1000).toFixed(1)} s; rate limit ${doc.rate_limit?.requests_before_first_429} before the first 429, refill ${doc.rate_limit?.refill_per_second}/s`);
  }, 600_000);
});
