// IDEM: the seed's "retry same request and verify no duplicate side effects".
// Every effect is read back: the job, its history and the usage events.
import { chargesFor, createDraft, settledCharges, errorOf, expectOutcome, expectServed, firstVideo, pollUntilTerminal, readJob, start, statusesOf } from './lib/api.js';
import { broken, suite, fail } from './lib/check.js';
import { jsonIfUsable } from './lib/client.js';
import { judgeLateReplay, openingWrite, probeWait, rememberKeyedWrite, replayWrite, secs, type KeyedWrite } from './lib/keyed-writes.js';
import { NotJudged } from './lib/errors.js';
import { isReplayOf, noDraft } from './lib/rate/episode.js';
import { requireCount, requireEqual, requireHeader, requireStatus, requireThat, shown } from './lib/verdicts.js';

const idemKey = (label: string): string => `jobcert-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });

export const IDEM = suite('IDEM', (check, config) => {
  check('idem.replay-start', ['IDEM-1'], 'a retried start replays status and body with Idempotent-Replayed: true, one effect', async ({ client, config, session }) => {
    const id = await createDraft(client, config);
    const key = idemKey('start');
    const body = { model: 'light', composition: { foreground: { scale: 1 } } };
    const first = await start(client, id, body, withKey(key));
    expectServed(first, 'the first start');
    rememberKeyedWrite(session.keyedWrites, { check: 'idem.replay-start', path: `/v1/jobs/${encodeURIComponent(id)}/start`, body, idempotencyKey: key, key: 'primary', first });
    const again = await start(client, id, body, withKey(key));
    requireEqual(again.status, first.status, 'IDEM-1', 'a retried start is replayed with the same status', 'the original was');
    requireEqual(again.json, first.json, 'IDEM-1', "a retried start is replayed with the first response's body", 'the original was');
    requireHeader(again, 'Idempotent-Replayed', 'IDEM-1', 'a replay carries Idempotent-Replayed: true', 'true');
    const job = await readJob(client, id);
    const processing = statusesOf(job).filter((s) => s === 'processing').length;
    if (processing === 0) broken('LIFE-1', `job ${id} was started, yet its history has no processing transition (${statusesOf(job).join(' → ')})`);
    requireThat(processing === 1, 'IDEM-1', 'a start and its replay start the job once: one processing transition in its history', `got ${processing}: ${statusesOf(job).join(' → ')}`);
    const charges = await settledCharges(client, id, config.jobTimeoutS);
    if (charges.length !== 1) fail(`IDEM-1 requires that a replay makes no charge: a start and its replay left ${charges.length} charge events on job ${id} once its run ended`);
  }, { timeoutMs: 120_000 });

  // Counts the key's jobs, so it runs alone on the primary key.
  check('idem.replay-create', ['IDEM-1'], 'a retried create with a key makes one job', async ({ client, config, session }) => {
    const key = idemKey('create');
    const body = { video_url: firstVideo(config), auto_start: false };
    const total = async (): Promise<number> => {
      const r = await client.get('/v1/jobs?limit=1');
      expectServed(r, 'GET /v1/jobs');
      return r.json?.total as number;
    };
    const before = await total();
    const a = await client.post('/v1/jobs', body, withKey(key));
    expectServed(a, 'the first create');
    rememberKeyedWrite(session.keyedWrites, { check: 'idem.replay-create', path: '/v1/jobs', body, idempotencyKey: key, key: 'primary', first: a });
    const b = await client.post('/v1/jobs', body, withKey(key));
    requireStatus(b, 200, 'IDEM-1', "a retried create is replayed with the first response's status, 200");
    requireEqual(b.json?.id, a.json?.id, 'IDEM-1', 'a retried create is replayed with the same job id', 'the original named');
    requireHeader(b, 'Idempotent-Replayed', 'IDEM-1', 'a replay carries Idempotent-Replayed: true', 'true');
    const after = await total();
    requireThat(after - before === 1, 'IDEM-1', 'two identical creates with one Idempotency-Key make one job', `the key's job total went from ${before} to ${after}`);
  }, { exclusive: ['primary'] });

  // Runs last: a keyed draft sent before any check (its opening) and the keyed writes of the checks above, sent
  // again once the rest of the run (and --idempotency-probe-after) is behind them, must still be replays.
  const ttlBody = { video_url: firstVideo(config), auto_start: false };
  check('idem.ttl', ['IDEM-1'], 'a keyed write retried at the end of the run, within 24 h, is still replayed', async ({ client, config, session, recorder, note }) => {
    const writes: KeyedWrite[] = [...session.keyedWrites];
    for (const w of writes) if (w.check === 'idem.ttl') recorder.exchanges.push(w.first.exchange);
    if (writes.length === 0) throw new NotJudged(`not judged: no keyed write of this run was served to replay (${session.openingTrouble ?? 'the opening write was not sent'}; idem.replay-create and idem.replay-start kept none)`);
    const earliest = Math.min(...writes.map((w) => w.first.doneAt));
    const wait = probeWait(config, earliest, performance.now(), Date.now());
    if (wait.waitMs > 0) await client.pause(wait.waitMs);
    const windows: number[] = [];
    for (const write of writes) {
      const { again, windowMs } = await replayWrite(client, write);
      judgeLateReplay(write, again, windowMs);
      windows.push(windowMs);
    }
    note(`${writes.length} keyed write${writes.length === 1 ? '' : 's'} (${[...new Set(writes.map((w) => w.check))].join(', ')}) replayed ${windows.map(secs).join(', ')} after their first answers: keys lived at least ${secs(Math.max(...windows))} (IDEM-1 promises 24 h; the run's length is the floor${wait.said ? `; ${wait.said}` : ''})`);
  }, { runsLast: true, opening: (session) => openingWrite(session, ttlBody, idemKey('ttl')), timeoutMs: 60_000 + (config.idempotencyProbeAfterS ?? 0) * 1000 });

  check('idem.key-reused', ['IDEM-2'], 'the same key with another body or path → 422 idempotency_key_reused', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const other = await createDraft(client, config);
    const key = idemKey('reuse');
    expectServed(await start(client, id, { model: 'light' }, withKey(key)), 'the first start');
    expectOutcome(await start(client, id, { model: 'human' }, withKey(key)), { status: 422, code: 'idempotency_key_reused' }, 'IDEM-2', 'another body');
    expectOutcome(await start(client, other, { model: 'light' }, withKey(key)), { status: 422, code: 'idempotency_key_reused' }, 'IDEM-2', 'another path');
    requireEqual((await readJob(client, other)).status, 'created', 'IDEM-2', 'the same key on another path gets 422 idempotency_key_reused and does not start that job: it stays created');
  });

  check('idem.concurrent', ['IDEM-3'], 'concurrent duplicates have one effect', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const key = idemKey('race');
    // Past the gate's pacing, so the six really are concurrent; one that is throttled is retried after its Retry-After
    // (a throttled duplicate must have had no effect, RATE-5: the check re-judges a failure if this provider breaks that).
    const raced = await Promise.all(Array.from({ length: 6 }, () => start(client, id, {}, { ...withKey(key), bypassGate: true })));
    // A duplicate still throttled after its retries (six at once can keep a small bucket empty) says nothing of IDEM-3:
    // it is sent again through the key's gate, which waits its turn; one throttled even then is RATE-3's, not judged here.
    const replies: typeof raced = [];
    for (const r of raced) replies.push(r.status === 429 ? await start(client, id, {}, withKey(key)) : r);
    const stuck = replies.find((r) => r.status === 429);
    if (stuck) broken('RATE-3', `a duplicate start was still throttled (429) after waiting its turn at the key's gate: ${stuck.requestId ?? ''}`);
    const charges = await settledCharges(client, id, config.jobTimeoutS);
    for (const r of replies) {
      if (r.status === 409) requireEqual(errorOf(r).code, 'idempotency_in_progress', 'IDEM-3', 'a concurrent duplicate that is not a replay gets 409 idempotency_in_progress');
      else if (r.status !== 200) fail(`a concurrent duplicate got ${r.status} ${jsonIfUsable(r)?.error?.code ?? ''}; allowed: 200 (replay) or 409 idempotency_in_progress`);
    }
    const originals = replies.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') !== 'true');
    requireCount(originals.map((r) => r.requestId), 1, 'IDEM-3', 'concurrent requests with the same key have one effect: one is served as the original, the others replay it (Idempotent-Replayed: true) or get 409', 'originals (their request ids)');
    if (charges.length !== 1) fail(`IDEM-3 requires one effect for concurrent duplicates: job ${id} has ${charges.length} charge events once its run ended`);
  }, { timeoutMs: 120_000 });

  check('idem.scoped-per-key', ['IDEM-4'], 'idempotency keys are scoped per API key', async ({ client, config }) => {
    const key = idemKey('scope');
    const body = { video_url: firstVideo(config), auto_start: false };
    const mine = await client.post('/v1/jobs', body, withKey(key));
    const theirs = await client.post('/v1/jobs', body, { ...withKey(key), key: 'alt' });
    expectServed(mine, 'create with the primary key');
    expectServed(theirs, 'create with the second key and the same Idempotency-Key');
    requireThat(theirs.headers.get('idempotent-replayed') !== 'true', 'IDEM-4', "idempotency keys are scoped per API key: another key's create with the same Idempotency-Key is not a replay", 'got Idempotent-Replayed: "true"');
    requireThat(theirs.json?.id !== mine.json?.id, 'IDEM-4', "idempotency keys are scoped per API key: another key's create with the same Idempotency-Key makes a job of its own", `got the primary key's job ${shown(mine.json?.id)}`);
  }, { needs: ['alt'] });

  check('idem.no-key-restart', ['IDEM-5'], 'starting a processing or completed job → 409 job_not_startable, no charge', async ({ client, config, note }) => {
    const id = await createDraft(client, config);
    expectServed(await start(client, id), 'the first start');
    expectOutcome(await start(client, id), { status: 409, code: 'job_not_startable' }, 'IDEM-5', 'restart while processing (or already completed)');
    const done = await pollUntilTerminal(client, id, config.jobTimeoutS);
    if (done.job.status === 'completed') {
      expectOutcome(await start(client, id), { status: 409, code: 'job_not_startable' }, 'IDEM-5', 'restart when completed');
    } else {
      // A failed job may be started again (LIFE-1): the completed half has nothing to judge, and the report says so.
      note(`not judged: a restart of a completed job (job ${id} ended ${String(done.job.status)}, not completed; give a --video-url that completes)`);
    }
    requireCount(await chargesFor(client, id), 1, 'IDEM-5', 'a job is charged once per start from created: a restart that gets 409 job_not_startable charges nothing', 'charge events');
  }, { timeoutMs: 120_000 });

  check('idem.errors-not-stored', ['IDEM-6'], 'a 429 is not stored for replay', async ({ episode, recorder, note }) => {
    if (!episode?.throttled) broken('RATE-1', 'the primary key was never throttled, so no keyed start could be');
    const keyed = episode.keyedStart;
    if (!keyed) throw noDraft(episode);
    recorder.exchanges.push(keyed.draft.exchange, keyed.probe.exchange, ...(keyed.retry ? [keyed.retry.exchange] : []));
    if (keyed.probe.status !== 429) throw new Error(`no keyed start was throttled in ${episode.floods} flood(s) of the primary key (the last answered ${keyed.probe.status}); IDEM-6 could not be probed`);
    if (!keyed.retry) broken('RATE-3', 'the primary key did not recover, so the keyed start could not be retried');
    const retry = keyed.retry;
    const waits = keyed.waits ?? 0;
    note(`a keyed start was throttled, then retried with the same Idempotency-Key after the wait (${retry.status}${waits ? `, after waiting out ${waits} more fresh 429${waits === 1 ? '' : 's'} on the busy key` : ''})`);
    if (isReplayOf(retry, keyed.probe)) fail(`IDEM-6 requires that a 429 is not stored for replay; the retry with the same Idempotency-Key after the wait was answered from the stored 429 (${retry.status}, Idempotent-Replayed ${retry.headers.get('idempotent-replayed') ?? 'absent'})`);
    // The episode holds the key alone: a key that answers only fresh 429s after each of these waits does not recover (RATE-3).
    if (retry.status === 429) broken('RATE-3', `the retry was throttled afresh ${waits + 1} times, each after waiting its Retry-After with nothing else on the key (request ${retry.requestId ?? '?'})`);
    if (retry.status === 409 && retry.json?.error?.code === 'job_not_startable') broken('RATE-5', 'the throttled keyed start had already started the job, so its retry found it not startable');
    requireStatus(retry, 200, 'IDEM-6', 'a 429 is not stored for replay: the keyed start retried after its Retry-After runs (200)');
  }, { pressure: true });
});
