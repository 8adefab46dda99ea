/**
 * IDEM-1 keeps a key 24 h; a run cannot wait a day, but it can retry at its
 * end what it sent with a key at its start. The IDEM checks remember their
 * first keyed write here (in the RunSession), and idem.ttl, which runs last,
 * replays them: the run's own length, and --idempotency-probe-after, is the
 * window it proves.
 */
import { replayMismatch } from '../../contracts/replay.js';
import { broken } from './errors.js';
import { Client, type Reply } from './client.js';
import type { KeyRole, RunConfig } from './config.js';
import type { RunSession } from './session.js';
import { requireHeader } from './verdicts.js';

export interface KeyedWrite {
  /** The check that sent it, as the report names it. */
  check: string;
  path: string;
  body: unknown;
  idempotencyKey: string;
  key: KeyRole;
  /** Its first answer, served (2xx) and not itself a replay. */
  first: Reply;
}

/** A few replays prove the window; more would only cost requests. */
export const MAX_KEYED_WRITES = 4;

/** Keeps a served, original keyed write for the end-of-run replay; anything else proves nothing of a key's lifetime. */
export function rememberKeyedWrite(writes: KeyedWrite[], write: KeyedWrite): void {
  const { first } = write;
  if (first.status < 200 || first.status >= 300 || first.headers.get('idempotent-replayed') === 'true') return;
  if (writes.length < MAX_KEYED_WRITES) writes.push(write);
}

/**
 * idem.ttl's opening (the engine sends it before any check starts): a keyed
 * draft, the earliest write the end-of-run replay retries, so the window is the
 * whole run whatever order the other checks take. Why it was not kept, if it
 * was not, goes into the session for the check to report.
 */
export async function openingWrite(session: RunSession, body: unknown, idempotencyKey: string): Promise<void> {
  const client = new Client(session.recorder('idem.ttl', ['IDEM-1']), { retry429: true, signal: session.signal });
  try {
    const first = await client.post('/v1/jobs', body, { headers: { 'Idempotency-Key': idempotencyKey } });
    if (first.status < 200 || first.status >= 300) session.openingTrouble = `the keyed draft sent at the run's start answered ${first.status}`;
    rememberKeyedWrite(session.keyedWrites, { check: 'idem.ttl', path: '/v1/jobs', body, idempotencyKey, key: 'primary', first });
  } catch (err) {
    session.openingTrouble = `the keyed draft sent at the run's start got no answer: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Time kept back from the run deadline for the replays themselves. */
export const REPLAY_RESERVE_MS = 15_000;

export interface ProbeWait {
  /** How long to pause now, in ms. */
  waitMs: number;
  /** What the report says of the extra wait, when --idempotency-probe-after asked for one. */
  said: string | undefined;
}

/**
 * How long to wait before replaying: until `probeAfterS` after the earliest
 * first answer, cut by the run deadline (less REPLAY_RESERVE_MS). `now` is
 * performance.now() (replies' clock) and `epochNow` Date.now() (the deadline's).
 */
export function probeWait(config: Pick<RunConfig, 'deadlineAt' | 'idempotencyProbeAfterS'>, earliestAnsweredAt: number, now: number, epochNow: number): ProbeWait {
  const probeAfterS = config.idempotencyProbeAfterS ?? 0;
  const wanted = Math.max(0, earliestAnsweredAt + probeAfterS * 1000 - now);
  if (wanted === 0) return { waitMs: 0, said: undefined };
  const room = Math.max(0, config.deadlineAt - epochNow - REPLAY_RESERVE_MS);
  if (room >= wanted) return { waitMs: wanted, said: `waited ${secs(wanted)} more for --idempotency-probe-after ${probeAfterS}` };
  if (room === 0) return { waitMs: 0, said: `the extra wait of --idempotency-probe-after ${probeAfterS} was skipped: the run deadline (--max-duration) left no room for it` };
  return { waitMs: room, said: `the extra wait of --idempotency-probe-after ${probeAfterS} was cut to ${secs(room)} by the run deadline (--max-duration)` };
}

export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Sends a remembered write again with its key; returns how long after its first answer the retry went out. */
export async function replayWrite(client: Client, write: KeyedWrite): Promise<{ again: Reply; windowMs: number }> {
  const again = await client.post(write.path, write.body, { key: write.key, headers: { 'Idempotency-Key': write.idempotencyKey } });
  return { again, windowMs: Math.max(0, again.sentAt - write.first.doneAt) };
}

/**
 * IDEM-1 on a retry `windowMs` after the first answer (within 24 h): the first
 * response's status and body again, marked Idempotent-Replayed: true. A 429 or
 * 5xx says nothing of the key's lifetime: RATE-3's and ERR-3's, not judged here.
 */
export function judgeLateReplay(write: KeyedWrite, again: Reply, windowMs: number): void {
  const request = `POST ${write.path.replace(/\/v1\/jobs\/[^/]+\//, '/v1/jobs/{id}/')}`;
  const sent = write.check === 'idem.ttl' ? `the keyed draft sent at the run's start (${request})` : `${write.check}'s keyed ${request}`;
  const what = `${sent}, sent again ${secs(windowMs)} after its first answer`;
  if (again.status === 429) broken('RATE-3', `${what}, was still throttled (429) after waiting its Retry-After`);
  if (again.status >= 500) broken('ERR-3', `${what}, got ${again.status}`);
  const mismatch = replayMismatch(write.first, again);
  if (mismatch?.rule === 'OBS-2') broken('OBS-2', `${what}: ${mismatch.message}`);
  if (mismatch) broken('IDEM-1', `a retry within 24 h replays the first response; ${what}, was answered afresh: ${mismatch.message}`);
  requireHeader(again, 'Idempotent-Replayed', 'IDEM-1', `a retry within 24 h carries Idempotent-Replayed: true; ${what}`, 'true');
}
