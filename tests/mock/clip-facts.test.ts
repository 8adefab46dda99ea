// What the mock bills and stores against its media convention (SPEC §3: duration=N
// lasts N s, every source 1920×1080), and the faults that break it: SPEC §1 Usage's
// formula (life-bills-*) and VAL-5's default canvas (val-canvas-default-wrong).
import { describe, expect, it } from 'vitest';
import { setup } from './harness.js';

const FIVE_S = 'https://media.example.com/clips/short.mp4?duration=5';

function billed(faults: string[], start: Record<string, unknown>): { event: number; job: number } {
  const h = setup({ faults });
  const id = h.draft({ video_url: FIVE_S });
  expect(h.start(id, start).status).toBe(200);
  h.advance(1000);
  return { event: h.events(id).json.events[0].credits, job: h.job(id).json.credits_charged };
}

describe('SPEC §1 Usage billing', () => {
  it('bills min(preview_duration, the video) rounded up to whole seconds, at the model\'s rate per minute', () => {
    expect(billed([], { model: 'original' })).toEqual({ event: 5, job: 5 });
    // light 45/min, 1.5 s preview → 2 s → ceil(1.5) = 2.
    expect(billed([], { model: 'light', preview_duration: 1.5 })).toEqual({ event: 2, job: 2 });
    expect(billed([], { model: 'original', preview_duration: 60 })).toEqual({ event: 5, job: 5 });
  });

  it('fault life-bills-rounded-down: a 1.5 s preview bills 1 s', () => {
    expect(billed(['life-bills-rounded-down'], { model: 'light', preview_duration: 1.5 })).toEqual({ event: 1, job: 1 });
  });

  it('fault life-bills-ignoring-preview: the whole 5 s video is billed', () => {
    expect(billed(['life-bills-ignoring-preview'], { model: 'light', preview_duration: 1.5 })).toEqual({ event: 4, job: 4 });
  });
});

describe('VAL-5 default canvas', () => {
  it('an omitted canvas is the source video\'s 1920×1080; fault val-canvas-default-wrong stores 1280×720 for every spelling', () => {
    const h = setup();
    const id = h.draft({ video_url: FIVE_S });
    expect(h.job(id).json.composition.canvas).toEqual({ width: 1920, height: 1080 });
    const f = setup({ faults: ['val-canvas-default-wrong'] });
    const draft = f.draft({ video_url: FIVE_S });
    expect(f.job(draft).json.composition.canvas).toEqual({ width: 1280, height: 720 });
    expect(f.start(draft, { composition: { foreground: {} } }).status).toBe(200);
    expect(f.job(draft).json.composition.canvas).toEqual({ width: 1280, height: 720 });
  });
});
