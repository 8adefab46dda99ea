// LIFE: the seed's "output_url is an asynchronous artifact". Each configured
// clip (--video-url label=URL) gets its own check and report row.
import { MEDIA_TYPES, type OutputFormat } from '../contracts/policy.js';
import { bodyPreview, chargesFor, expectOutcome, expectServed, firstVideo, pollUntilTerminal, readJob, start, statusesOf } from './lib/api.js';
import { broken, suite, fail } from './lib/check.js';
import type { Client } from './lib/client.js';
import type { KeyRole } from './lib/config.js';
import { requireCount, requireEqual, requireStatus, requireThat, shown } from './lib/verdicts.js';

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

export const LIFE = suite('LIFE', (check, config) => {
  for (const clip of config.videos) {
    check(`life.completes.${clip.label}`, ['LIFE-1', 'LIFE-2', 'LIFE-3', 'LIFE-4'], `clip "${clip.label}": created → processing → completed within the job timeout`, async ({ client, clip: row }) => {
      const id = await draftOf(client, clip.url);
      requireEqual((await readJob(client, id)).status, 'created', 'LIFE-1', 'a job begins created: a draft (auto_start: false) waits there for its start');
      expectServed(await start(client, id), 'starting the draft');
      const done = await pollUntilTerminal(client, id, config.jobTimeoutS, 'primary', { firstReadNow: true });
      const charges = await chargesFor(client, id);
      row({ label: clip.label, url: clip.url, status: String(done.job.status), processing_ms: done.elapsedMs, credits: charges.reduce((n, c) => n + (c.credits ?? 0), 0) });
      requireEqual(done.job.status, 'completed', 'LIFE-1', `a started job goes created → processing → completed (clip ${clip.label}, a source that can be processed)`);
      checkOutputUrlRule(done.seen);
      const history = statusesOf(done.job);
      // A transition recorded twice is LIFE-4's; one skipped or not in the lifecycle is LIFE-1's.
      requireEqual(history, ['created', 'processing', 'completed'], new Set(history).size < history.length ? 'LIFE-4' : 'LIFE-1', 'a started job goes created → processing → completed, its history recording each transition exactly once');
    }, { timeoutMs: (config.jobTimeoutS + 30) * 1000 });
  }

  check('life.failed', ['LIFE-1', 'LIFE-2'], 'a failing source ends failed with an error and no output_url', async ({ client }) => {
    const id = await draftOf(client, config.failingVideo as string);
    expectServed(await start(client, id), 'starting the draft');
    const done = await pollUntilTerminal(client, id, config.jobTimeoutS, 'primary', { firstReadNow: true });
    requireEqual(done.job.status, 'failed', 'LIFE-1', 'a started job whose source fails processing ends failed');
    const error = done.job.error as { code?: unknown; message?: unknown } | undefined;
    requireThat(typeof error?.code === 'string' && typeof error.message === 'string', 'LIFE-2', 'a failed job carries error {code, message}', `got error ${shown(error)}`);
    checkOutputUrlRule(done.seen);
    requireEqual(statusesOf(done.job), ['created', 'processing', 'failed'], 'LIFE-1', 'a failing job goes created → processing → failed, and its history shows no other transition');
  }, { needs: ['failingVideo'], timeoutMs: (config.jobTimeoutS + 30) * 1000 });

  check('life.insufficient-credits', ['LIFE-5'], 'too few credits → 402 insufficient_credits, the job stays created', async ({ client }) => {
    const id = await draftOf(client, firstVideo(config), 'broke');
    expectOutcome(await start(client, id, {}, { key: 'broke' }), { status: 402, code: 'insufficient_credits' }, 'LIFE-5', 'start with a key that has no credits');
    requireEqual((await readJob(client, id, 'broke')).status, 'created', 'LIFE-5', 'with too few credits, start gets 402 and the job stays created');
    requireCount(await chargesFor(client, id, 'broke'), 0, 'LIFE-5', 'a start refused with 402 insufficient_credits charges nothing', 'charge events');
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
      requireStatus(r, 200, 'LIFE-6', `output_url is downloadable without the API key: ${method} answers 200`);
      requireEqual((r.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase(), expected, 'LIFE-6', `${method} output_url answers with a media type that fits output_format ${String(done.job.output_format)}`);
    }
  }, { timeoutMs: (config.jobTimeoutS + 30) * 1000 });
});
