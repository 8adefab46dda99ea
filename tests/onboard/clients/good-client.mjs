#!/usr/bin/env node
// A small client of the v1 Jobs API that keeps every client rule of SPEC §4
// (CLI-1…CLI-12). Plain Node 20, no dependencies. It reads JOBCERT_BASE_URL,
// JOBCERT_API_KEY and JOBCERT_VIDEO_URLS; for each source it creates a draft,
// starts it, polls it, and downloads the output. Options: --job-timeout S,
// --request-timeout MS, --concurrency N.
//
// Every decision a client can get wrong is one entry of POLICY, so each bad
// sample client next to this file is this client with one entry replaced.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** RFC 9110 Retry-After: delay-seconds or an HTTP-date, in ms from now. */
function parseRetryAfter(value) {
  if (!value) return 0;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? 0 : Math.max(0, at - Date.now());
}

export const POLICY = {
  model: 'light',
  outputFormat: 'webm',
  maxAttempts: 5,
  /** CLI-3: only 429, 5xx (and transport failures) are transient. */
  retryable: (status) => status === 429 || status >= 500,
  /** CLI-3: jittered exponential backoff, 1–2 s, 2–4 s, 4–8 s, … capped at 16 s. */
  backoffMs: (attempt) => Math.min(16_000, 2 ** attempt * 1000 * (1 + Math.random())),
  /** CLI-2: how long a 429 asks us to wait. */
  retryAfterMs: parseRetryAfter,
  /** CLI-5: every create and start gets an Idempotency-Key of its own, from its first attempt. */
  newIdempotencyKey: (_op) => randomUUID(),
  /** CLI-4: a retry repeats the first attempt's Idempotency-Key. */
  idempotencyKey: (firstKey, _attempt) => firstKey,
  /** The partner's prompt, for the model that takes one (pro). */
  textPrompt: 'the person in the foreground',
  /** CLI-11: the start body is valid before it is sent: a text_prompt goes only with model pro (VAL-2). */
  startJob: ({ send, model, textPrompt }) => send(model === 'pro' ? { model, text_prompt: textPrompt } : { model }),
  /** CLI-6: at least 1 s between two reads of a job. */
  pollIntervalMs: () => 1000 + Math.random() * 500,
  /** CLI-7: the output comes from the completed job. */
  downloadUrl: (_startAnswer, completedJob) => completedJob.output_url,
  /** CLI-7: a signed link, fetched without the key. */
  downloadHeaders: (_apiKey) => ({}),
  /** CLI-9/10: logfmt lines on stdout (errors on stderr); never the key. */
  log: (level, msg, fields = {}) => {
    const kv = Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${/[\s"]/.test(String(v)) ? JSON.stringify(String(v)) : v}`);
    (level === 'error' ? process.stderr : process.stdout).write(`${new Date().toISOString()} level=${level} msg=${JSON.stringify(msg)} ${kv.join(' ')}\n`);
  },
};

class ApiError extends Error {
  constructor(status, code, requestId, message, param) {
    super(message);
    Object.assign(this, { status, code, requestId, param });
  }
}
class GaveUp extends Error {}

export async function runClient(overrides = {}) {
  const policy = { ...POLICY, ...overrides };
  const { values } = parseArgs({ allowPositionals: true, options: { 'job-timeout': { type: 'string' }, 'request-timeout': { type: 'string' }, concurrency: { type: 'string' } } });
  const jobTimeoutMs = overrides.jobTimeoutMs ?? Number(values['job-timeout'] ?? 120) * 1000;
  const requestTimeoutMs = Number(values['request-timeout'] ?? 3000);
  const concurrency = Number(values.concurrency ?? 3);
  const base = process.env.JOBCERT_BASE_URL;
  const apiKey = process.env.JOBCERT_API_KEY;
  const sources = (process.env.JOBCERT_VIDEO_URLS ?? '').split(',').filter(Boolean);
  if (!base || !apiKey) throw new Error('JOBCERT_BASE_URL and JOBCERT_API_KEY are required');
  const { log } = policy;

  // CLI-12: one limiter for every worker: after a 429 nobody sends before Retry-After.
  let notBefore = 0;
  const gate = async () => { while (Date.now() < notBefore) await sleep(notBefore - Date.now()); };

  async function call(method, path, { body, idempotencyKey, jobId } = {}) {
    let lastFailure = 'no attempt';
    for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
      await gate();
      const headers = { 'x-api-key': apiKey, accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (idempotencyKey) headers['idempotency-key'] = policy.idempotencyKey(idempotencyKey, attempt);
      let res;
      let text;
      try {
        res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'error', signal: AbortSignal.timeout(requestTimeoutMs) });
        text = await res.text();
      } catch (err) {
        lastFailure = err.name === 'TimeoutError' ? `no answer in ${requestTimeoutMs} ms` : `${err.message} ${err.cause?.code ?? ''}`.trim();
        log('warn', 'request failed, retrying', { method, path, job_id: jobId, attempt: attempt + 1, error: lastFailure });
        await sleep(policy.backoffMs(attempt));
        continue;
      }
      let json;
      try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
      const requestId = json?.error?.request_id ?? res.headers.get('x-request-id') ?? undefined;
      if (res.ok) return { json, requestId };
      const code = json?.error?.code ?? `http_${res.status}`;
      const error = new ApiError(res.status, code, requestId, json?.error?.message ?? text.slice(0, 200), json?.error?.param);
      if (!policy.retryable(res.status) || attempt === policy.maxAttempts - 1) throw error;
      let wait = policy.backoffMs(attempt);
      if (res.status === 429) {
        const ra = policy.retryAfterMs(res.headers.get('retry-after'));
        notBefore = Math.max(notBefore, Date.now() + ra);
        wait = Math.max(wait, ra);
      }
      log('warn', 'retrying', { method, path, job_id: jobId, status: res.status, code, request_id: requestId, attempt: attempt + 1, wait_ms: Math.round(wait) });
      await sleep(wait);
    }
    throw new ApiError(0, 'transport_error', undefined, `${method} ${path}: ${lastFailure} after ${policy.maxAttempts} attempts`);
  }

  async function waitFor(jobId) {
    const deadline = Date.now() + jobTimeoutMs;
    for (;;) {
      await sleep(policy.pollIntervalMs());
      if (Date.now() > deadline) throw new GaveUp(`job ${jobId} not finished after ${Math.round(jobTimeoutMs / 1000)} s`);
      const { json } = await call('GET', `/v1/jobs/${encodeURIComponent(jobId)}`, { jobId });
      if (json.status === 'completed' || json.status === 'failed') return json;
    }
  }

  async function download(url, jobId) {
    const res = await fetch(url, { headers: policy.downloadHeaders(apiKey), redirect: 'follow', signal: AbortSignal.timeout(requestTimeoutMs) });
    const data = Buffer.from(await res.arrayBuffer());
    if (!res.ok) {
      let body;
      try { body = JSON.parse(data.toString('utf8')); } catch { body = undefined; }
      throw new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.request_id ?? res.headers.get('x-request-id') ?? undefined, `download of ${jobId} failed`);
    }
    return data.byteLength;
  }

  async function work(videoUrl) {
    let jobId;
    try {
      const created = await call('POST', '/v1/jobs', { body: { video_url: videoUrl, output_format: policy.outputFormat, auto_start: false }, idempotencyKey: policy.newIdempotencyKey('create') });
      jobId = created.json.id;
      log('info', 'job created', { job_id: jobId, source: videoUrl, request_id: created.requestId });
      const send = (body) => call('POST', `/v1/jobs/${encodeURIComponent(jobId)}/start`, { body, idempotencyKey: policy.newIdempotencyKey('start'), jobId });
      const started = await policy.startJob({ send, model: policy.model, textPrompt: policy.textPrompt, jobId });
      log('info', 'job started', { job_id: jobId, model: policy.model, output_format: policy.outputFormat, request_id: started.requestId });
      const job = await waitFor(jobId);
      if (job.status === 'failed') {
        log('error', 'job failed', { job_id: jobId, code: job.error?.code, message: job.error?.message });
        return false;
      }
      const bytes = await download(policy.downloadUrl(started.json, job), jobId);
      log('info', 'output downloaded', { job_id: jobId, bytes });
      return true;
    } catch (err) {
      if (err instanceof ApiError) log('error', 'request failed', { job_id: jobId, source: jobId ? undefined : videoUrl, status: err.status, code: err.code, request_id: err.requestId, message: err.message });
      else if (err instanceof GaveUp) log('error', 'gave up waiting', { job_id: jobId, code: 'client_timeout', message: err.message });
      else log('error', 'unexpected failure', { job_id: jobId, message: err.message });
      return false;
    }
  }

  const queue = [...sources];
  const results = [];
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, async () => {
    while (queue.length > 0) results.push(await work(queue.shift()));
  }));
  const ok = results.filter(Boolean).length;
  log(ok === sources.length ? 'info' : 'warn', 'done', { jobs: sources.length, succeeded: ok, failed: sources.length - ok });
  process.exitCode = ok === sources.length ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runClient();
