/**
 * What the consumer pacts and the provider verification agree on: the
 * pacticipant names, where the pacts live, the provider states, and the
 * placeholder keys the pacts carry instead of real ones (the verification's
 * request filter swaps them for the keys it was given; no key is ever written
 * to a pact or a report).
 */
import { fileURLToPath } from 'node:url';

export const CONSUMER = 'jobcert-reference-client';
export const PROVIDER = 'jobs-api-v1';
export const PACTS_DIR = fileURLToPath(new URL('../contracts/pacts/', import.meta.url));
export const PACT_FILE = `${CONSUMER}-${PROVIDER}.json`;

export const PLACEHOLDER_KEYS = {
  primary: 'jobcert-pact-placeholder-primary-key',
  broke: 'jobcert-pact-placeholder-zero-credit-key',
} as const;
/**
 * The example Idempotency-Key of the pacts. A client mints a fresh key per
 * request; the verifier would send this one example every time (and meet
 * IDEM-2), so the request filter replaces it with a fresh key per interaction.
 */
export const EXAMPLE_IDEMPOTENCY_KEY = '5f0c6f8e-2a71-4d5e-9a43-0b7f1e6c2d11';
/** Sent as is: a key no provider issues (AUTH-2). */
export const INVALID_KEY = 'jc_invalid_key_for_pact_0000';

/** Provider states, set up through the public API only (pact/provider-states.ts). */
export const STATES = {
  video: 'a processable source video',
  draft: 'a draft job exists',
  mp4Draft: 'a draft job with output_format mp4 and a color background exists',
  started: 'a started job exists',
  completed: 'a completed job exists',
  failed: 'a failed job exists',
  brokeDraft: 'a draft job of the zero-credit account exists',
  keyUsed: 'a job was started with an Idempotency-Key',
  throttled: 'the rate limit of the key is exhausted',
} as const;
export type StateName = (typeof STATES)[keyof typeof STATES];

/** Pact's telemetry would leave the machine; jobcert never lets it (tests send traffic only to loopback). */
export function disablePactTelemetry(): void {
  process.env.PACT_DO_NOT_TRACK ??= 'true';
}

/** Interaction descriptions become check ids: `pact.<slug>`. */
export function slug(description: string): string {
  return description.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Rule IDs are written into each interaction as a comment `rules: AUTH-2 ERR-1`. */
export const RULES_COMMENT = /^rules: (.*)$/;
