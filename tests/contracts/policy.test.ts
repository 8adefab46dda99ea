import { describe, expect, it } from 'vitest';
import { creditsFor, normalizeComposition, resolveCreate, resolveStart } from '../../contracts/policy.js';

const source = { width: 1920, height: 1080 };
const draft = { model: 'original' as const, output_format: 'webm' as const, background: { type: 'transparent' as const } };

describe('pricing (SPEC §1 Usage)', () => {
  it.each([
    ['original', 10, undefined, 10], ['light', 10, undefined, 8], ['pro', 10, undefined, 30], ['human', 61, undefined, 46],
    ['original', 30, 5, 5], ['pro', 30, 0.2, 3], ['original', 4, 60, 4], ['light', 1, undefined, 1],
  ] as const)('%s, %ss video, preview %s → %i credits', (model, seconds, preview, credits) => {
    expect(creditsFor(model, seconds, preview)).toBe(credits);
  });
});

describe('VAL-5 composition normalization', () => {
  it('fills every omitted member, canvas from the source', () => {
    expect(normalizeComposition(undefined, source)).toEqual({ canvas: source, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } });
  });
  it('spelling defaults out changes nothing', () => {
    const spelled = { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center' as const, scale: 1, offset: { x: 0, y: 0 } } };
    expect(normalizeComposition(spelled, source)).toEqual(normalizeComposition({}, source));
    expect(normalizeComposition({ foreground: { scale: 2 } }, source).foreground).toEqual({ anchor: 'center', scale: 2, offset: { x: 0, y: 0 } });
  });
});

describe('cross-field policy', () => {
  it('VAL-2: a prompt needs the effective model pro', () => {
    expect(resolveStart(draft, { text_prompt: 'cat' }, source).violation).toMatchObject({ rule: 'VAL-2', status: 400, param: 'text_prompt' });
    expect(resolveStart(draft, { model: 'pro', text_prompt: 'cat' }, source).violation).toBeUndefined();
    expect(resolveCreate({ video_url: 'https://a.b/v', model: 'light', text_prompt: 'cat' }).violation?.rule).toBe('VAL-2');
  });
  it('VAL-3: pro needs a non-blank prompt, unless the policy is off', () => {
    expect(resolveStart(draft, { model: 'pro' }, source).violation).toMatchObject({ rule: 'VAL-3', status: 400 });
    expect(resolveStart({ ...draft, model: 'pro', text_prompt: 'dog' }, {}, source).violation).toBeUndefined();
    expect(resolveStart(draft, { model: 'pro' }, source, { requirePromptForPro: false }).violation).toBeUndefined();
    // A draft may be pro without a prompt; starting it may not.
    expect(resolveCreate({ video_url: 'https://a.b/v', model: 'pro', auto_start: false }).violation).toBeUndefined();
    expect(resolveCreate({ video_url: 'https://a.b/v', model: 'pro' }).violation?.rule).toBe('VAL-3');
  });
  it('VAL-4: transparent needs an alpha-capable format', () => {
    expect(resolveCreate({ video_url: 'https://a.b/v', output_format: 'mp4' }).violation).toMatchObject({ rule: 'VAL-4', status: 422, code: 'unsupported_combination' });
    expect(resolveCreate({ video_url: 'https://a.b/v', output_format: 'mp4', background: { type: 'color', color: [0, 0, 0] } }).violation).toBeUndefined();
    expect(resolveStart({ ...draft, output_format: 'mp4', background: { type: 'color', color: [1, 2, 3] } }, { background: { type: 'transparent' } }, source).violation?.rule).toBe('VAL-4');
  });
});
