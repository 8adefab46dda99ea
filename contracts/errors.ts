/**
 * ERR-2 as data: the status each error code comes with. A contract fact, so the
 * mock answers with it and the suites judge with it; tests/contracts/spec.test.ts
 * checks it against the ERR-2 line of SPEC.md.
 */
import type { ErrorCode } from './schemas.js';

export const STATUS_OF: Record<ErrorCode, number> = {
  invalid_request: 400, missing_api_key: 401, invalid_api_key: 401, insufficient_credits: 402, not_found: 404,
  job_not_startable: 409, idempotency_in_progress: 409, unsupported_media_type: 415, unsupported_combination: 422,
  idempotency_key_reused: 422, rate_limited: 429, internal_error: 500, timeout: 504,
};

export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(STATUS_OF, code);
