// Clip facts (--video-url label[duration=…,width=…,height=…]=URL, or a clip object
// in the config file): how they are read, what is refused, and what the checks
// that need them do without them (SPEC §1 Usage billing, VAL-5's default canvas).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../scripts/certify/options.js';
import { resolveLoadOptions } from '../../scripts/load/options.js';
import { EMBEDDED_CLIPS, withMockFacts } from '../../scripts/certify/run.js';
import { UsageError } from '../../scripts/cli-errors.js';
import { registeredChecks } from '../../suites/index.js';
import type { Clip, RunConfig } from '../../suites/lib/config.js';

const TARGET = { target: 'http://127.0.0.1:9', apiKey: 'jc_k' };
const clipsOf = (videoUrl: string[], env: NodeJS.ProcessEnv = {}): Clip[] | undefined => resolveOptions({ ...TARGET, videoUrl }, env).videos;
const refusal = (videoUrl: unknown[]): string => {
  try {
    resolveOptions({ ...TARGET, videoUrl: videoUrl as string[] }, {});
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

function configFile(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'jobcert-clips-')), 'jobcert.config.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('--video-url clip facts', () => {
  it('reads the facts in brackets and takes everything after "]=" as the URL, verbatim (; , = in its query)', () => {
    const url = 'https://cdn.example.com/a.mp4?sig=a%3Db;exp=1,2&x=[y]=z';
    expect(clipsOf([`short[duration=4.25,width=1280,height=720]=${url}`, `plain=${url}`, 'https://cdn.example.com/b.mp4?t=1;u=2'])).toEqual([
      { label: 'short', url, duration: 4.25, width: 1280, height: 720 },
      { label: 'plain', url },
      { label: 'clip3', url: 'https://cdn.example.com/b.mp4?t=1;u=2' },
    ]);
    expect(clipsOf(['d[duration=3]=https://cdn.example.com/c.mp4'])).toEqual([{ label: 'd', url: 'https://cdn.example.com/c.mp4', duration: 3 }]);
  });

  it('reads the same syntax from JOBCERT_VIDEO_URL (white space between clips)', () => {
    expect(resolveOptions(TARGET, { JOBCERT_VIDEO_URL: 'a[duration=2]=https://x.example/a.mp4 b=https://x.example/b.mp4' }).videos).toEqual([
      { label: 'a', url: 'https://x.example/a.mp4', duration: 2 }, { label: 'b', url: 'https://x.example/b.mp4' },
    ]);
  });

  it.each([
    ['an unknown fact', 's[fps=30]=https://x.example/a.mp4', /--video-url "s\[fps=30\]=.*unknown fact "fps" \(known: duration, width, height\)/],
    ['a zero duration', 's[duration=0]=https://x.example/a.mp4', /duration must be a positive number of seconds, got 0/],
    ['a negative duration', 's[duration=-1]=https://x.example/a.mp4', /duration must be a number, got "-1"/],
    ['a fractional width', 's[width=1280.5,height=720]=https://x.example/a.mp4', /width must be a whole number of pixels from 16 to 7680/],
    ['a height past the canvas bounds', 's[width=1280,height=4321]=https://x.example/a.mp4', /height must be a whole number of pixels from 16 to 4320/],
    ['half a size', 's[width=1280]=https://x.example/a.mp4', /width and height go together/],
    ['a fact twice', 's[duration=1,duration=2]=https://x.example/a.mp4', /the fact "duration" is given twice/],
    ['a fact without a value', 's[duration]=https://x.example/a.mp4', /expected facts as name=value/],
    ['brackets never closed before the URL', 's[duration=4=https://x.example/a.mp4', /facts in brackets end with "\]=" and then the URL/],
    ['no URL after the facts', 's[duration=4]=cdn.example.com/a.mp4', /expected \[label=\]URL or label\[duration=SECONDS,width=PX,height=PX\]=URL/],
    ['a label used twice', ['a=https://x.example/1.mp4', 'a[duration=1]=https://x.example/2.mp4'], /--video-url: the label "a" is used twice/],
  ])('refuses %s with a one-line UsageError', (_, given, message) => {
    expect(refusal(Array.isArray(given) ? given : [given])).toMatch(message);
  });

  it('load reads the same clips and uses the first one\'s URL', () => {
    expect(resolveLoadOptions({ ...TARGET, videoUrl: 's[duration=4]=https://x.example/a.mp4?a=1;b=2' } as Record<string, unknown>, {}).videoUrl).toBe('https://x.example/a.mp4?a=1;b=2');
  });
});

describe('config file videoUrl: strings and clip objects', () => {
  it('accepts both, with facts, labelled in order', () => {
    const file = configFile({ ...TARGET, videoUrl: ['plain=https://x.example/p.mp4', { label: 'hd', url: 'https://x.example/h.mp4?a=1;b=2', duration: 4, width: 1280, height: 720 }, { url: 'https://x.example/n.mp4' }] });
    expect(resolveOptions({ config: file }, {}).videos).toEqual([
      { label: 'plain', url: 'https://x.example/p.mp4' },
      { label: 'hd', url: 'https://x.example/h.mp4?a=1;b=2', duration: 4, width: 1280, height: 720 },
      { label: 'clip3', url: 'https://x.example/n.mp4' },
    ]);
  });

  it.each([
    ['an unknown member', { url: 'https://x.example/a.mp4', fps: 30 }, /key "videoUrl".*unknown member "fps" of a clip \(known: label, url, duration, width, height\)/],
    ['a duration as a string', { url: 'https://x.example/a.mp4', duration: '4' }, /duration must be a number, got "4"/],
    ['a negative duration', { url: 'https://x.example/a.mp4', duration: -4 }, /duration must be a positive number of seconds, got -4/],
    ['a width past the bounds', { url: 'https://x.example/a.mp4', width: 8000, height: 720 }, /width must be a whole number of pixels from 16 to 7680/],
    ['no url', { label: 'x', duration: 4 }, /a clip object needs "url"/],
  ])('refuses %s, naming the file and the key, never as an unknown top-level key', (_, clip, message) => {
    const file = configFile({ ...TARGET, videoUrl: [clip] });
    let text = '';
    try { resolveOptions({ config: file }, {}); } catch (err) { expect(err).toBeInstanceOf(UsageError); text = (err as Error).message; }
    expect(text).toContain(`--config ${file}: key "videoUrl"`);
    expect(text).toMatch(message);
    expect(text).not.toMatch(/unknown key/);
  });
});

describe('checks that need clip facts', () => {
  const config = (videos: Clip[]): RunConfig => ({
    target: 'http://127.0.0.1:9', embedded: null, keys: { primary: 'jc_a' }, videos, profile: 'quick', jobTimeoutS: 3,
    requestTimeoutMs: 1000, deadlineAt: Date.now() + 60_000, concurrency: 6, burstMax: 100, promptPolicy: 'required',
  });

  it('life.billing is skipped, not judged, naming the input that would judge it, when no clip has a duration', () => {
    const billing = registeredChecks(config([{ label: 'a', url: 'https://x.example/a.mp4', width: 1280, height: 720 }])).find((c) => c.id === 'life.billing');
    expect(billing?.skip).toMatch(/^not judged: clip facts unknown: .*give --video-url 'label\[duration=SECONDS\]=URL'/);
    expect(billing?.rules).toEqual([]);
    expect(registeredChecks(config([{ label: 'a', url: 'https://x.example/a.mp4', duration: 4 }])).find((c) => c.id === 'life.billing')?.skip).toBeUndefined();
  });

  it('the embedded mock\'s clips carry the facts of its media convention (SPEC §3); declared facts win', () => {
    expect(EMBEDDED_CLIPS.map((c) => [c.label, c.duration, c.width, c.height])).toEqual([['short', 5, 1920, 1080], ['long', 45, 1920, 1080], ['difficult', 20, 1920, 1080]]);
    expect(withMockFacts({ label: 'x', url: 'https://m.example/x.mp4' })).toEqual({ label: 'x', url: 'https://m.example/x.mp4', duration: 10, width: 1920, height: 1080 });
    expect(withMockFacts({ label: 'x', url: 'https://m.example/x.mp4?duration=3', width: 640, height: 480 })).toMatchObject({ duration: 3, width: 640, height: 480 });
  });
});
