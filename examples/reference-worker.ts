/**
 * The reference client as a partner's worker, the way SPEC §4 runs a client
 * under `jobcert onboard`: it reads JOBCERT_BASE_URL, JOBCERT_API_KEY and
 * JOBCERT_VIDEO_URLS, and for each source creates a draft, starts it, waits for
 * it and downloads the output, all through `jobcert/client`, which keeps every
 * CLI rule; its structured log (one JSON line per event on stderr) is the log
 * the grader reads. Options: --job-timeout S (default 120), --request-timeout S
 * (default 10: one answer slower than that is abandoned and retried, CLI-3).
 *
 *   npx jobcert onboard -- node --import tsx examples/reference-worker.ts
 *
 * In a project of your own, import from 'jobcert/client' instead.
 */
import { parseArgs } from 'node:util';
import { createClient, jsonLinesLogger } from '../client/index.js';

const { values } = parseArgs({ options: { 'job-timeout': { type: 'string' }, 'request-timeout': { type: 'string' } } });
const seconds = (name: string, raw: string | undefined, fallback: number): number => {
  const n = raw === undefined ? fallback : Number(raw);
  if (!(n > 0 && n <= 1800)) {
    console.error(`reference-worker: --${name} must be a number of seconds from 1 to 1800, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n * 1000;
};
const jobTimeoutMs = seconds('job-timeout', values['job-timeout'], 120);
const attemptTimeoutMs = seconds('request-timeout', values['request-timeout'], 10);
const { JOBCERT_BASE_URL: baseUrl, JOBCERT_API_KEY: apiKey, JOBCERT_VIDEO_URLS: urls } = process.env;
if (!baseUrl || !apiKey || !urls) {
  console.error('reference-worker: JOBCERT_BASE_URL, JOBCERT_API_KEY and JOBCERT_VIDEO_URLS must be set (SPEC §4)');
  process.exit(2);
}

const client = createClient({ baseUrl, apiKey, logger: jsonLinesLogger(), retry: { attemptTimeoutMs } });

async function process1(videoUrl: string): Promise<'completed' | 'given up'> {
  try {
    const created = await client.createJob({ video_url: videoUrl, output_format: 'webm', auto_start: false });
    await client.startJob(created.id, { model: 'light' });
    const job = await client.waitForJob(created.id, { timeoutMs: jobTimeoutMs });
    await client.downloadOutput(job);
    return 'completed';
  } catch {
    // The client has logged the error it ended on (request id, job id, code: CLI-8, CLI-9); this job is done with.
    return 'given up';
  }
}

const outcomes = await Promise.all(urls.split(',').filter(Boolean).map(process1));
console.log(`reference-worker: ${outcomes.filter((o) => o === 'completed').length} of ${outcomes.length} jobs completed`);
