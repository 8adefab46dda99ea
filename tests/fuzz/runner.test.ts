// The FUZZ runner's own contract, on synthetic properties (no HTTP): the
// search runs exactly the cases fc.check would run for the seed, in its order,
// so a failing case's index is its fast-check path; the failure is shrunk and
// its path replays it; a case that passes when replayed to be shrunk is still
// reported, as found and unshrunk, and marked intermittent; cases another
// rule broke first are not judged.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Client, Recorder } from '../../suites/lib/client.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { broken, CheckFailure, fail, NotJudged } from '../../suites/lib/errors.js';
import { counterexampleOf, runFuzz, type FuzzContext, type FuzzProperty } from '../../suites/fuzz/runner.js';

function context(seed: number, path?: string): FuzzContext {
  const config: RunConfig = {
    target: 'http://127.0.0.1:9', embedded: null, keys: { primary: 'k' }, videos: [], profile: 'quick', seed, fuzz: { runs: 1000, ...(path ? { path } : {}) },
    jobTimeoutS: 10, requestTimeoutMs: 1000, deadlineAt: Date.now() + 60_000, concurrency: 1, burstMax: 10, promptPolicy: 'required',
  };
  const recorder = new Recorder(config);
  const signal = AbortSignal.timeout(60_000);
  return { client: new Client(recorder, { retry429: true, signal }), config, recorder, signal, note: () => {} };
}

const arbitrary = fc.integer({ min: 0, max: 1000 });
function property(run: (n: number) => Promise<void> | void): FuzzProperty<number> {
  return { check: 'fuzz.invalid', rules: ['VAL-1'], arbitrary, run: async (n) => run(n), show: (n) => String(n) };
}

describe('the FUZZ runner', () => {
  it('searches exactly the cases fc.check runs for the seed, in order', async () => {
    const seen: number[] = [];
    const outcome = await runFuzz(context(7), property((n) => { seen.push(n); }));
    expect(outcome.cases).toBe(seen.length);
    const checked: number[] = [];
    await fc.check(fc.asyncProperty(arbitrary, async (n) => { checked.push(n); }), { seed: 7, numRuns: seen.length });
    expect(seen).toEqual(checked);
  });

  it('shrinks a failure to its minimal case, and the reported path replays that case', async () => {
    const failing = property((n) => { if (n >= 437) broken('VAL-1', `${n} is too big`); });
    const err = await runFuzz(context(3), failing).then(() => undefined, (e: unknown) => e);
    const found = counterexampleOf(err);
    expect(found, 'a counterexample').toBeDefined();
    expect(found!.value).toBe(437);
    expect(found!.reproduced).toBe(true);
    expect(found!.shrinks).toBeGreaterThan(0);
    const replayed = await runFuzz(context(3, `fuzz.invalid:${found!.path}`), failing).then(() => undefined, (e: unknown) => e);
    expect(counterexampleOf(replayed)?.value).toBe(437);
  });

  it('reports a case that passes when replayed to be shrunk as found, unshrunk, not reproduced, at its index as path', async () => {
    let failures = 0;
    const once = property((n) => { if (n >= 300 && failures++ === 0) broken('VAL-1', `${n} failed once`); });
    const err = await runFuzz(context(11), once).then(() => undefined, (e: unknown) => e);
    const found = counterexampleOf(err)!;
    const drawn = fc.sample(arbitrary, { seed: 11, numRuns: found.cases });
    expect(found.value).toBe(drawn[found.cases - 1]);
    expect(found.path).toBe(String(found.cases - 1));
    expect(found.shrinks).toBe(0);
    expect(found.reproduced).toBe(false);
    expect((err as Error).message).toMatch(/passed when replayed/);
  });

  it('tries the minimal case up to three times at the end before calling the provider intermittent (a sequence runs in real time)', async () => {
    let runsOf300 = 0;
    const notes: string[] = [];
    // Fails from 300 up, except the second time 300 itself runs: the first replay at the end.
    const timed = property((n) => { if (n >= 300 && !(n === 300 && ++runsOf300 === 2)) broken('VAL-1', `${n} failed`); });
    const err = await runFuzz({ ...context(3), note: (n) => notes.push(n) }, timed).then(() => undefined, (e: unknown) => e);
    const found = counterexampleOf(err)!;
    expect(found.value).toBe(300);
    expect(found.reproduced).toBe(true);
    expect(notes).toContain('replayed once more at the end: it fails again (on replay 2 of 3: timing decides it)');

    const never = property((n) => { if (n >= 300 && ++runsOf300 < 8) broken('VAL-1', `${n} failed`); });
    runsOf300 = 0;
    const notes2: string[] = [];
    const err2 = await runFuzz({ ...context(3), note: (n) => notes2.push(n) }, never).then(() => undefined, (e: unknown) => e);
    expect(counterexampleOf(err2)?.reproduced).toBe(false);
    expect(notes2.some((n) => n.startsWith('replayed 3 times at the end: it did not fail again'))).toBe(true);
  });

  it('keeps the finding of a failure no rule ID names (SPEC §1 List): the report still says what SPEC requires', async () => {
    const listing = property((n) => { if (n >= 500) fail(`SPEC §1 List: newest first; ${n}`, { requires: 'SPEC §1 List: newest first', observed: String(n) }); });
    const err = await runFuzz(context(3), listing).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CheckFailure);
    expect((err as CheckFailure).finding?.requires).toBe('SPEC §1 List: newest first');
    expect((err as CheckFailure).finding?.observed).toMatch(/minimal counterexample/);
  });

  it('does not judge cases another rule broke first, and says so when that was every case', async () => {
    const others = property(() => broken('AUTH-1', 'refused'));
    const err = await runFuzz(context(5), others).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(NotJudged);
  });
});
