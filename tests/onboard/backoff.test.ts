// CLI-3's "growing, jittered delays" as pure functions over measured waits
// (onboard/grade/backoff.ts): what grows, what is capped, what is constant,
// what Retry-After dictated, and what is too little to say anything.
import { describe, expect, it } from 'vitest';
import { judgeChain, judgeJitter, type Wait } from '../../onboard/grade/backoff.js';

/** A chain's waits, ms, in order; `ra` marks the ones Retry-After dictated. */
const chain = (ms: number[], ra: number[] = []): Wait[] => ms.map((m, i) => ({ ms: m, position: i + 1, dictated: ra.includes(i + 1) }));
const growthOf = (ms: number[], ra?: number[]) => judgeChain(chain(ms, ra)).growth;

describe('judgeChain (CLI-3: delays grow, never shrink)', () => {
  it('CLI-3: exponential backoff with jitter grows (the good client\'s and the reference client\'s draws)', () => {
    expect(growthOf([1900, 2100, 4050])).toMatchObject({ judged: true, grows: true });
    expect(growthOf([1000, 1020, 2000])).toMatchObject({ judged: true, grows: true });
    expect(judgeChain(chain([1900, 2100, 4050])).shrinks).toEqual([]);
  });

  it('CLI-3: capped backoff is legal: waits that reach the cap and stay there are non-decreasing, and grew before', () => {
    const capped = judgeChain(chain([1000, 2000, 4000, 8000, 16_000, 16_000, 16_000]));
    expect(capped.shrinks).toEqual([]);
    expect(capped.growth).toMatchObject({ judged: true, grows: true });
    // At the cap, a jittered draw a little under the previous one is not a shrink.
    expect(judgeChain(chain([8000, 16_000, 15_200])).shrinks).toEqual([]);
  });

  it('CLI-3: a constant 1 s delay does not grow, within a few ms of timer noise or with one wait 60 ms late', () => {
    expect(growthOf([1000, 1000, 1000])).toMatchObject({ judged: true, grows: false });
    expect(growthOf([1002, 1007, 1001, 1004])).toMatchObject({ judged: true, grows: false });
    expect(growthOf([1000, 1060, 1001])).toMatchObject({ judged: true, grows: false });
    const g = growthOf([1000, 1000, 1000]);
    expect(g.judged && [g.first.position, g.own.length]).toEqual([1, 3]);
  });

  it('CLI-3: "clearly above" is 10 % and 50 ms more than the first; under 500 ms a flat chain is within noise, not judged', () => {
    expect(growthOf([1000, 1050, 1100])).toMatchObject({ judged: true, grows: true });
    expect(growthOf([1000, 1050, 1099])).toMatchObject({ judged: true, grows: false });
    expect(growthOf([10, 20, 60])).toMatchObject({ judged: true, grows: true });
    const tiny = growthOf([10, 20, 40]);
    expect(tiny.judged).toBe(false);
    expect(tiny.judged ? '' : tiny.why).toMatch(/waits of 10–40 ms: a growth of 10 % is under the 50 ms timer noise/);
    expect(growthOf([300, 301, 302])).toMatchObject({ judged: false });
    expect(growthOf([500, 501, 502])).toMatchObject({ judged: true, grows: false });
  });

  it('CLI-3: a wait more than 10 % + 1 s shorter than the one before is a shrink; less is jitter or a starved timer', () => {
    const shrunk = judgeChain(chain([5000, 2000]));
    expect(shrunk.shrinks.map(([a, b]) => [a.ms, b.ms])).toEqual([[5000, 2000]]);
    expect(judgeChain(chain([3000, 2000])).shrinks).toEqual([]);
  });

  it('CLI-3: waits Retry-After dictated are the server\'s: all of them leave growth not judged, never failed', () => {
    const all = judgeChain(chain([4000, 4000, 4000], [1, 2, 3]));
    expect(all.growth).toMatchObject({ judged: false });
    expect(all.growth.judged ? '' : all.growth.why).toMatch(/0 wait\(s\) of the client's own \(3 set by Retry-After\), growth shows from 3/);
    expect(all.shrinks).toEqual([]);
    // A long Retry-After wait followed by the client's short backoff is not a shrink.
    expect(judgeChain(chain([5000, 1000, 2000], [1])).shrinks).toEqual([]);
    expect(growthOf([5000, 1000, 2000], [1])).toMatchObject({ judged: false });
  });

  it('CLI-3: growth is judged on the client\'s own waits only, skipping dictated ones between them', () => {
    expect(growthOf([1000, 4500, 1000, 1000], [2])).toMatchObject({ judged: true, grows: false });
    expect(growthOf([1500, 4500, 3000, 6000], [2])).toMatchObject({ judged: true, grows: true });
  });

  it('CLI-3: chains of fewer than three retries are not judged for growth (one jittered draw can hide it)', () => {
    for (const ms of [[], [1000], [1000, 1000]]) {
      const g = growthOf(ms);
      expect(g.judged).toBe(false);
      expect(g.judged ? '' : g.why).toMatch(new RegExp(`^${ms.length} wait\\(s\\) of the client's own, growth shows from 3$`));
    }
  });
});

describe('judgeJitter (CLI-3: the run\'s chains together)', () => {
  const at = (position: number, ms: number[], dictated = false): Wait[] => ms.map((m) => ({ ms: m, position, dictated }));

  it('CLI-3: the same wait before the same retry in three chains, within a few ms, is no jitter', () => {
    const j = judgeJitter([...at(1, [1000, 1004, 1008]), ...at(2, [2100])]);
    expect(j.judged).toBe(true);
    expect(j.judged && j.flat.map((f) => [f.position, f.waits.length])).toEqual([[1, 3]]);
  });

  it('CLI-3: waits spread 10 ms or more are jittered, however little (SPEC sets no amount)', () => {
    const j = judgeJitter(at(1, [1000, 1010, 1003]));
    expect(j.judged && j.flat).toEqual([]);
    expect(j.judged && j.positions.map((p) => p.position)).toEqual([1]);
  });

  it('CLI-3: Retry-After waits (all 4 s) say nothing about jitter; fewer than three chains at any retry is not judged', () => {
    const dictated = judgeJitter(at(1, [4000, 4000, 4000, 4000], true));
    expect(dictated.judged).toBe(false);
    expect(dictated.judged ? '' : dictated.why).toMatch(/no retry position had 3 waits of the client's own across chains \(at most 0\)/);
    const few = judgeJitter([...at(1, [1000, 1000]), ...at(2, [2000, 2000])]);
    expect(few.judged ? '' : few.why).toMatch(/\(at most 2\)/);
  });

  it('CLI-3: a flat position fails even when another position is jittered', () => {
    const j = judgeJitter([...at(1, [1200, 1700, 1900]), ...at(2, [2000, 2001, 2002])]);
    expect(j.judged && j.flat.map((f) => f.position)).toEqual([2]);
  });
});
