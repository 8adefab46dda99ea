// Provider verification (pact/verify.ts) of targets over loopback HTTP: every
// legal variation of the mock passes, optional inputs missing become skips
// (never passes), and each fault that changes what the client relies on fails
// exactly the interactions that rely on it. Keys never reach a result.
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_ACCOUNTS, startHttpServer, type EngineOptions } from '../../mocks/index.js';
import { MOCK_FAILING_VIDEO_URL, MOCK_VIDEO_URL } from '../../pact/media.js';
import { verifyPacts } from '../../pact/verify.js';
import type { CheckResult } from '../../core/results.js';
import { legalVariation, startVariantServer } from './variant-server.js';

const KEYS = { primary: DEFAULT_ACCOUNTS[0]!.key, broke: DEFAULT_ACCOUNTS[2]!.key };
const ALL_KEYS = DEFAULT_ACCOUNTS.map((a) => a.key);
/** Fast enough for tests, strict enough that the 429 state needs a real burst. */
const QUICK: EngineOptions = { processingMs: 100, rateLimit: { capacity: 40, refillPerSecond: 40 } };

async function verifyAgainst(engineOptions: EngineOptions, opts: { broke?: boolean; failing?: boolean } = {}): Promise<CheckResult[]> {
  const server = await startHttpServer(createEngine(engineOptions));
  try {
    return await verifyPacts({
      target: server.url, keys: { primary: KEYS.primary, ...(opts.broke === false ? {} : { broke: KEYS.broke }) },
      videoUrl: MOCK_VIDEO_URL, ...(opts.failing === false ? {} : { failingVideoUrl: MOCK_FAILING_VIDEO_URL }),
      jobTimeoutS: 15, timeoutMs: 120_000,
    });
  } finally {
    await server.close();
  }
}

/** Variants that change what the pacts' states and interactions see; the transport ones are certified over HTTP in tests/certify/variants.test.ts. */
const PACT_VARIANTS = ['no-challenge', 'no-ratelimit-fields', 'no-request-id-echo', 'extra-members', 'extra-members-deep', 'idem-stores-4xx', 'pro-draft-rejected', 'layered-limit', 'retry-after-padded', 'replayed-false', 'param-pointer', 'rfc3339-offsets'];

const notPassed = (checks: CheckResult[]): string[] => checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status}: ${c.message}`);

describe('legal variations pass', () => {
  let checks: CheckResult[];
  beforeAll(async () => {
    // Real legal variations only (mocks/engine/variants.ts: every SHOULD skipped, the other side of SPEC's choices,
    // a layered limit, transport freedoms), the one SHOULD-level fault no variant has (LIFE-6), slower jobs, and
    // the transform of legalVariation (which changes nothing SPEC names).
    const engine = createEngine({
      variants: PACT_VARIANTS, faults: ['life-artifact-wrong-type'], processingMs: 1500,
    });
    const server = await startVariantServer(engine, legalVariation);
    try {
      checks = await verifyPacts({ target: server.url, keys: KEYS, videoUrl: MOCK_VIDEO_URL, failingVideoUrl: MOCK_FAILING_VIDEO_URL, jobTimeoutS: 15, timeoutMs: 150_000 });
    } finally {
      await server.close();
    }
  }, 180_000);

  it('every interaction of the committed pact verifies', () => {
    expect(notPassed(checks)).toEqual([]);
    expect(checks).toHaveLength(19);
  });

  it('each result is a PACT check citing rule IDs, with the exchange as evidence and the key redacted', () => {
    for (const c of checks) {
      expect(c.id).toMatch(/^pact\.[a-z0-9-]+$/);
      expect(c.family).toBe('PACT');
      expect(c.rule_ids.length, c.id).toBeGreaterThan(0);
      expect(c.evidence.length, c.id).toBeGreaterThan(0);
      expect(c.request_ids.length, c.id).toBeGreaterThan(0);
    }
    const text = JSON.stringify(checks);
    for (const key of ALL_KEYS) expect(text).not.toContain(key);
    const create = checks.find((c) => c.id === 'pact.create-a-draft-job');
    expect(create?.evidence[0]?.request.headers['x-api-key']).toBe('<redacted>');
    expect(create?.repro).toContain('$JOBCERT_API_KEY');
  });

  it('the 429 interaction met an HTTP-date Retry-After', () => {
    const throttled = checks.find((c) => c.id === 'pact.list-jobs-while-the-rate-limit-is-exhausted');
    expect(throttled?.evidence.at(-1)?.response?.headers['retry-after']).toMatch(/GMT$/);
  });
});

describe.concurrent('runs that must not pass', () => {
  it('without a zero-credit key or a failing source, against a provider that never throttles: two skips with their reason, one error, never a pass', async () => {
    const checks = await verifyAgainst({ ...QUICK, faults: ['rate-no-limit'] }, { broke: false, failing: false });
    expect(notPassed(checks)).toEqual([
      expect.stringMatching(/^pact\.get-a-failed-job: skip: .*needs --failing-video-url/),
      expect.stringMatching(/^pact\.list-jobs-while-the-rate-limit-is-exhausted: error: .*no 429 within 200 requests/),
      expect.stringMatching(/^pact\.start-a-job-of-an-account-without-credits: skip: .*needs --broke-api-key/),
    ]);
    expect(checks.filter((c) => c.status === 'pass')).toHaveLength(16);
  }, 180_000);

  it('faults that each change what one interaction relies on fail exactly that interaction, with the reason', async () => {
    // The faults touch disjoint interactions, so one run shows each of them caught (by its own message) and the rest untouched.
    const expected: Record<string, RegExp> = {
      'get-a-job-that-does-not-exist': /job_not_found/, // err-wrong-codes (ERR-2)
      'list-jobs-without-an-api-key': /invalid_api_key/, // auth-missing-as-invalid (AUTH-2)
      'list-jobs-with-an-invalid-api-key': /expected 401 but was 200/, // auth-accept-any-key (AUTH-2)
      'list-jobs-while-the-rate-limit-is-exhausted': /header Retry-After/, // rate-no-retry-after (RATE-2)
      'start-an-mp4-job-with-a-transparent-background': /expected 422 but was 200/, // val-transparent-mp4 (VAL-4)
      'start-a-job-reusing-an-idempotency-key-with-another-body': /expected 422 but was 200/, // idem-reuse-replays (IDEM-2)
      'start-a-job-that-is-already-started': /expected 409 but was 200/, // idem-double-charge (IDEM-5)
      'start-a-job-of-an-account-without-credits': /expected 402 but was 200/, // life-no-credit-check (LIFE-5)
      'list-the-usage-events-of-a-started-job': /expected 200 but was 401/, // auth-rejects-valid-key (AUTH-1)
      'get-a-completed-job': /created_at|credits_charged/, // schema-job-shape
      'get-a-failed-job': /created_at|credits_charged/,
      'list-jobs': /created_at|credits_charged/,
    };
    const faults = ['err-wrong-codes', 'auth-missing-as-invalid', 'auth-accept-any-key', 'rate-no-retry-after', 'val-transparent-mp4', 'idem-reuse-replays', 'idem-double-charge', 'life-no-credit-check', 'auth-rejects-valid-key', 'schema-job-shape'];
    const checks = await verifyAgainst({ ...QUICK, faults });
    const failed = Object.fromEntries(checks.filter((c) => c.status !== 'pass').map((c) => [c.id.slice('pact.'.length), c]));
    expect(Object.keys(failed).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, message] of Object.entries(expected)) {
      expect(failed[id]?.status, id).toBe('fail');
      expect(failed[id]?.message, id).toMatch(message);
    }
    expect(checks.filter((c) => c.status === 'pass')).toHaveLength(19 - Object.keys(expected).length);
  }, 180_000);

  it('a create or start answer of another shape fails the draft and start interactions (schema-create-shape, schema-start-shape)', async () => {
    const checks = await verifyAgainst({ ...QUICK, faults: ['schema-create-shape', 'schema-start-shape'] });
    const status = Object.fromEntries(checks.map((c) => [c.id.slice('pact.'.length), c.status]));
    // The interactions each fault exists to catch, named beside it.
    const caught: Record<string, string[]> = {
      'schema-create-shape': ['create-a-draft-job'],
      'schema-start-shape': [
        'start-a-draft-job-with-a-composition-and-a-color-background', 'start-a-draft-job-with-an-image-background-and-a-preview',
        'start-a-draft-job-with-model-human', 'start-a-draft-job-with-model-light', 'start-a-draft-job-with-model-original',
        'start-a-draft-job-with-the-seed-page-example-pro-text-prompt-transparent-composition',
      ],
    };
    for (const [fault, ids] of Object.entries(caught)) for (const id of ids) expect(status[id], `${id} under ${fault}`).toBe('fail');
  }, 180_000);

  it('error bodies that are not the JSON envelope fail every error interaction (ERR-1)', async () => {
    const checks = await verifyAgainst({ ...QUICK, faults: ['err-plain-text-errors'] });
    const errorInteractions = ['get-a-job-that-does-not-exist', 'list-jobs-while-the-rate-limit-is-exhausted', 'list-jobs-with-an-invalid-api-key', 'list-jobs-without-an-api-key',
      'start-a-job-of-an-account-without-credits', 'start-a-job-reusing-an-idempotency-key-with-another-body', 'start-a-job-that-is-already-started', 'start-an-mp4-job-with-a-transparent-background'];
    expect(checks.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}`).sort()).toEqual(errorInteractions.map((i) => `pact.${i} fail`).sort());
  }, 180_000);
});
