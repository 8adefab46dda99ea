/** Turns raw body bytes into a JSON object or the ERR-3 error it deserves (never a 5xx). */
import type { ErrorSpec } from './respond.js';
import type { MockRequest } from './types.js';

export const BODY_LIMIT_BYTES = 64 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export type ParsedBody = { ok: true; value: unknown; raw: string } | { ok: false; error: ErrorSpec; internal?: boolean };

function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/** An empty body stands for `{}`: start takes every field as optional. */
export function parseJsonBody(req: MockRequest, fault415as400: boolean, fault500onBadJson: boolean): ParsedBody {
  if (req.bodyTooLarge || (req.body && req.body.byteLength > BODY_LIMIT_BYTES)) {
    return { ok: false, error: { code: 'invalid_request', message: `request body exceeds ${BODY_LIMIT_BYTES} bytes` } };
  }
  const bytes = req.body ?? new Uint8Array(0);
  if (bytes.byteLength === 0) return { ok: true, value: {}, raw: '' };
  if (!isJsonType(req.headers['content-type'])) {
    const message = `Content-Type must be application/json, not ${req.headers['content-type'] ?? 'missing'}`;
    return { ok: false, error: fault415as400 ? { code: 'invalid_request', message } : { code: 'unsupported_media_type', message } };
  }
  let raw: string;
  try {
    raw = utf8.decode(bytes);
  } catch {
    return { ok: false, error: { code: 'invalid_request', message: 'request body is not valid UTF-8' } };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    if (fault500onBadJson) return { ok: false, internal: true, error: { code: 'internal_error', message: 'Unexpected token in JSON' } };
    return { ok: false, error: { code: 'invalid_request', message: `malformed JSON: ${err instanceof Error ? err.message : 'parse error'}` } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: { code: 'invalid_request', message: 'request body must be a JSON object' } };
  }
  return { ok: true, value, raw };
}
