// The FUZZ family's power, proven in-process (the same properties certify runs,
// against the mock engine through msw, rate limit off): each fault only fuzzing
// finds is found with the quick budget for 20 different seeds, and shrunk to its
// minimal form; the failing path replays exactly that case; the clean mock
// passes every property. tests/certify proves the same through the CLI once.
import { afterAll, describe, expect, it } from 'vitest';
import { FAULTS, FAULT_NAMES, type FaultInfo } from '../../mocks/engine/faults.js';
import { FUZZ_CHECKS, type FuzzCheckId } from '../../suites/fuzz/catalogue.js';
import type { InvalidCase } from '../../contracts/fuzz/invalid.js';
import { RuleBroken } from '../../suites/lib/errors.js';
import { counterexampleOf } from '../../suites/fuzz/runner.js';
import { CLIPS, fuzzHarness, type FuzzRun } from './harness.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const json = (v: unknown): string => JSON.stringify(v);
/** A case as text: bodies as JSON; a command sequence as its steps (its objects carry run state). */
const same = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) && Symbol.iterator in x ? String(x).replace(/\s*\/\*.*\*\//, '') : x));

interface Finder {
  check: FuzzCheckId;
  /** The shrunk case is the minimal form of the bug. */
  minimal(value: unknown, run: FuzzRun): void;
}

const FINDERS: Record<string, Finder> = {
  'err-500-on-partial-canvas': {
    check: 'fuzz.valid',
    minimal(value, run) {
      const [create, start] = value as [unknown, unknown];
      expect(create, 'the draft shrinks to the source alone').toEqual({ video_url: CLIPS[0]!.url, auto_start: false });
      expect(start, 'the start shrinks to the partial canvas at its smallest width').toEqual({ composition: { canvas: { width: 16 } } });
      const last = run.exchanges.at(-1)!;
      expect([last.request.body, last.response?.status], 'the last request is the minimal one').toEqual([json(start), 500]);
    },
  },
  'val-offset-y-off-by-one': {
    check: 'fuzz.invalid',
    minimal(value, run) {
      const c = value as InvalidCase;
      expect(c.kind).toBe('start');
      expect([json({ composition: { foreground: { offset: { y: 7681 } } } }), json({ composition: { foreground: { offset: { y: -7681 } } } })]).toContain(json(c.body));
      expect(c.expected).toMatchObject({ status: 400, code: 'invalid_request', params: ['composition.foreground.offset.y'] });
      const last = run.exchanges.at(-1)!;
      expect([last.request.body, last.response?.status]).toEqual([json(c.body), 200]);
    },
  },
  'idem-third-start-double-charge': {
    check: 'fuzz.model',
    minimal(value, run) {
      const [first, steps] = value as [{ source: string }[], Iterable<unknown>];
      const shown = String(steps);
      expect(first.map((c) => c.source), 'one draft, of a failing source').toEqual(['failing']);
      // Shrunk to a short sequence ending in the start charged twice: on an idle machine it is the draft and three
      // starts (one may be a concurrent pair). The model runs in real time (a job may still be processing when the next
      // start comes, which refuses it), so on a busy one the shortest failing sequence may keep a wait or another start.
      const kinds = shown.replace(/\s*\/\*.*\*\//, '').split(/(?<=\)),(?=[a-z])/).map((step) => step.replace(/\(.*/, '').replace('concurrent starts', 'start'));
      expect(kinds.at(-1), shown).toBe('start');
      expect(kinds.filter((step) => step === 'start').length, shown).toBeGreaterThanOrEqual(3);
      expect(kinds.length, shown).toBeLessThanOrEqual(7);
      expect(run.error?.message).toMatch(/charge \[1,1,2\] for 3 accepted start\(s\)/);
    },
  },
};

describe('FUZZ finds each fault only fuzzing finds, for 20 seeds, with the quick budget', () => {
  const h = fuzzHarness();
  afterAll(() => h.close());

  it('the table names every fault caught by FUZZ', () => {
    expect(FAULT_NAMES.filter((n) => (FAULTS[n] as FaultInfo).caughtBy === 'FUZZ').sort()).toEqual(Object.keys(FINDERS).sort());
  });

  for (const [fault, finder] of Object.entries(FINDERS)) {
    it(`${fault}: found by ${finder.check} and shrunk, seeds 1–20; the reported path replays it`, async () => {
      const info = FAULTS[fault as keyof typeof FAULTS] as FaultInfo;
      // Five seeds at a time: the model's sequences run in real time against a 50 ms processing step, and twenty at once in
      // one process slowed answers enough that a start met its job in another state on the final replay than when found.
      const runs: FuzzRun[] = [];
      for (let i = 0; i < SEEDS.length; i += 5) runs.push(...await Promise.all(SEEDS.slice(i, i + 5).map((seed) => h.run(finder.check, { seed, faults: [fault] }))));
      for (const [i, run] of runs.entries()) {
        const seed = SEEDS[i]!;
        const found = counterexampleOf(run.error);
        expect(found, `seed ${seed}: ${run.error?.message ?? run.notes[0]}`).toBeDefined();
        expect(run.error instanceof RuleBroken && info.rules.includes(run.error.rule), `seed ${seed} blames ${(run.error as RuleBroken).rule}`).toBe(true);
        expect(found!.reproduced, `seed ${seed}: the minimal case fails again when replayed`).toBe(true);
        expect(found!.seed).toBe(seed);
        finder.minimal(found!.value, run);
        expect(run.notes.some((n) => n.startsWith('request 1 of the minimal case: curl ')), 'a curl of the minimal case').toBe(true);
      }
      // --fuzz-path: the same seed and path run exactly that case, once.
      const first = counterexampleOf(runs[0]!.error)!;
      const replay = await h.run(finder.check, { seed: first.seed, faults: [fault], fuzz: { path: `${finder.check}:${first.path}` } });
      const again = counterexampleOf(replay.error);
      expect(same(again?.value), 'the replayed case').toEqual(same(first.value));
      expect(replay.notes[0]).toMatch(/replayed the case at path/);
      console.log(`${fault}: found by ${finder.check} for seeds 1-20 after ${runs.map((r) => counterexampleOf(r.error)!.cases).join(', ')} cases`);
    }, 180_000);
  }

  // The legal variations in-process (each a choice SPEC leaves open), one seed each; certify runs them all over HTTP in tests/certify/variants.test.ts.
  const VARIANTS = ['instant-processing', 'lookup-first', 'uuid-ids', 'opaque-ids', 'param-pointer', 'idem-in-progress', 'extra-members', 'minimal-job', 'replayed-false', 'charset-variants', 'rfc3339-offsets', 'clock-skew'];
  it('every FUZZ property passes on legal variations of the mock', async () => {
    const runs = await Promise.all(VARIANTS.flatMap((variant, i) => FUZZ_CHECKS.map(async (check) => ({ check, variant, run: await h.run(check, { seed: 100 + i, variants: [variant] }) }))));
    expect(runs.filter((r) => r.run.error).map((r) => `${r.check} on ${r.variant} (seed ${r.run.notes[0]?.match(/seed (\d+)/)?.[1]}): ${r.run.error?.message.slice(0, 400)}`)).toEqual([]);
  }, 180_000);

  it('every FUZZ property passes on the clean mock (3 seeds each)', async () => {
    const runs = await Promise.all(FUZZ_CHECKS.flatMap((check) => [1, 2, 3].map(async (seed) => ({ check, seed, run: await h.run(check, { seed }) }))));
    const failures = runs.filter((r) => r.run.error).map((r) => `${r.check} seed ${r.seed}: ${r.run.error?.message.slice(0, 400)}`);
    expect(failures).toEqual([]);
    for (const r of runs) expect(r.run.outcome?.cases, `${r.check} seed ${r.seed}`).toBeGreaterThan(0);
  }, 180_000);
});
