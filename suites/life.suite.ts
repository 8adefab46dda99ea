// LIFE: the seed's "output_url is an asynchronous artifact". Each configured
// clip (--video-url label=URL) gets its own check and report row.
import { describe, expect } from 'vitest';
import { MEDIA_TYPES, type OutputFormat } from '../contracts/policy.js';
import { bodyPreview, chargesFor, expectOutcome, expectServed, firstVideo, pollUntilTerminal, readJob, start, statusesOf } from './lib/api.js';
import { broken, check, fail } from './lib/check.js';
import type { Client } from './lib/client.js';
import { runConfig, type KeyRole } from './lib/config.js';

const config = runConfig();

/** LIFE-2 on every snapshot seen while polling. */
function checkOutputUrlRule(seen: Record<string, unknown>[]): void {
  for (const job of seen) {
    if (job.status === 'completed') {
      if (typeof job.output_url !== 'string') fail('a completed job has no output_url (LIFE-2)');
      if ('error' in job && job.error !== undefined) fail('a completed job carries error (LIFE-2)');
    } else {
      if ('output_url' in job && job.output_url !== undefined) fail(`output_url is present while ${String(job.status)} (LIFE-2)`);
      if (job.status !== 'failed' && 'error' in job && job.error !== undefined) fail(`error is present while ${String(job.status)} (LIFE-2)`);
    }
  }
}

async function draftOf(client: Client, videoUrl: string, key: KeyRole = 'primary'): Promise<string> {
  const created = await client.post('/v1/jobs', { video_url: videoUrl, auto_start: false }, { key });
  expectServed(created, `creating a draft of ${videoUrl}`);
  if (typeof created.json?.id !== 'string') broken('OBS-3', `POST /v1/jobs answered without a job id: ${bodyPreview(created)}`);
  return created.json.id as string;
}

describe('LIFE', () => {
  for (const clip of config.videos) {
    check(`life.completes.${clip.label}`, ['LIFE-1', 'LIFE-2', 'LIFE-3', 'LIFE-4'], `clip "${clip.label}": created → processing → completed within the job timeout`, async ({ client, clip: row }) => {
      const id = await draftOf(client, clip.url);
      expect((await readJob(client, id)).status, 'a draft is created').toBe('created');
      expectServed(await start(client, id), 'starting the draft');
      const done = await pollUntilTerminal(client, id, config.jobTimeoutS, 'primary', { firstReadNow: true });
      const charges = await chargesFor(client, id);
      row({ label: clip.label, url: clip.url, status: String(done.job.status), processing_ms: done.elapsedMs, credits: charges.reduce((n, c) => n + (c.credits ?? 0), 0) });
      expect(done.job.status, `clip ${clip.label}`).toBe('completed');
      checkOutputUrlRule(done.seen);
      expect(statusesOf(done.job), 'history: each transition exactly once (LIFE-1, LIFE-4)').toEqual(['created', 'processing', 'completed']);
    }, { timeoutMs: (config.jobTimeoutS + 30) * 1000 });
  }

  check('life.failed', ['LIFE-1', 'LIFE-2'], 'a failing source ends failed with an error and no output_url', async ({ client }) => {
    const id = await draftOf(client, config.failingVideo as string);
    expectServed(await start(client, id), 'starting the draft');
    const done = await pollUntilTerminal(client, id, config.jobTimeoutS, 'primary', { firstReadNow: true });
    expect(done.job.status).toBe('failed');
    const error = done.job.error as { code?: unknown; message?: unknown } | undefined;
    expect(typeof error?.code === 'string' && typeof error.message === 'string', 'error {code, message}').toBe(true);
    checkOutputUrlRule(done.seen);
    expect(statusesOf(done.job)).toEqual(['created', 'processing', 'failed']);
  }, { needs: ['failingVideo'], timeoutMs: (config.jobTimeoutS + 30) * 1000 });

  check('life.insufficient-credits', ['LIFE-5'], 'too few credits → 402 insufficient_credits, the job stays created', async ({ client }) => {
    const id = await draftOf(client, firstVideo(config), 'broke');
    expectOutcome(await start(client, id, {}, { key: 'broke' }), { status: 402, code: 'insufficient_credits' }, 'LIFE-5', 'start with a key that has no credits');
    expect((await readJob(client, id, 'broke')).status).toBe('created');
    expect(await chargesFor(client, id, 'broke')).toEqual([]);
  }, { needs: ['broke'] });

  check('life.artifact', ['LIFE-6'], 'output_url answers GET and HEAD without the key with a fitting media type', async ({ client }) => {
    const id = await draftOf(client, firstVideo(config));
    expectServed(await start(client, id), 'starting the draft');
    const done = await pollUntilTerminal(client, id, config.jobTimeoutS);
    if (done.job.status !== 'completed') broken('LIFE-3', `the job ended ${String(done.job.status)}, so there is no artifact to fetch`);
    const url = done.job.output_url;
    if (typeof url !== 'string') broken('LIFE-2', 'a completed job has no output_url');
    const expected = MEDIA_TYPES[done.job.output_format as OutputFormat];
    for (const method of ['HEAD', 'GET']) {
      // key 'none': a signed link must work without the API key, which must never go to another origin.
      const r = await client.request(method, url, { key: 'none' });
      expect(r.status, `${method} output_url`).toBe(200);
      expect((r.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase(), `${method} media type`).toBe(expected);
    }
  }, { timeoutMs: (config.jobTimeoutS + 30) * 1000 });
});
