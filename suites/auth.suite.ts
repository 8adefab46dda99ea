// AUTH: the seed's "call endpoint with valid and invalid key, confirm 200 vs 401".
import { bodyPreview, chargesFor, createDraft, expectOutcome, expectServed, getJob, missingJobId, readJob, start } from './lib/api.js';
import { broken, suite, fail } from './lib/check.js';
import { jsonIfUsable } from './lib/client.js';
import { KEY_NAMES, loggedProbes, misplacements, runNearMisses, secretsOf } from './lib/credentials.js';
import { requireCount, requireEqual, requireHeader, requireStatus, requireThat } from './lib/verdicts.js';

export const AUTH = suite('AUTH', (check, config) => {
  check('auth.valid-key', ['AUTH-1'], 'a valid key gets 2xx on valid requests', async ({ client, config }) => {
    const list = await client.get('/v1/jobs');
    if (list.status === 401) fail(`the primary key was refused (401 ${jsonIfUsable(list)?.error?.code ?? ''}): check --api-key / JOBCERT_API_KEY`);
    expectServed(list, 'GET /v1/jobs');
    const id = await createDraft(client, config);
    expectServed(await getJob(client, id), 'GET /v1/jobs/{id}');
    expectServed(await client.get('/v1/usage/events'), 'GET /v1/usage/events');
  });

  check('auth.missing-key', ['AUTH-2'], 'no X-Api-Key → 401 missing_api_key', async ({ client }) => {
    for (const path of ['/v1/jobs', '/v1/usage/events']) {
      expectOutcome(await client.get(path, { key: 'none' }), { status: 401, code: 'missing_api_key' }, 'AUTH-2', `GET ${path} without a key`);
    }
  });

  check('auth.invalid-key', ['AUTH-2'], 'unknown, empty or malformed key → 401 invalid_api_key', async ({ client }) => {
    for (const [label, raw] of [['unknown', 'jc_unknown_key_0000'], ['empty', ''], ['malformed', 'not a key !'], ['oversized', 'k'.repeat(512)]] as const) {
      expectOutcome(await client.get('/v1/jobs', { key: { raw } }), { status: 401, code: 'invalid_api_key' }, 'AUTH-2', `${label} key`);
    }
  });

  check('auth.near-miss-keys', ['AUTH-2'], 'a key almost equal to a valid one (letter case, a character more, less or changed, a Unicode trim or normalization twin) → 401 invalid_api_key', async ({ client, config, recorder, note }) => {
    const misses = runNearMisses(config.keys);
    // Derived from the keys, so secrets too: redacted before the first goes out, and only ever named by their label.
    recorder.addSecrets(misses.flatMap(secretsOf));
    const unreached: string[] = [];
    for (const miss of misses) {
      const r = await client.get('/v1/jobs', { key: { raw: miss.wire }, gate: miss.role });
      // Bytes outside ASCII are obs-text to HTTP: a server or proxy may refuse them before any key is compared, which says nothing of the comparison.
      if (miss.nonAscii && r.status === 400) { unreached.push(miss.label); continue; }
      expectOutcome(r, { status: 401, code: 'invalid_api_key' }, 'AUTH-2', `X-Api-Key set to ${miss.label}`);
    }
    if (unreached.length > 0) note(`not judged, refused with 400 before any key was compared (bytes outside ASCII in a header): ${unreached.join('; ')}`);
  });

  check('auth.key-in-wrong-place', ['AUTH-2'], 'a valid key anywhere but X-Api-Key (Authorization Bearer or Basic, the query, a cookie) → 401 missing_api_key', async ({ client, config, recorder, note }) => {
    const logged = loggedProbes(config);
    const probes = [
      ...misplacements(config.keys.primary, '/v1/jobs').filter((p) => !p.logged).map((p) => ({ ...p, role: 'primary' as const })),
      ...('role' in logged ? misplacements(logged.key, '/v1/jobs').filter((p) => p.logged).map((p) => ({ ...p, role: logged.role })) : []),
    ];
    recorder.addSecrets(probes.flatMap((p) => p.secrets));
    for (const p of probes) {
      const r = await client.get(p.path, { key: 'none', headers: p.headers, gate: p.role });
      expectOutcome(r, { status: 401, code: 'missing_api_key' }, 'AUTH-2', `GET /v1/jobs with no X-Api-Key and the ${KEY_NAMES[p.role]} key ${p.where}`);
    }
    if ('skipped' in logged) note(`the query-parameter and cookie probes were not run: ${logged.skipped}`);
  });

  check('auth.decided-first', ['AUTH-3'], '401 before validation, 404 and rate limiting', async ({ client, episode, recorder, note }) => {
    const cases = [
      ['malformed JSON body', () => client.request('POST', '/v1/jobs', { key: 'none', raw: '{not json', contentType: 'application/json' })],
      ['invalid body, bad key', () => client.post('/v1/jobs', { video_url: 'nope', extra: true }, { key: { raw: 'jc_wrong' } })],
      ['unknown job id', () => client.get('/v1/jobs/job_does_not_exist', { key: 'none' })],
      ['start of unknown job, form body', () => client.request('POST', '/v1/jobs/job_does_not_exist/start', { key: { raw: 'jc_wrong' }, raw: 'a=1', contentType: 'application/x-www-form-urlencoded' })],
      ['invalid query', () => client.get('/v1/jobs?limit=100000', { key: 'none' })],
    ] as const;
    for (const [label, send] of cases) requireStatus(await send(), 401, 'AUTH-3', `an unauthenticated request gets 401 whatever its body or path parameter (${label})`);
    const probe = episode?.badKey;
    if (!episode?.throttled || !probe) broken('RATE-1', 'the primary key was never throttled, so the rate-limit case could not be tested');
    recorder.exchanges.push(probe.exchange);
    note(`a bad key was sent while the primary key was throttled${episode.confirmed ? ' (429s on both sides of it)' : ''}`);
    requireStatus(probe, 401, 'AUTH-3', 'an unauthenticated request gets 401 whatever the rate-limit state (a bad key in the middle of a throttled burst)');
  }, { pressure: true });

  check('auth.isolation', ['AUTH-4'], "another key's job is 404 like a missing one, and never starts", async ({ client, config }) => {
    const id = await createDraft(client, config);
    const missing = await client.get(`/v1/jobs/${encodeURIComponent(missingJobId(id))}`, { key: 'alt' });
    const foreign = await getJob(client, id, 'alt');
    expectOutcome(foreign, { status: 404, code: 'not_found' }, 'AUTH-4', "GET of the primary key's job with the second key");
    requireEqual([foreign.status, foreign.json?.error?.code], [missing.status, missing.json?.error?.code], 'AUTH-4', "another key's job gets the same 404 not_found as a job that does not exist", 'a job that does not exist got');
    expectOutcome(await start(client, id, {}, { key: 'alt' }), { status: 404, code: 'not_found' }, 'AUTH-4', 'start with the second key');
    requireEqual((await readJob(client, id)).status, 'created', 'AUTH-4', "a start with another key never starts the job: it stays created");
    requireCount(await chargesFor(client, id), 0, 'AUTH-4', "a start with another key never starts the job, so nothing is charged", 'charge events');
  }, { needs: ['alt'] });

  check('auth.health-open', ['AUTH-5'], '/health answers without a key', async ({ client }) => {
    const r = await client.get('/health', { key: 'none' });
    requireThat(r.status === 200 && r.json?.status === 'ok', 'AUTH-5', '/health needs no key: without one it answers 200 {"status": "ok"}', `got ${r.status}: ${bodyPreview(r)}`);
  });

  check('auth.challenge', ['AUTH-6'], '401 carries WWW-Authenticate naming X-Api-Key', async ({ client }) => {
    const r = await client.get('/v1/jobs', { key: 'none' });
    expectOutcome(r, { status: 401 }, 'AUTH-2', 'GET /v1/jobs without a key');
    requireHeader(r, 'WWW-Authenticate', 'AUTH-6', 'a 401 carries WWW-Authenticate naming the X-Api-Key scheme', /x-api-key/i);
  });
});
