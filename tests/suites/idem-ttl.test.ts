// IDEM-1 keeps a key 24 h: idem.ttl replays the run's keyed writes at its end
// (suites/lib/keyed-writes.ts). What it keeps, how long it waits for
// --idempotency-probe-after within the run deadline (and what the report then
// says), and the flag itself: a non-negative number of seconds, else a usage error.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../scripts/cli-errors.js';
import { resolveOptions } from '../../scripts/certify/options.js';
import type { Reply } from '../../suites/lib/client.js';
import { judgeLateReplay, MAX_KEYED_WRITES, probeWait, REPLAY_RESERVE_MS, rememberKeyedWrite, type KeyedWrite } from '../../suites/lib/keyed-writes.js';
import { CheckFailure, RuleBroken } from '../../suites/lib/errors.js';

const reply = (status: number, headers: Record<string, string> = {}): Reply => ({ status, headers: new Headers(headers), doneAt: 0 }) as Reply;
const write = (first: Reply): KeyedWrite => ({ check: 'idem.replay-create', path: '/v1/jobs', body: {}, idempotencyKey: 'k', key: 'primary', first });

describe('idem.ttl (IDEM-1: keys live 24 h)', () => {
  it('keeps only served originals, a few of them: a replay or an error proves nothing of a key\'s lifetime', () => {
    const kept: KeyedWrite[] = [];
    rememberKeyedWrite(kept, write(reply(409)));
    rememberKeyedWrite(kept, write(reply(200, { 'idempotent-replayed': 'true' })));
    for (let i = 0; i < MAX_KEYED_WRITES + 2; i++) rememberKeyedWrite(kept, write(reply(200)));
    expect(kept).toHaveLength(MAX_KEYED_WRITES);
  });

  it('judges the late retry as IDEM-1 words it: the first status and body again, Idempotent-Replayed: true; a 429 is RATE-3\'s', () => {
    const answer = (status: number, json: unknown, requestId: string, headers: Record<string, string> = {}): Reply => ({ status, json, requestId, headers: new Headers(headers), doneAt: 0 }) as Reply;
    const first = answer(200, { success: true, id: 'job_1', status: 'created' }, 'req_1');
    const opening: KeyedWrite = { ...write(first), check: 'idem.ttl' };
    expect(() => judgeLateReplay(opening, answer(200, { status: 'created', id: 'job_1', success: true }, 'req_9', { 'idempotent-replayed': 'true' }), 42_000)).not.toThrow();
    const fresh = (): void => judgeLateReplay(opening, answer(200, { success: true, id: 'job_2', status: 'created' }, 'req_9'), 42_000);
    expect(fresh).toThrow(RuleBroken);
    expect(fresh).toThrow(/^a retry within 24 h replays the first response; the keyed draft sent at the run's start \(POST \/v1\/jobs\), sent again 42\.0 s after its first answer, was answered afresh: the replay's body/);
    expect(() => judgeLateReplay(opening, answer(200, first.json, 'req_9'), 42_000)).toThrow(CheckFailure);
    const start: KeyedWrite = { ...write(first), check: 'idem.replay-start', path: '/v1/jobs/job_1/start' };
    const throttled = (): void => judgeLateReplay(start, answer(429, {}, 'req_9'), 1000);
    expect(throttled).toThrow(/idem\.replay-start's keyed POST \/v1\/jobs\/\{id\}\/start, sent again 1\.0 s after its first answer, was still throttled/);
    try { throttled(); } catch (err) { expect((err as RuleBroken).rule).toBe('RATE-3'); }
  });

  it('waits until --idempotency-probe-after past the first answer, cut (and said) by the run deadline', () => {
    const epoch = 1_000_000;
    const at = (probeAfterS: number, deadlineInMs: number) => probeWait({ idempotencyProbeAfterS: probeAfterS, deadlineAt: epoch + deadlineInMs }, 0, 30_000, epoch);
    // The first answer came 30 s ago: 0 asks nothing, 20 is already behind, 120 leaves 90 s to wait.
    expect(at(0, 600_000)).toEqual({ waitMs: 0, said: undefined });
    expect(at(20, 600_000)).toEqual({ waitMs: 0, said: undefined });
    expect(at(120, 600_000)).toEqual({ waitMs: 90_000, said: 'waited 90.0 s more for --idempotency-probe-after 120' });
    expect(at(120, 60_000 + REPLAY_RESERVE_MS)).toEqual({ waitMs: 60_000, said: 'the extra wait of --idempotency-probe-after 120 was cut to 60.0 s by the run deadline (--max-duration)' });
    expect(at(120, REPLAY_RESERVE_MS - 1)).toEqual({ waitMs: 0, said: 'the extra wait of --idempotency-probe-after 120 was skipped: the run deadline (--max-duration) left no room for it' });
  });

  it('--idempotency-probe-after: 0 quick and 120 full by default; a non-negative number of seconds, else a usage error naming its source', () => {
    expect(resolveOptions({}, {}).run.idempotencyProbeAfterS).toBe(0);
    expect(resolveOptions({ profile: 'full' }, {}).run.idempotencyProbeAfterS).toBe(120);
    expect(resolveOptions({ idempotencyProbeAfter: '2.5' }, {}).run.idempotencyProbeAfterS).toBe(2.5);
    expect(resolveOptions({}, { JOBCERT_IDEMPOTENCY_PROBE_AFTER: '30' }).run.idempotencyProbeAfterS).toBe(30);
    for (const bad of ['-1', 'soon', '1e3', '90000']) {
      expect(() => resolveOptions({ idempotencyProbeAfter: bad }, {}), bad).toThrow(UsageError);
      expect(() => resolveOptions({ idempotencyProbeAfter: bad }, {}), bad).toThrow(/^--idempotency-probe-after must be a number from 0 to 86400, got "/);
    }
    expect(() => resolveOptions({}, { JOBCERT_IDEMPOTENCY_PROBE_AFTER: '-5' })).toThrow(/^JOBCERT_IDEMPOTENCY_PROBE_AFTER must be a number from 0 to 86400/);
  });
});
