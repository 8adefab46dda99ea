/**
 * createClient: the typed reference client of the v1 Jobs API, on openapi-fetch
 * over the types generated from contracts/openapi.yaml. It keeps every client
 * rule of SPEC §4: bodies validated before sending (CLI-11), the key on every
 * /v1 request and never elsewhere (CLI-1, CLI-7), retries and waits in the
 * transport (CLI-2/3/4/6/12), an Idempotency-Key on every POST from its first
 * attempt (CLI-5), bounded polling (CLI-6), and a log event with request id,
 * job id and code for every error it ends on and every job it starts (CLI-8/9/10).
 */
import createFetchClient from 'openapi-fetch';
import type { paths } from '../contracts/generated/api.js';
import { DEFAULT_POLICY, type PolicyOptions } from '../contracts/policy.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { anySignal, systemClock, type Clock } from './clock.js';
import { downloadOutput, type Download, type DownloadOptions } from './download.js';
import { ApiError, ConfigError, ResponseFormatError, TransportError } from './errors.js';
import { checkIdempotencyKey, newIdempotencyKey } from './idempotency.js';
import { silentLogger, type Logger } from './logger.js';
import { waitForJob, type WaitOptions } from './polling.js';
import { createRateGate, type RateGate } from './rate-gate.js';
import { createReadPacer } from './read-pacer.js';
import { createTransport, sendInfo, type FetchLike, type RetryPolicy } from './transport.js';
import type { CreateJobRequest, Job, JobAccepted, JobList, ListJobsQuery, StartJobRequest, UsageEventList, UsageEventsQuery } from './types.js';
import { validateCreate, validateStart, type KnownJob } from './validate.js';

export interface ClientOptions {
  /** The provider's base URL, e.g. https://api.removebgvideo.com. */
  baseUrl: string;
  apiKey: string;
  /** Defaults to the global fetch, looked up per request. */
  fetch?: FetchLike;
  clock?: Clock;
  /** [0, 1); jitter of the backoff. */
  random?: () => number;
  logger?: Logger;
  /** Aborts everything this client does. */
  signal?: AbortSignal;
  retry?: Partial<Omit<RetryPolicy, 'backoff'>> & { backoff?: Partial<BackoffPolicy> };
  /** Mints Idempotency-Keys (default: random UUIDs). */
  idempotencyKey?: () => string;
  /** Share one gate between clients of the same key (CLI-12); each client has its own by default. */
  rateGate?: RateGate;
  /** VAL-3 is a provider policy; a provider without it takes pro starts without a prompt. */
  policy?: PolicyOptions;
}

export interface CallOptions { signal?: AbortSignal }
export interface PostOptions extends CallOptions {
  /** Reuse a key when retrying a whole call yourself (after a TransportError). */
  idempotencyKey?: string;
}

export interface JobsClient {
  createJob(body: CreateJobRequest, opts?: PostOptions): Promise<JobAccepted>;
  startJob(jobId: string, body?: StartJobRequest, opts?: PostOptions): Promise<JobAccepted>;
  getJob(jobId: string, opts?: CallOptions): Promise<Job>;
  listJobs(query?: ListJobsQuery, opts?: CallOptions): Promise<JobList>;
  usageEvents(query?: UsageEventsQuery, opts?: CallOptions): Promise<UsageEventList>;
  waitForJob(jobId: string, opts?: WaitOptions): Promise<Job>;
  downloadOutput(job: Job, opts?: DownloadOptions): Promise<Download>;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, deadlineMs: 60_000, attemptTimeoutMs: 30_000, backoff: DEFAULT_BACKOFF };
const MAX_ATTEMPTS = 8;
const READ_GAP_MS = 1000;
const KNOWN_JOBS = 10_000;

function retryPolicy(given: ClientOptions['retry']): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...given, backoff: { ...DEFAULT_BACKOFF, ...given?.backoff } };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1 || policy.maxAttempts > MAX_ATTEMPTS) throw new ConfigError(`retry.maxAttempts must be an integer from 1 to ${MAX_ATTEMPTS} (CLI-3), got ${policy.maxAttempts}`);
  for (const k of ['deadlineMs', 'attemptTimeoutMs'] as const) if (!(policy[k] > 0)) throw new ConfigError(`retry.${k} must be > 0, got ${policy[k]}`);
  if (!(policy.backoff.baseMs > 0 && policy.backoff.capMs >= policy.backoff.baseMs)) throw new ConfigError('retry.backoff needs 0 < baseMs ≤ capMs');
  return policy;
}

function checkConfig(opts: ClientOptions): string {
  let url: URL;
  try {
    url = new URL(opts.baseUrl);
  } catch {
    throw new ConfigError(`baseUrl ${JSON.stringify(opts.baseUrl)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`baseUrl must be http or https, got ${url.protocol}`);
  if (typeof opts.apiKey !== 'string' || opts.apiKey.trim() === '' || /[\r\n]/.test(opts.apiKey)) throw new ConfigError('apiKey must be a non-empty string (CLI-1: every /v1 request carries X-Api-Key)');
  return opts.baseUrl.replace(/\/+$/, '');
}

interface Result<T> { data?: T; error?: unknown; response: Response }

export function createClient(opts: ClientOptions): JobsClient {
  const baseUrl = checkConfig(opts);
  const retry = retryPolicy(opts.retry);
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const random = opts.random ?? Math.random;
  const mintKey = opts.idempotencyKey ?? newIdempotencyKey;
  const policy = opts.policy ?? DEFAULT_POLICY;
  const baseFetch: FetchLike = opts.fetch ?? ((req) => globalThis.fetch(req));
  const shared = { clock, random, logger, retry, ...(opts.signal ? { signal: opts.signal } : {}) };
  const transport = createTransport({ ...shared, fetch: baseFetch, gate: opts.rateGate ?? createRateGate(), pacer: createReadPacer(READ_GAP_MS) });
  // Artifacts: no key to send, no API rate gate, redirects followed (a CDN may redirect; there is no key to leak).
  const artifactTransport = createTransport({ ...shared, fetch: baseFetch, gate: createRateGate(), pacer: createReadPacer(0), redirect: 'follow' });
  const api = createFetchClient<paths>({ baseUrl, headers: { 'X-Api-Key': opts.apiKey } });
  const known = new Map<string, KnownJob>();

  function remember(id: string, job: KnownJob): void {
    known.delete(id);
    known.set(id, job);
    if (known.size > KNOWN_JOBS) known.delete(known.keys().next().value as string);
  }

  /** Runs one openapi-fetch call through the transport and turns every non-2xx into an ApiError (logged, CLI-9). */
  async function call<T>(method: string, path: string, run: (fetch: FetchLike) => Promise<Result<T>>): Promise<{ data: T; requestId: string | undefined }> {
    let seen: Response | undefined;
    const fetch: FetchLike = async (req) => (seen = await transport(req));
    let result: Result<T>;
    try {
      result = await run(fetch);
    } catch (err) {
      if (err instanceof TransportError) {
        logger({ level: 'error', event: 'error', msg: err.message, method, path, code: err.reason === 'timeout' ? 'client_timeout' : 'network_error', attempt: err.attempts });
        throw err;
      }
      if (err instanceof SyntaxError && seen?.ok) {
        const requestId = seen.headers.get('x-request-id') ?? undefined;
        const formatError = new ResponseFormatError(method, path, seen.status, requestId, 'not JSON');
        logger({ level: 'error', event: 'error', msg: formatError.message, method, path, status: seen.status, code: 'invalid_response', ...(requestId ? { request_id: requestId } : {}) });
        throw formatError;
      }
      throw err;
    }
    const { response } = result;
    const headerId = response.headers.get('x-request-id') ?? undefined;
    if (!response.ok) throw apiError(method, path, response, result.error, headerId);
    if (result.data === undefined || result.data === null || typeof result.data !== 'object') {
      const formatError = new ResponseFormatError(method, path, response.status, headerId, 'empty or not an object');
      logger({ level: 'error', event: 'error', msg: formatError.message, method, path, status: response.status, code: 'invalid_response', ...(headerId ? { request_id: headerId } : {}) });
      throw formatError;
    }
    return { data: result.data, requestId: headerId };
  }

  function apiError(method: string, path: string, response: Response, body: unknown, headerId: string | undefined): ApiError {
    const envelope = (body as { error?: Record<string, unknown> } | undefined)?.error;
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const info = sendInfo.get(response);
    const code = str(envelope?.code) ?? 'invalid_error_body';
    const requestId = str(envelope?.request_id) ?? headerId;
    const param = str(envelope?.param);
    const err = new ApiError({
      status: response.status, code, message: str(envelope?.message) ?? `the body is not the error envelope (ERR-1): ${typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body ?? null).slice(0, 200)}`,
      request_id: requestId, attempts: info?.attempts ?? 1, method, path,
      ...(param ? { param } : {}), ...(info?.retryAfterMs !== undefined ? { retryAfterMs: info.retryAfterMs } : {}),
    });
    logger({ level: 'error', event: 'error', msg: err.message, method, path, status: response.status, code, attempt: err.attempts, ...(requestId ? { request_id: requestId } : {}) });
    return err;
  }

  const signalOf = (o: CallOptions | undefined): { signal?: AbortSignal } => {
    const signal = anySignal(o?.signal, opts.signal);
    return signal ? { signal } : {};
  };

  const client: JobsClient = {
    async createJob(body, o) {
      const settings = validateCreate(body, policy);
      const key = checkIdempotencyKey(o?.idempotencyKey ?? mintKey());
      const { data, requestId } = await call('POST', '/v1/jobs', (fetch) =>
        api.POST('/v1/jobs', { body, params: { header: { 'Idempotency-Key': key } }, fetch, ...signalOf(o) }));
      const { auto_start: _autoStart, ...job } = settings;
      remember(data.id, job);
      const ids = { job_id: data.id, model: job.model, output_format: job.output_format, ...(requestId ? { request_id: requestId } : {}) };
      logger({ level: 'info', event: 'job.created', msg: `job ${data.id} created`, ...ids });
      if (data.status === 'processing') logger({ level: 'info', event: 'job.started', msg: `job ${data.id} started (${job.model}, ${job.output_format})`, ...ids });
      return data;
    },

    async startJob(jobId, body = {}, o) {
      const before = known.get(jobId);
      validateStart(body, before, policy);
      const key = checkIdempotencyKey(o?.idempotencyKey ?? mintKey());
      const path = `/v1/jobs/${encodeURIComponent(jobId)}/start`;
      const { data, requestId } = await call('POST', path, (fetch) =>
        api.POST('/v1/jobs/{job_id}/start', { params: { path: { job_id: jobId }, header: { 'Idempotency-Key': key } }, body, fetch, ...signalOf(o) }));
      const model = body.model ?? before?.model;
      if (before) {
        const prompt = body.text_prompt ?? (model === 'pro' ? before.text_prompt : undefined);
        remember(jobId, { ...before, model: model ?? before.model, background: body.background ?? before.background, ...(prompt !== undefined ? { text_prompt: prompt } : {}) });
      }
      logger({
        level: 'info', event: 'job.started', msg: `job ${jobId} started (${model ?? 'job default model'}, ${before?.output_format ?? 'job output format'})`,
        job_id: jobId, ...(model ? { model } : {}), ...(before ? { output_format: before.output_format } : {}), ...(requestId ? { request_id: requestId } : {}),
      });
      return data;
    },

    async getJob(jobId, o) {
      const path = `/v1/jobs/${encodeURIComponent(jobId)}`;
      return (await call('GET', path, (fetch) => api.GET('/v1/jobs/{job_id}', { params: { path: { job_id: jobId } }, fetch, ...signalOf(o) }))).data;
    },

    async listJobs(query = {}, o) {
      return (await call('GET', '/v1/jobs', (fetch) => api.GET('/v1/jobs', { params: { query }, fetch, ...signalOf(o) }))).data;
    },

    async usageEvents(query = {}, o) {
      return (await call('GET', '/v1/usage/events', (fetch) => api.GET('/v1/usage/events', { params: { query }, fetch, ...signalOf(o) }))).data;
    },

    waitForJob(jobId, o = {}) {
      return waitForJob((id, g) => client.getJob(id, g), jobId, o, { clock, logger, ...(opts.signal ? { signal: opts.signal } : {}) });
    },

    async downloadOutput(job, o = {}) {
      const signal = anySignal(o.signal, opts.signal);
      const download = await downloadOutput(artifactTransport, job, { ...o, ...(signal ? { signal } : {}) });
      logger({ level: 'info', event: 'download', msg: `output of job ${job.id}: ${download.bytes.byteLength} bytes (${download.contentType ?? 'no content type'})`, job_id: job.id, output_format: job.output_format });
      return download;
    },
  };
  return client;
}
