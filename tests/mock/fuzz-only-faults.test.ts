// The faults only the FUZZ family catches (FaultInfo.caughtBy): each breaks its
// rule on the one rare input it is about, and nowhere an example-based check
// looks. tests/fuzz/finds-faults.test.ts shows the fuzzer finding each one.
import { describe, expect, it } from 'vitest';
import { FAULTS } from '../../mocks/engine/faults.js';
import { setup } from './harness.js';

const FAILING = 'https://media.example.com/clips/fail-corrupt.mp4';

describe('faults only fuzzing finds', () => {
  it('they are the ones marked caughtBy FUZZ', () => {
    expect(Object.entries(FAULTS).filter(([, f]) => 'caughtBy' in f && f.caughtBy === 'FUZZ').map(([n]) => n).sort())
      .toEqual(['err-500-on-partial-canvas', 'idem-third-start-double-charge', 'val-offset-y-off-by-one']);
  });

  it('ERR-3 fault err-500-on-partial-canvas: a valid canvas with a width and no height gets 500; every other canvas is fine', () => {
    const h = setup({ faults: ['err-500-on-partial-canvas'] });
    const broken = h.start(h.draft(), { composition: { canvas: { width: 16 } } });
    expect(broken.status).toBe(500);
    expect(broken.json.error.code).toBe('internal_error');
    for (const canvas of [{ width: 1280, height: 720 }, { height: 720 }, {}]) expect(h.start(h.draft(), { composition: { canvas } }).status, JSON.stringify(canvas)).toBe(200);
    expect(h.start(h.draft(), { composition: { canvas: { width: 15 } } }).status, 'an invalid width is still a 400').toBe(400);
    const clean = setup();
    expect(clean.start(clean.draft(), { composition: { canvas: { width: 16 } } }).status, 'the clean mock').toBe(200);
  });

  it('VAL-1 fault val-offset-y-off-by-one: offset.y accepts ±7681; x keeps its bounds, y past 7681 is refused', () => {
    const h = setup({ faults: ['val-offset-y-off-by-one'] });
    for (const y of [7681, -7681]) {
      const id = h.draft();
      expect(h.start(id, { composition: { foreground: { offset: { y } } } }).status, `y ${y}`).toBe(200);
      expect(h.job(id).json.composition.foreground.offset.y, 'stored as sent').toBe(y);
    }
    for (const offset of [{ y: 7682 }, { x: 7681 }, { x: -7681 }]) {
      const r = h.start(h.draft(), { composition: { foreground: { offset } } });
      expect(r.status, JSON.stringify(offset)).toBe(400);
      expect(r.json.error.param).toMatch(/^composition\.foreground\.offset\./);
    }
    const clean = setup();
    expect(clean.start(clean.draft(), { composition: { foreground: { offset: { y: 7681 } } } }).json.error.param).toBe('composition.foreground.offset.y');
  });

  it('IDEM-5 fault idem-third-start-double-charge: only the third start of a job that failed twice is charged twice', () => {
    for (const faults of [['idem-third-start-double-charge'], []]) {
      const h = setup({ faults });
      const id = h.draft({ video_url: FAILING });
      const credits: number[] = [];
      for (let run = 0; run < 4; run++) {
        expect(h.start(id, { model: 'original', preview_duration: 1 }).status).toBe(200);
        h.advance(1000);
        expect(h.job(id).json.status).toBe('failed');
        credits.push(...(h.events(id).json.events as { credits: number }[]).slice(run).map((e) => e.credits));
      }
      // One event per start either way; the formula says 1 credit for a 1 s preview of original.
      expect(credits, faults.join() || 'clean').toEqual(faults.length ? [1, 1, 2, 1] : [1, 1, 1, 1]);
    }
    const ok = setup({ faults: ['idem-third-start-double-charge'] });
    const done = ok.draft();
    ok.start(done, { preview_duration: 1 });
    ok.advance(1000);
    expect(ok.start(done).status, 'a completed job still is not startable').toBe(409);
  });
});
