/**
 * What the client throws. Every non-2xx answer becomes an ApiError carrying the
 * provider's structured error (SPEC ERR-1): status, code, message, request_id.
 * The other classes name the client-side reasons to stop: nothing answered,
 * the body was refused before sending, a job failed or never finished.
 */
import type { components } from '../contracts/generated/api.js';

export type ErrorCode = components['schemas']['ErrorCode'];
type Job = components['schemas']['Job'];

/** Base class: `instanceof JobsClientError` catches everything the client throws on purpose. */
export class JobsClientError extends Error {
  override name = 'JobsClientError';
}

export interface ApiErrorInit {
  status: number;
  /** The provider's error.code; `invalid_error_body` when a non-2xx body is not the SPEC envelope. */
  code: ErrorCode | (string & {});
  message: string;
  /** error.request_id, else the X-Request-Id header; undefined only when the provider sent neither. */
  request_id: string | undefined;
  param?: string;
  /** How long a 429 (or 503) asked us to wait, when it said so. */
  retryAfterMs?: number;
  /** Attempts made, retries included. */
  attempts: number;
  method: string;
  path: string;
}

/** A non-2xx answer the client did not retry, or the last one after retrying. */
export class ApiError extends JobsClientError {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly request_id: string | undefined;
  readonly param: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number;
  readonly method: string;
  readonly path: string;
  constructor(init: ApiErrorInit) {
    super(`${init.method} ${init.path}: ${init.status} ${init.code}: ${init.message}${init.request_id ? ` (request_id ${init.request_id})` : ''}`);
    this.status = init.status;
    this.code = init.code;
    this.request_id = init.request_id;
    this.param = init.param;
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts;
    this.method = init.method;
    this.path = init.path;
  }
  /** The provider's own message (Error.message adds method, path and request id). */
  get providerMessage(): string {
    return this.message.replace(/^[A-Z]+ \S+: \d+ \S+: /, '').replace(/ \(request_id [^)]*\)$/, '');
  }
}

/** No answer at all after every allowed attempt: connection refused or reset, or each attempt timed out. */
export class TransportError extends JobsClientError {
  override name = 'TransportError';
  constructor(readonly method: string, readonly path: string, readonly attempts: number, readonly reason: 'network' | 'timeout', options?: { cause?: unknown }) {
    super(`${method} ${path}: no response after ${attempts} attempt${attempts === 1 ? '' : 's'} (${reason === 'timeout' ? 'each timed out' : describeCause(options?.cause)})`, options);
  }
}

/** A 2xx whose body is not the JSON the spec promises. */
export class ResponseFormatError extends JobsClientError {
  override name = 'ResponseFormatError';
  constructor(readonly method: string, readonly path: string, readonly status: number, readonly request_id: string | undefined, detail: string) {
    super(`${method} ${path}: ${status} with a body that is not the expected JSON (${detail})`);
  }
}

/** The body breaks a rule of SPEC §1/§2 and was not sent (CLI-11). */
export class RequestValidationError extends JobsClientError {
  override name = 'RequestValidationError';
  constructor(readonly param: string, message: string, readonly rule: string) {
    super(`${param}: ${message} (${rule}; not sent)`);
  }
}

/** waitForJob saw the job fail (CLI-8): carries the job, its id and the error code. */
export class JobFailedError extends JobsClientError {
  override name = 'JobFailedError';
  readonly job_id: string;
  readonly code: string;
  constructor(readonly job: Job) {
    super(`job ${job.id} failed: ${job.error?.code ?? 'unknown'}: ${job.error?.message ?? 'no error detail'}`);
    this.job_id = job.id;
    this.code = job.error?.code ?? 'unknown';
  }
}

/** waitForJob gave up: the job was not terminal within the caller's timeout (CLI-6). */
export class JobTimeoutError extends JobsClientError {
  override name = 'JobTimeoutError';
  constructor(readonly job_id: string, readonly lastStatus: string | undefined, readonly waitedMs: number, readonly polls: number) {
    super(`job ${job_id} was still ${lastStatus ?? 'unknown'} after ${Math.round(waitedMs / 1000)} s (${polls} polls); gave up`);
  }
}

/** downloadOutput could not fetch the artifact. */
export class DownloadError extends JobsClientError {
  override name = 'DownloadError';
  constructor(readonly job_id: string, readonly status: number | undefined, detail: string) {
    super(`output of job ${job_id}: ${detail}`);
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return 'network error';
  const inner = cause.cause instanceof Error ? cause.cause : undefined;
  const code = (inner as (Error & { code?: string }) | undefined)?.code;
  return code ?? inner?.message ?? cause.message;
}

/** createClient was given options it cannot work with. */
export class ConfigError extends JobsClientError {
  override name = 'ConfigError';
}
