/**
 * One recorded HTTP exchange, HAR-like with keys redacted: the evidence every
 * stage files under its checks (the suites' client, the load recorder, the
 * pact session, onboarding's traffic), and the curl command that replays it.
 *
 * suites/lib/client.ts and suites/lib/config.ts still declare their own twins
 * of these; tests/contracts/layering.test.ts holds the two equal until the
 * suites import them from here.
 */
import type { Violation } from '../contracts/conformance.js';

/** What the transport did when no response came: the report's transport section counts these. */
export type TransportFailure = 'refused' | 'reset' | 'timeout' | 'protocol' | 'other';

export type KeyRole = 'primary' | 'alt' | 'broke';

/** The environment variable a repro command uses for each key, so no key is ever written out. */
export const KEY_ENV: Record<KeyRole, string> = { primary: 'JOBCERT_API_KEY', alt: 'JOBCERT_ALT_API_KEY', broke: 'JOBCERT_BROKE_API_KEY' };

export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body: string; truncated?: boolean } | null;
  error?: string;
  transport?: TransportFailure;
  started_at: string;
  time_ms: number;
  request_id?: string;
  key: KeyRole | 'none' | 'custom';
  /** Spec violations of this response (SCHEMA family). */
  violations: Violation[];
  operation?: string;
  /** How the harness's transport handled this exchange beyond the ordinary (a resend, and why). */
  note?: string;
}

/** A curl command reproducing an exchange, with the key as an environment variable. */
export function curlFor(exchange: Exchange): string {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = ['curl', '-sS', '-i', '-X', exchange.request.method, q(exchange.request.url)];
  for (const [k, v] of Object.entries(exchange.request.headers)) {
    if (k === 'accept') continue;
    if (k === 'x-api-key' && exchange.key !== 'none' && exchange.key !== 'custom') parts.push('-H', `"X-Api-Key: $${KEY_ENV[exchange.key]}"`);
    else parts.push('-H', q(`${k}: ${v}`));
  }
  if (exchange.request.body !== undefined) parts.push('--data-binary', q(exchange.request.body));
  return parts.join(' ');
}

/** The request ids an exchange list carries, in order: what a check's `request_ids` holds. */
export const requestIdsOf = (evidence: readonly Exchange[]): string[] => evidence.flatMap((e) => (e.request_id ? [e.request_id] : []));
