/**
 * The idempotency store (IDEM-1..4, IDEM-6): per (scope, key) the request
 * fingerprint and, once done, the response to replay for 24 h. The engine
 * stores 2xx responses, and 4xx other than 429 only under the
 * `idem-stores-4xx` variant (IDEM-1 allows either); 5xx and 429 never
 * (IDEM-6).
 */
import { canonicalJson } from '../../contracts/replay.js';
import type { Clock, MockResponse } from './types.js';

/** IDEM-1: a key replays for 24 h. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * The idem-short-ttl fault's key lifetime unless the engine is given another (EngineOptions.faultIdempotencyTtlMs):
 * long enough for a retry sent at once to replay, shorter than the quickest run of the IDEM-1 checks alone
 * (idem.replay-start waits out its job's 300 ms of processing before idem.ttl replays).
 */
export const DEFAULT_FAULT_IDEMPOTENCY_TTL_MS = 150;

type Entry =
  | { state: 'in_progress'; fingerprint: string; expiresAt: number }
  | { state: 'done'; fingerprint: string; expiresAt: number; response: MockResponse; readyAt: number };

export type Lookup =
  | { kind: 'new' }
  | { kind: 'replay'; response: MockResponse }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  /** `ttlMs`: how long a key lives; shorter only under the idem-short-ttl fault. */
  constructor(private readonly clock: Clock, private readonly maxEntries = 100_000, private readonly ttlMs = IDEMPOTENCY_TTL_MS) {}

  lookup(scope: string, key: string, fingerprint: string): Lookup {
    const id = `${scope}\u0000${key}`;
    const entry = this.entries.get(id);
    if (!entry || entry.expiresAt <= this.clock.now()) {
      if (entry) this.entries.delete(id);
      return { kind: 'new' };
    }
    if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
    return entry.state === 'done' && entry.readyAt <= this.clock.now() ? { kind: 'replay', response: entry.response } : { kind: 'in_progress' };
  }

  begin(scope: string, key: string, fingerprint: string): void {
    this.set(`${scope}\u0000${key}`, { state: 'in_progress', fingerprint, expiresAt: this.clock.now() + this.ttlMs });
  }

  /** `holdMs`: the entry stays in progress this much longer (the original's answer is still on its way). */
  finish(scope: string, key: string, fingerprint: string, response: MockResponse | null, holdMs = 0): void {
    const id = `${scope}\u0000${key}`;
    const now = this.clock.now();
    if (response === null) this.entries.delete(id);
    else this.set(id, { state: 'done', fingerprint, expiresAt: now + this.ttlMs, response, readyAt: now + holdMs });
  }

  private set(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    // Bounded memory: a long-running mock forgets the oldest keys first (Map keeps insertion order).
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

/** A body fingerprint that ignores key order and white space when the body is JSON. */
export function fingerprint(method: string, path: string, body: unknown, raw: string): string {
  return `${method} ${path} ${body === undefined ? raw : canonicalJson(body)}`;
}
