// OBS: the seed's "confirm request_id/job_id appears in logs and dashboards".
import { bodyPreview, createDraft, errorOf, expectServed, getJob, historyEntry, missingJobId, readJob, start } from './lib/api.js';
import { broken, suite } from './lib/check.js';
import type { Reply } from './lib/client.js';
import { logLinesFor } from './lib/logs.js';
import { requireCount, requireEqual, requireThat } from './lib/verdicts.js';

export const OBS = suite('OBS', (check, config) => {
  check('obs.request-id-everywhere', ['OBS-1'], 'X-Request-Id on 2xx, 4xx, unknown routes and 429', async ({ client, config, rate, note }) => {
    const id = await createDraft(client, config);
    const replies: [string, Reply][] = [
      ['2xx', await getJob(client, id)],
      ['400', await start(client, id, { model: 'not-a-model' })],
      ['401', await client.get('/v1/jobs', { key: 'none' })],
      ['404 job', await client.get(`/v1/jobs/${encodeURIComponent(missingJobId(id))}`)],
      ['404 route', await client.get('/v1/no-such-route')],
      ['health', await client.get('/health', { key: 'none' })],
    ];
    for (const [label, r] of replies) requireThat(Boolean(r.requestId), 'OBS-1', `every response carries X-Request-Id, errors and unknown routes included (${label}: ${r.exchange.request.method} ${r.exchange.request.url} → ${r.status})`, 'the response has none');
    // The 429 class: every 429 the rate-limit discovery provoked (its exchanges are under rate.burst).
    const throttled = rate!.throttled;
    if (throttled.length === 0) broken('RATE-1', 'the rate-limit discovery provoked no 429, so the 429 class was not observed');
    const without = throttled.filter((r) => !r.requestId);
    note(`${throttled.length} 429 responses of the rate-limit discovery checked`);
    requireCount(without.map((r) => `${r.exchange.request.method} ${r.exchange.request.url}`), 0, 'OBS-1', `every response carries X-Request-Id, 429s included (${throttled.length} 429s of the rate-limit discovery)`, '429s without one');
  }, { rate: true });

  check('obs.request-id-unique', ['OBS-1'], 'request ids are unique per request', async ({ client, recorder }) => {
    // Keyless requests (/health, and 401s), so the check costs the rate limit nothing; the run-wide check covers the rest.
    await Promise.all(Array.from({ length: 12 }, () => client.get('/health', { key: 'none' })));
    for (let i = 0; i < 12; i++) await client.get('/v1/jobs?limit=1', { key: 'none' });
    const ids = recorder.exchanges.map((e) => e.request_id).filter((x): x is string => typeof x === 'string');
    const dupes = ids.filter((x, i) => ids.indexOf(x) !== i);
    requireCount([...new Set(dupes)], 0, 'OBS-1', 'X-Request-Id is unique per request', 'request ids seen more than once');
    requireThat(ids.length >= 24, 'OBS-1', 'every response carries X-Request-Id: 24 requests were sent', `got ${ids.length} request ids`);
  });

  check('obs.error-request-id', ['OBS-2'], "an error body's request_id equals its X-Request-Id", async ({ client, config }) => {
    const id = await createDraft(client, config);
    const errors = [
      await client.post('/v1/jobs', {}), await client.get('/v1/jobs', { key: 'none' }), await client.get(`/v1/jobs/${encodeURIComponent(missingJobId(id))}`),
      await start(client, id, { model: 'not-a-model' }), await client.get('/v1/no-such-route'),
    ];
    for (const r of errors) {
      if (r.status < 400) broken('ERR-3', `${r.exchange.request.method} ${r.exchange.request.url} is invalid, yet answered ${r.status}`);
      requireEqual(errorOf(r).request_id, r.requestId, 'OBS-2', `an error body's request_id equals its X-Request-Id (${r.exchange.request.method} ${r.exchange.request.url} → ${r.status})`, 'X-Request-Id is');
    }
  });

  check('obs.job-ids', ['OBS-3'], "start's id is the path's; history entries carry the request ids that caused them", async ({ client, config }) => {
    const created = await client.post('/v1/jobs', { video_url: config.videos[0]?.url, auto_start: false });
    expectServed(created, 'creating a draft job');
    const id = created.json?.id as string;
    requireThat(typeof id === 'string', 'OBS-3', 'job responses carry the job id: POST /v1/jobs answers with its id', `got ${bodyPreview(created)}`);
    const started = await start(client, id);
    expectServed(started, 'starting the draft');
    requireEqual(started.json?.id, id, 'OBS-3', "start's id equals the path's job_id", 'the path named');
    const job = await readJob(client, id);
    requireEqual(job.id, id, 'OBS-3', 'a job response carries the job id', 'the job read is');
    requireEqual(historyEntry(job, 'created').request_id, created.requestId, 'OBS-3', 'history entries carry the request id of the request that caused them: created ← the create', 'the create was answered with');
    requireEqual(historyEntry(job, 'processing').request_id, started.requestId, 'OBS-3', 'history entries carry the request id of the request that caused them: processing ← the start', 'the start was answered with');
  });

  check('obs.logs', ['OBS-4'], 'each request id appears in the provider logs with the job id it touched', async ({ client, config }) => {
    const created = await client.post('/v1/jobs', { video_url: config.videos[0]?.url, auto_start: false });
    expectServed(created, 'creating a draft job');
    const id = created.json?.id as string;
    const started = await start(client, id);
    const read = await getJob(client, id);
    await client.pause(200); // let a file sink flush
    const wanted = [created, started, read].map((r) => r.requestId).filter((x): x is string => typeof x === 'string');
    const lines = await logLinesFor(config, wanted);
    const missing = wanted.filter((rid) => !(lines.get(rid) ?? []).some((l) => l.includes(id)));
    requireCount(missing, 0, 'OBS-4', `each request id the harness saw appears in the provider's logs together with the job id it touched (job ${id})`, 'request ids without such a line');
  }, { needs: ['logSource'] });

  check('obs.echo', ['OBS-5'], 'a valid client X-Request-Id is echoed', async ({ client }) => {
    const mine = `jobcert-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const r = await client.get('/health', { key: 'none', headers: { 'X-Request-Id': mine } });
    requireEqual(r.requestId, mine, 'OBS-5', 'a client-sent X-Request-Id matching ^[A-Za-z0-9._:-]{1,128}$ is echoed back', 'the client sent');
  });
});
