// Consumer pacts: what the reference client relies on, recorded as PactV4
// interactions with provider states, by running the client against Pact's mock
// server. Matchers, not literal values, for ids, request ids and times; keys
// are placeholders. Writes to a temporary directory and fails when the
// committed contracts/pacts differ (`npm run pact:consumer` regenerates them).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MatchersV3, PactV4 } from '@pact-foundation/pact';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError, createClient, JobFailedError, type JobsClient } from '../../client/index.js';
import { CONSUMER, disablePactTelemetry, EXAMPLE_IDEMPOTENCY_KEY, INVALID_KEY, PACT_FILE, PACTS_DIR, PLACEHOLDER_KEYS, PROVIDER, STATES } from '../../pact/contract.js';

disablePactTelemetry();
const { like, regex, integer, eachLike, fromProviderState } = MatchersV3;

const OUT = process.env.JOBCERT_PACT_OUT ? resolve(process.env.JOBCERT_PACT_OUT) : mkdtempSync(join(tmpdir(), 'jobcert-pacts-'));
const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: OUT, logLevel: 'warn' });
beforeAll(() => rmSync(join(OUT, PACT_FILE), { force: true }));

// Shapes the spec promises (contracts/openapi.yaml); the swagger-mock-validator test holds the pacts to it.
const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$';
const time = (example = '2026-11-27T10:00:00.000Z') => regex(RFC3339, example);
const JSON_TYPE = { 'Content-Type': regex('^application/json(\\s*;.*)?$', 'application/json; charset=utf-8') };
const IDEMPOTENCY_KEY = regex('^[!-~]([ -~]{0,253}[!-~])?$', EXAMPLE_IDEMPOTENCY_KEY);
const MODEL = '^(original|light|pro|human)$';
const FORMAT = '^(webm|mov|mp4|gif|webp|png_sequence)$';
const STATUS = '^(created|processing|completed|failed)$';
const JOB_ID = (example = 'job_123') => fromProviderState('${job_id}', example);
const COMPOSITION = { canvas: { width: integer(1920), height: integer(1080) }, foreground: { anchor: like('center'), scale: like(1), offset: { x: integer(0), y: integer(0) } } };
const HISTORY = eachLike({ status: regex(STATUS, 'created'), at: time(), request_id: like('req_1') });

const ok = { ...JSON_TYPE, 'X-Request-Id': like('req_7f3a') };
const authed = (key: string = PLACEHOLDER_KEYS.primary): Record<string, string> => ({ 'X-Api-Key': key });
const post = (key?: string) => ({ ...authed(key), 'Content-Type': 'application/json', 'Idempotency-Key': IDEMPOTENCY_KEY });
const errorBody = (code: string, message: string) => ({ error: { code, message: like(message), request_id: like('req_9c1d') } });

const client = (baseUrl: string, apiKey: string = PLACEHOLDER_KEYS.primary, fetch?: (r: Request) => Promise<Response>): JobsClient =>
  createClient({ baseUrl, apiKey, retry: { maxAttempts: 1 }, ...(fetch ? { fetch } : {}) });

/** Every interaction carries its rule IDs (read back into the PACT check results) and why the client relies on it. */
const interaction = (description: string, rules: string[], why: string) =>
  pact.addInteraction().uponReceiving(description).comment(`rules: ${rules.join(' ')}`).comment(`the client relies on: ${why}`);

const expectApiError = async (call: Promise<unknown>, status: number, code: string): Promise<ApiError> => {
  const err = await call.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect(err).toMatchObject({ status, code });
  expect((err as ApiError).request_id).toBe('req_9c1d');
  return err as ApiError;
};

const SEED_EXAMPLE = {
  model: 'pro',
  text_prompt: 'person, clothing accessories, glowing ring',
  background: { type: 'transparent' },
  composition: { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } },
} as const;

describe('create', () => {
  it('create a draft job', () =>
    interaction('create a draft job', ['AUTH-1', 'OBS-1'], 'the id and created status of a draft')
      .given(STATES.video)
      .withRequest('POST', '/v1/jobs', (b) => b.headers(post()).jsonBody({ video_url: fromProviderState('${video_url}', 'https://media.example.com/clips/interview.mp4?duration=12'), output_format: 'webm', auto_start: false }))
      .willRespondWith(200, (b) => b.headers(ok).jsonBody({ success: true, id: like('job_123'), status: 'created', message: like('Job created') }))
      .executeTest(async (mock) => {
        const created = await client(mock.url).createJob({ video_url: 'https://media.example.com/clips/interview.mp4?duration=12', output_format: 'webm', auto_start: false });
        expect(created).toEqual({ success: true, id: 'job_123', status: 'created', message: 'Job created' });
      }));
});

describe('start', () => {
  const accepted = { success: true, id: JOB_ID(), status: 'processing', message: like('Job started') };
  const starts: [string, string[], Record<string, unknown>, string][] = [
    ['start a draft job with model original', ['AUTH-1', 'OBS-3', 'LIFE-1'], { model: 'original' }, 'processing after a start'],
    ['start a draft job with model light', ['AUTH-1', 'OBS-3', 'LIFE-1'], { model: 'light' }, 'processing after a start'],
    ['start a draft job with model human', ['AUTH-1', 'OBS-3', 'LIFE-1'], { model: 'human' }, 'processing after a start'],
    ['start a draft job with the seed page example (pro, text_prompt, transparent, composition)', ['AUTH-1', 'OBS-3', 'VAL-2', 'VAL-3', 'VAL-5'], SEED_EXAMPLE, 'the vendor page\'s own example is accepted'],
    ['start a draft job with a composition and a color background', ['AUTH-1', 'VAL-1', 'VAL-5'], { model: 'light', background: { type: 'color', color: [0, 177, 64] }, composition: { canvas: { width: 1280, height: 720 }, foreground: { anchor: 'bottom-right', scale: 0.5, offset: { x: -40, y: -40 } } } }, 'color backgrounds and partial compositions are accepted'],
    ['start a draft job with an image background and a preview', ['AUTH-1', 'VAL-1', 'VAL-5'], { model: 'human', background: { type: 'image', image_url: 'https://media.example.com/bg/office.jpg' }, composition: { foreground: { anchor: 'top-left', scale: 2 } }, preview_duration: 5 }, 'image backgrounds and previews are accepted'],
  ];
  for (const [description, rules, body, why] of starts) {
    it(description, () =>
      interaction(description, rules, why)
        .given(STATES.draft)
        .withRequest('POST', fromProviderState('/v1/jobs/${job_id}/start', '/v1/jobs/job_123/start'), (b) => b.headers(post()).jsonBody(body))
        .willRespondWith(200, (b) => b.headers(ok).jsonBody(accepted))
        .executeTest(async (mock) => {
          const r = await client(mock.url).startJob('job_123', body);
          expect(r).toEqual({ success: true, id: 'job_123', status: 'processing', message: 'Job started' });
        }));
  }
});

describe('read', () => {
  const jobPath = fromProviderState('/v1/jobs/${job_id}', '/v1/jobs/job_123');
  const jobShape = (status: unknown, extra: Record<string, unknown>) => ({
    id: JOB_ID(), status, model: regex(MODEL, 'original'), output_format: regex(FORMAT, 'webm'), background: like({ type: 'transparent' }),
    composition: COMPOSITION, credits_charged: integer(10), created_at: time(), history: HISTORY, ...extra,
  });

  it('get a completed job', () =>
    interaction('get a completed job', ['LIFE-1', 'LIFE-2', 'OBS-3'], 'status completed with an output_url (CLI-7 reads it from here)')
      .given(STATES.completed)
      .withRequest('GET', jobPath, (b) => b.headers(authed()))
      .willRespondWith(200, (b) => b.headers(ok).jsonBody(jobShape('completed', {
        output_url: regex('^https?://\\S+$', 'https://cdn.example.com/out/job_123.webm?sig=abc'), started_at: time('2026-11-27T10:00:05.000Z'), completed_at: time('2026-11-27T10:00:35.000Z'),
      })))
      .executeTest(async (mock) => {
        const job = await client(mock.url).waitForJob('job_123', { timeoutMs: 5000 });
        expect(job).toMatchObject({ id: 'job_123', status: 'completed', output_url: 'https://cdn.example.com/out/job_123.webm?sig=abc' });
      }));

  it('get a failed job', () =>
    interaction('get a failed job', ['LIFE-1', 'LIFE-2', 'OBS-3'], 'status failed with error.code and error.message (CLI-8, CLI-9)')
      .given(STATES.failed)
      .withRequest('GET', jobPath, (b) => b.headers(authed()))
      .willRespondWith(200, (b) => b.headers(ok).jsonBody(jobShape('failed', {
        error: { code: like('processing_failed'), message: like('The source video could not be processed') }, started_at: time('2026-11-27T10:00:05.000Z'),
      })))
      .executeTest(async (mock) => {
        const err = await client(mock.url).waitForJob('job_123', { timeoutMs: 5000 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(JobFailedError);
        expect(err).toMatchObject({ job_id: 'job_123', code: 'processing_failed' });
      }));

  it('list jobs', () =>
    interaction('list jobs', ['AUTH-1', 'OBS-3'], 'a page of the key\'s jobs with limit, offset and total')
      .given(STATES.draft)
      .withRequest('GET', '/v1/jobs', (b) => b.headers(authed()).query({ limit: '5' }))
      .willRespondWith(200, (b) => b.headers(ok).jsonBody({ jobs: eachLike(jobShape(regex(STATUS, 'created'), {})), limit: integer(5), offset: integer(0), total: integer(1) }))
      .executeTest(async (mock) => {
        const page = await client(mock.url).listJobs({ limit: 5 });
        expect(page.jobs[0]?.id).toBe('job_123');
        expect(page.total).toBe(1);
      }));

  it('list the usage events of a started job', () =>
    interaction('list the usage events of a started job', ['AUTH-1', 'IDEM-5'], 'one charge event per start, with credits and request_id')
      .given(STATES.started)
      .withRequest('GET', '/v1/usage/events', (b) => b.headers(authed()).query({ job_id: fromProviderState('${job_id}', 'job_123') }))
      .willRespondWith(200, (b) => b.headers(ok).jsonBody({ events: eachLike({ id: like('evt_1'), type: 'charge', job_id: JOB_ID(), credits: integer(10), request_id: like('req_2'), at: time() }) }))
      .executeTest(async (mock) => {
        const usage = await client(mock.url).usageEvents({ job_id: 'job_123' });
        expect(usage.events[0]).toMatchObject({ type: 'charge', job_id: 'job_123', credits: 10 });
      }));
});

describe('errors the client turns into ApiError', () => {
  const stripKey = async (req: Request): Promise<Response> => {
    // A gateway that drops the key on the way: what the client sees is the provider's 401 missing_api_key.
    const headers = new Headers(req.headers);
    headers.delete('x-api-key');
    return fetch(new Request(req, { headers }));
  };

  it('401 without a key', () =>
    interaction('list jobs without an API key', ['AUTH-2', 'AUTH-3', 'ERR-1', 'ERR-2', 'OBS-1'], '401 missing_api_key in the error envelope, not retried (CLI-1)')
      .withRequest('GET', '/v1/jobs')
      .willRespondWith(401, (b) => b.headers(ok).jsonBody(errorBody('missing_api_key', 'X-Api-Key header is required')))
      .executeTest(async (mock) => { await expectApiError(client(mock.url, PLACEHOLDER_KEYS.primary, stripKey).listJobs(), 401, 'missing_api_key'); }));

  it('401 with an invalid key', () =>
    interaction('list jobs with an invalid API key', ['AUTH-2', 'ERR-1', 'ERR-2', 'OBS-1'], '401 invalid_api_key in the error envelope, not retried (CLI-1)')
      .withRequest('GET', '/v1/jobs', (b) => b.headers(authed(INVALID_KEY)))
      .willRespondWith(401, (b) => b.headers(ok).jsonBody(errorBody('invalid_api_key', 'X-Api-Key is not a valid key')))
      .executeTest(async (mock) => { await expectApiError(client(mock.url, INVALID_KEY).listJobs(), 401, 'invalid_api_key'); }));

  it('402', () =>
    interaction('start a job of an account without credits', ['LIFE-5', 'ERR-1', 'ERR-2'], '402 insufficient_credits, which ends the job\'s work (CLI-8)')
      .given(STATES.brokeDraft)
      .withRequest('POST', fromProviderState('/v1/jobs/${job_id}/start', '/v1/jobs/job_123/start'), (b) => b.headers(post(PLACEHOLDER_KEYS.broke)).jsonBody({ model: 'original' }))
      .willRespondWith(402, (b) => b.headers(ok).jsonBody(errorBody('insufficient_credits', 'This start needs 10 credits; 0 are left')))
      .executeTest(async (mock) => { await expectApiError(client(mock.url, PLACEHOLDER_KEYS.broke).startJob('job_123', { model: 'original' }), 402, 'insufficient_credits'); }));

  it('404', () =>
    interaction('get a job that does not exist', ['AUTH-4', 'ERR-1', 'ERR-2'], '404 not_found')
      .withRequest('GET', '/v1/jobs/job_jobcert_pact_does_not_exist', (b) => b.headers(authed()))
      .willRespondWith(404, (b) => b.headers(ok).jsonBody(errorBody('not_found', 'Job not found')))
      .executeTest(async (mock) => { await expectApiError(client(mock.url).getJob('job_jobcert_pact_does_not_exist'), 404, 'not_found'); }));

  it('409', () =>
    interaction('start a job that is already started', ['IDEM-5', 'ERR-1', 'ERR-2'], '409 job_not_startable, not retried')
      .given(STATES.started)
      .withRequest('POST', fromProviderState('/v1/jobs/${job_id}/start', '/v1/jobs/job_123/start'), (b) => b.headers(post()).jsonBody({}))
      .willRespondWith(409, (b) => b.headers(ok).jsonBody(errorBody('job_not_startable', 'Job is processing')))
      .executeTest(async (mock) => { await expectApiError(client(mock.url).startJob('job_123', {}), 409, 'job_not_startable'); }));

  it('422 key reuse', () =>
    interaction('start a job reusing an Idempotency-Key with another body', ['IDEM-2', 'ERR-1', 'ERR-2'], '422 idempotency_key_reused')
      .given(STATES.keyUsed)
      .withRequest('POST', fromProviderState('/v1/jobs/${job_id}/start', '/v1/jobs/job_123/start'), (b) => b
        .headers({ ...authed(), 'Content-Type': 'application/json', 'Idempotency-Key': fromProviderState('${idempotency_key}', 'jobcert-pact-reused-key') })
        .jsonBody({ model: 'human' }))
      .willRespondWith(422, (b) => b.headers(ok).jsonBody(errorBody('idempotency_key_reused', 'this Idempotency-Key was used with another request')))
      .executeTest(async (mock) => { await expectApiError(client(mock.url).startJob('job_123', { model: 'human' }, { idempotencyKey: 'jobcert-pact-reused-key' }), 422, 'idempotency_key_reused'); }));

  it('422 unsupported combination', () =>
    interaction('start an mp4 job with a transparent background', ['VAL-4', 'ERR-1', 'ERR-2'], '422 unsupported_combination')
      .given(STATES.mp4Draft)
      .withRequest('POST', fromProviderState('/v1/jobs/${job_id}/start', '/v1/jobs/job_123/start'), (b) => b.headers(post()).jsonBody({ background: { type: 'transparent' } }))
      .willRespondWith(422, (b) => b.headers(ok).jsonBody(errorBody('unsupported_combination', 'A transparent background needs an alpha-capable output_format')))
      .executeTest(async (mock) => { await expectApiError(client(mock.url).startJob('job_123', { background: { type: 'transparent' } }), 422, 'unsupported_combination'); }));

  it('429', () =>
    interaction('list jobs while the rate limit is exhausted', ['RATE-1', 'RATE-2', 'ERR-1', 'ERR-2'], '429 rate_limited with a Retry-After in either form (CLI-2)')
      .given(STATES.throttled)
      .withRequest('GET', '/v1/jobs', (b) => b.headers(authed()).query({ limit: '1' }))
      .willRespondWith(429, (b) => b.headers({ ...ok, 'Retry-After': regex('^(\\d+|[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT)$', '1') }).jsonBody(errorBody('rate_limited', 'Too many requests')))
      .executeTest(async (mock) => {
        const err = await expectApiError(client(mock.url).listJobs({ limit: 1 }), 429, 'rate_limited');
        expect(err.retryAfterMs).toBe(1000);
      }));
});

describe('the committed pacts', () => {
  it(`contracts/pacts/${PACT_FILE} is what these tests write (npm run pact:consumer regenerates it)`, () => {
    const written = JSON.parse(readFileSync(join(OUT, PACT_FILE), 'utf8')) as { interactions: unknown[] };
    let committed: unknown;
    try {
      committed = JSON.parse(readFileSync(join(PACTS_DIR, PACT_FILE), 'utf8'));
    } catch {
      committed = undefined;
    }
    expect(written.interactions).toHaveLength(19);
    expect(committed, 'contracts/pacts is stale: run `npm run pact:consumer` and commit the result').toEqual(written);
  });
});

