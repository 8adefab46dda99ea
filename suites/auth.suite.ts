// AUTH: the seed's "call endpoint with valid and invalid key, confirm 200 vs 401".
import { describe, expect } from 'vitest';
import { chargesFor, createDraft, duringBurst, firstVideo, getJob, start } from './lib/api.js';
import { check, fail } from './lib/check.js';

describe('AUTH', () => {
  check('auth.valid-key', ['AUTH-1'], 'a valid key gets 2xx on valid requests', async ({ client, config }) => {
    const list = await client.get('/v1/jobs');
    if (list.status === 401) fail(`the primary key was refused (401 ${list.json?.error?.code ?? ''}): check --api-key / JOBCERT_API_KEY`);
    expect(list.status, 'GET /v1/jobs').toBeGreaterThanOrEqual(200);
    expect(list.status).toBeLessThan(300);
    const created = await client.post('/v1/jobs', { video_url: firstVideo(config), auto_start: false });
    expect(created.status, 'POST /v1/jobs (draft)').toBe(200);
    expect((await getJob(client, created.json.id as string)).status, 'GET /v1/jobs/{id}').toBe(200);
    expect((await client.get('/v1/usage/events')).status, 'GET /v1/usage/events').toBe(200);
  });

  check('auth.missing-key', ['AUTH-2'], 'no X-Api-Key → 401 missing_api_key', async ({ client }) => {
    for (const path of ['/v1/jobs', '/v1/usage/events']) {
      const r = await client.get(path, { key: 'none' });
      expect([r.status, r.json?.error?.code], `GET ${path} without a key`).toEqual([401, 'missing_api_key']);
    }
  });

  check('auth.invalid-key', ['AUTH-2'], 'unknown, empty or malformed key → 401 invalid_api_key', async ({ client }) => {
    for (const [label, raw] of [['unknown', 'jc_unknown_key_0000'], ['empty', ''], ['malformed', 'not a key !'], ['oversized', 'k'.repeat(512)]] as const) {
      const r = await client.get('/v1/jobs', { key: { raw } });
      expect([r.status, r.json?.error?.code], `${label} key`).toEqual([401, 'invalid_api_key']);
    }
  });

  check('auth.decided-first', ['AUTH-3'], '401 before validation, 404 and rate limiting', async ({ client, raw }) => {
    const cases = [
      ['malformed JSON body', () => client.request('POST', '/v1/jobs', { key: 'none', raw: '{not json', contentType: 'application/json' })],
      ['invalid body, bad key', () => client.post('/v1/jobs', { video_url: 'nope', extra: true }, { key: { raw: 'jc_wrong' } })],
      ['unknown job id', () => client.get('/v1/jobs/job_does_not_exist', { key: 'none' })],
      ['start of unknown job, form body', () => client.request('POST', '/v1/jobs/job_does_not_exist/start', { key: { raw: 'jc_wrong' }, raw: 'a=1', contentType: 'application/x-www-form-urlencoded' })],
      ['invalid query', () => client.get('/v1/jobs?limit=100000', { key: 'none' })],
    ] as const;
    for (const [label, send] of cases) expect((await send()).status, label).toBe(401);
    const { probe, throttled } = await duringBurst(raw, () => raw.get('/v1/jobs', { key: { raw: 'jc_wrong' } }));
    if (!throttled) fail('a burst of 40 was never throttled, so the rate-limit case could not be tested (RATE-1)');
    expect(probe.status, 'a bad key in the middle of a throttled burst').toBe(401);
  });

  check('auth.isolation', ['AUTH-4'], "another key's job is 404 like a missing one, and never starts", async ({ client, config }) => {
    const id = await createDraft(client, config);
    const missing = await client.get('/v1/jobs/job_jobcert_missing_0', { key: 'alt' });
    const foreign = await getJob(client, id, 'alt');
    expect(foreign.status, 'GET of the primary key\'s job with the second key').toBe(404);
    expect(foreign.json?.error?.code).toBe('not_found');
    expect([foreign.status, foreign.json?.error?.code], 'same answer as a job that does not exist').toEqual([missing.status, missing.json?.error?.code]);
    const started = await start(client, id, {}, { key: 'alt' });
    expect([started.status, started.json?.error?.code], 'start with the second key').toEqual([404, 'not_found']);
    const own = await getJob(client, id);
    expect(own.json?.status, 'the job is untouched').toBe('created');
    expect(await chargesFor(client, id), 'no charge').toEqual([]);
  }, { needs: ['alt'] });

  check('auth.health-open', ['AUTH-5'], '/health answers without a key', async ({ client }) => {
    const r = await client.get('/health', { key: 'none' });
    expect([r.status, r.json?.status]).toEqual([200, 'ok']);
  });

  check('auth.challenge', ['AUTH-6'], '401 carries WWW-Authenticate naming X-Api-Key', async ({ client }) => {
    const r = await client.get('/v1/jobs', { key: 'none' });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate') ?? '', 'WWW-Authenticate').toMatch(/x-api-key/i);
  });
});
