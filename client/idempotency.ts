/**
 * Idempotency-Key (CLI-4, CLI-5): one key per logical POST, minted before the
 * first attempt; the transport resends it unchanged on every retry. A caller
 * that retries a whole call itself (after a TransportError) passes the same key
 * again, so the provider replays instead of starting twice.
 */
import { randomUUID } from 'node:crypto';
import { RequestValidationError } from './errors.js';

/** The spec's IdempotencyKey: 1–255 printable ASCII, no leading or trailing space. */
const KEY = /^[!-~]([ -~]{0,253}[!-~])?$/;

export const newIdempotencyKey = (): string => randomUUID();

export function checkIdempotencyKey(key: string): string {
  if (!KEY.test(key)) throw new RequestValidationError('Idempotency-Key', 'must be 1–255 printable ASCII characters without leading or trailing spaces', 'CLI-5');
  return key;
}
