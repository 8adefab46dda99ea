/**
 * The reference client of the v1 Jobs API: `import { createClient } from 'jobcert/client'`.
 * See README.md ("Reference client") and SPEC.md §4 for the rules it keeps.
 */
export { createClient, DEFAULT_RETRY, type CallOptions, type ClientOptions, type JobsClient, type PostOptions } from './client.js';
export { ApiError, ConfigError, DownloadError, JobFailedError, JobTimeoutError, JobsClientError, RequestValidationError, ResponseFormatError, TransportError, type ErrorCode } from './errors.js';
export { systemClock, type Clock } from './clock.js';
export { createRateGate, type RateGate } from './rate-gate.js';
export { parseRetryAfter } from './retry-after.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
export { jsonLinesLogger, silentLogger, type LogEvent, type LogEventName, type Logger, type LogLevel } from './logger.js';
export { MAX_WAIT_MS, type WaitOptions } from './polling.js';
export type { Download, DownloadOptions } from './download.js';
export type { FetchLike, RetryPolicy } from './transport.js';
export type * from './types.js';
