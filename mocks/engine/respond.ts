/** Response builders; the error envelope (ERR-1, ERR-2, OBS-2) is made in one place. */
import { STATUS_OF } from '../../contracts/errors.js';
import type { ErrorCode } from '../../contracts/schemas.js';
import type { FaultName } from './faults.js';
import type { MockResponse } from './types.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

export function json(status: number, body: unknown, headers?: Record<string, string>): MockResponse {
  const all: Record<string, string> = { 'content-type': JSON_TYPE };
  if (headers) Object.assign(all, headers);
  return { status, headers: all, body: JSON.stringify(body) };
}

export interface ErrorSpec { code: ErrorCode; message: string; param?: string; headers?: Record<string, string> }

export function errorResponse(spec: ErrorSpec, requestId: string, faults: ReadonlySet<FaultName>): MockResponse {
  const status = STATUS_OF[spec.code];
  const code = faults.has('err-wrong-codes') && spec.code === 'not_found' ? 'job_not_found' : spec.code;
  const bodyId = faults.has('obs-error-id-mismatch') ? `${requestId}-body` : requestId;
  const error: Record<string, string> = { code, message: spec.message, request_id: bodyId };
  if (spec.param !== undefined && !faults.has('val-no-param')) error.param = spec.param;
  if (faults.has('err-plain-text-errors')) {
    return { status, headers: Object.assign({ 'content-type': 'text/plain; charset=utf-8' }, spec.headers), body: `${code}: ${spec.message}` };
  }
  return json(status, { error }, spec.headers);
}
