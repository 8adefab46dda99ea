// IDEM: the seed's "retry same request and verify no duplicate side effects".
// Every effect is read back: the job, its history and the usage events.
import { describe, expect } from 'vitest';
import { chargesFor, createDraft, duringBurst, firstVideo, getJob, pollUntilTerminal, start, statusesOf } from './lib/api.js';
import { parseRetryAfter, sleep } from './lib/backoff.js';
import { check, fail } from './lib/check.js';

const idemKey = (label: string): string => `jobcert-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const withKey = (key: string) => ({ headers: { 'Idempotency-Key': key } });

describe('IDEM', () => {
  check('idem.replay-start', ['IDEM-1'], 'a retried start replays status and body with Idempotent-Replayed: true, one effect', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const key = idemKey('start');
    const body = { model: 'light', composition: { foreground: { scale: 1 } } };
    const first = await start(client, id, body, withKey(key));
    expect(first.status, 'first start').toBe(200);
    const again = await start(client, id, body, withKey(key));
    expect(again.status, 'replayed status').toBe(first.status);
    expect(again.json, 'replayed body').toEqual(first.json);
    expect(again.headers.get('idempotent-replayed'), 'Idempotent-Replayed on the retry').toBe('true');
    const job = (await getJob(client, id)).json;
    expect(statusesOf(job).filter((s) => s === 'processing'), 'processing transitions').toHaveLength(1);
    expect(await chargesFor(client, id), 'charge events').toHaveLength(1);
  });

  check('idem.replay-create', ['IDEM-1'], 'a retried create with a key makes one job', async ({ client, config }) => {
    const key = idemKey('create');
    const body = { video_url: firstVideo(config), auto_start: false };
    const before = (await client.get('/v1/jobs?limit=1')).json?.total as number;
    const a = await client.post('/v1/jobs', body, withKey(key));
    const b = await client.post('/v1/jobs', body, withKey(key));
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.json?.id, 'the retry names the same job').toBe(a.json?.id);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const after = (await client.get('/v1/jobs?limit=1')).json?.total as number;
    expect(after - before, 'jobs created by two identical requests').toBe(1);
  });

  check('idem.key-reused', ['IDEM-2'], 'the same key with another body or path → 422 idempotency_key_reused', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const other = await createDraft(client, config);
    const key = idemKey('reuse');
    expect((await start(client, id, { model: 'light' }, withKey(key))).status).toBe(200);
    const body = await start(client, id, { model: 'human' }, withKey(key));
    expect([body.status, body.json?.error?.code], 'another body').toEqual([422, 'idempotency_key_reused']);
    const path = await start(client, other, { model: 'light' }, withKey(key));
    expect([path.status, path.json?.error?.code], 'another path').toEqual([422, 'idempotency_key_reused']);
    expect((await getJob(client, other)).json?.status, 'the other job is untouched').toBe('created');
  });

  check('idem.concurrent', ['IDEM-3'], 'concurrent duplicates have one effect', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const key = idemKey('race');
    const replies = await Promise.all(Array.from({ length: 6 }, () => start(client, id, {}, withKey(key))));
    for (const r of replies) {
      const ok = r.status === 200 || (r.status === 409 && r.json?.error?.code === 'idempotency_in_progress');
      if (!ok) fail(`a concurrent duplicate got ${r.status} ${r.json?.error?.code ?? ''}; allowed: 200 (replay) or 409 idempotency_in_progress`);
    }
    expect(replies.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') !== 'true'), 'originals (not replays)').toHaveLength(1);
    expect(await chargesFor(client, id), 'charge events').toHaveLength(1);
  });

  check('idem.scoped-per-key', ['IDEM-4'], 'idempotency keys are scoped per API key', async ({ client, config }) => {
    const key = idemKey('scope');
    const body = { video_url: firstVideo(config), auto_start: false };
    const mine = await client.post('/v1/jobs', body, withKey(key));
    const theirs = await client.post('/v1/jobs', body, { ...withKey(key), key: 'alt' });
    expect([mine.status, theirs.status]).toEqual([200, 200]);
    expect(theirs.headers.get('idempotent-replayed'), 'the second account is not replayed the first one\'s response').not.toBe('true');
    expect(theirs.json?.id, 'a job of its own').not.toBe(mine.json?.id);
  }, { needs: ['alt'] });

  check('idem.no-key-restart', ['IDEM-5'], 'starting a processing or completed job → 409 job_not_startable, no charge', async ({ client, config }) => {
    const id = await createDraft(client, config);
    expect((await start(client, id)).status).toBe(200);
    const busy = await start(client, id);
    expect([busy.status, busy.json?.error?.code], 'restart while processing').toEqual([409, 'job_not_startable']);
    const done = await pollUntilTerminal(client, id, config.jobTimeoutS);
    if (done.job.status === 'completed') {
      const again = await start(client, id);
      expect([again.status, again.json?.error?.code], 'restart when completed').toEqual([409, 'job_not_startable']);
    }
    expect(await chargesFor(client, id), 'charge events').toHaveLength(1);
  }, { timeoutMs: 120_000 });

  check('idem.errors-not-stored', ['IDEM-6'], 'a 429 is not stored for replay', async ({ client, raw, config }) => {
    let throttled;
    let id = '';
    let key = '';
    for (let attempt = 0; attempt < 3 && !throttled; attempt++) {
      id = await createDraft(client, config);
      key = idemKey('after-429');
      const { probe } = await duringBurst(raw, () => start(raw, id, {}, withKey(key)));
      if (probe.status === 429) throttled = probe;
    }
    if (!throttled) throw new Error('no keyed start was throttled in 3 bursts of 40 requests; the probe could not run');
    await sleep(Math.min(16_000, Math.max(1000, parseRetryAfter(throttled.headers.get('retry-after')) ?? 1000)));
    // No automatic 429 retry here: a replayed 429 is exactly what this check looks for.
    const retry = await start(raw, id, {}, withKey(key));
    expect(retry.status, 'the retry after the wait runs (a stored 429 would replay)').toBe(200);
    expect(retry.headers.get('idempotent-replayed')).not.toBe('true');
  }, { timeoutMs: 90_000 });
});
