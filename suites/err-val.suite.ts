// ERR and VAL: the error envelope, no 5xx for any input, and the body rules of
// SPEC §1 with the cross-field policy of contracts/policy.ts. Rejected starts
// must leave the job as it was (VAL-6), so most checks read the job back.
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { validatorFor } from '../contracts/ajv.js';
import { INVALID_START_BODIES } from '../contracts/invalid-bodies.js';
import { mutated, startJobRequest } from '../contracts/arbitraries.js';
import { STATUS_OF } from '../mocks/engine/respond.js';
import { createDraft, firstVideo, getJob, start } from './lib/api.js';
import { check, fail } from './lib/check.js';
import type { Client, Reply } from './lib/client.js';

const SEED_EXAMPLE = {
  model: 'pro',
  text_prompt: 'person, clothing accessories, glowing ring',
  background: { type: 'transparent' },
  composition: { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } },
};

function expectEnvelope(r: Reply, label: string): void {
  expect(r.headers.get('content-type') ?? '', `${label}: content type`).toMatch(/^application\/json/i);
  const e = r.json?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.request_id !== 'string') {
    fail(`${label}: body is not the error envelope {error: {code, message, request_id}}: ${r.text.slice(0, 200)}`);
  }
}

/** The normalized dotted form of a param, so `composition/canvas/width` and `composition.canvas.width` compare equal. */
const dotted = (p: string): string => p.replace(/\[(\d+)\]/g, '.$1').replace(/[/[\]]+/g, '.').replace(/^\.+|\.+$/g, '');

async function rejectedUnchanged(client: Client, id: string, body: unknown): Promise<Reply> {
  const before = (await getJob(client, id)).json;
  const r = await start(client, id, body);
  const after = (await getJob(client, id)).json;
  expect(after, 'a rejected start changes nothing (VAL-6)').toEqual(before);
  return r;
}


describe('ERR', () => {
  check('err.envelope', ['ERR-1', 'ERR-2'], 'every error class is JSON in the envelope with the code of its status', async ({ client, config }) => {
    const id = await createDraft(client, config);
    await start(client, id);
    const cases: [string, Reply, string[]][] = [
      ['400', await client.post('/v1/jobs', {}), ['invalid_request']],
      ['401 missing', await client.get('/v1/jobs', { key: 'none' }), ['missing_api_key']],
      ['401 invalid', await client.get('/v1/jobs', { key: { raw: 'jc_wrong_key' } }), ['invalid_api_key']],
      ['404', await client.get('/v1/jobs/job_jobcert_missing_3'), ['not_found']],
      ['409', await start(client, id), ['job_not_startable']],
      ['415', await client.request('POST', '/v1/jobs', { raw: 'video_url=x', contentType: 'application/x-www-form-urlencoded' }), ['unsupported_media_type']],
      ['422', await client.post('/v1/jobs', { video_url: firstVideo(config), output_format: 'mp4' }), ['unsupported_combination']],
    ];
    for (const [label, r, codes] of cases) {
      expectEnvelope(r, label);
      expect(codes, `${label}: code ${r.json.error.code}`).toContain(r.json.error.code);
      expect(r.status, `${label}: status of ${r.json.error.code}`).toBe(STATUS_OF[r.json.error.code as keyof typeof STATUS_OF]);
    }
  });

  check('err.no-5xx', ['ERR-3'], 'malformed input gets 400 (or 415 by content type), never a 5xx', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const json = 'application/json';
    const cases: [string, string | Uint8Array, string | null, number][] = [
      ['truncated JSON', '{"model": "pro"', json, 400], ['not an object', '[1,2,3]', json, 400], ['a string', '"start"', json, 400],
      ['null', 'null', json, 400], ['number overflow', '{"preview_duration": 1e999}', json, 400],
      ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), json, 400],
      ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`, json, 400],
      ['text/plain', '{}', 'text/plain', 415], ['no content type', '{}', null, 415],
    ];
    for (const [label, raw, type, expected] of cases) {
      const r = await client.request('POST', `/v1/jobs/${id}/start`, { raw, contentType: type });
      if (r.status >= 500) fail(`${label}: ${r.status} (ERR-3 forbids any 5xx)`);
      expect(r.status, label).toBe(expected);
      expectEnvelope(r, label);
    }
    const big = await client.request('POST', '/v1/jobs', { raw: JSON.stringify({ video_url: firstVideo(config), text_prompt: 'x'.repeat(200 * 1024) }), contentType: json });
    expect(big.status, 'a 200 KiB body').toBeLessThan(500);
    expect((await getJob(client, id)).json?.status, 'the job survived it all').toBe('created');
  });

  check('err.fuzz', ['ERR-3'], 'generated near-miss start bodies never get a 5xx, always 400 invalid_request', async ({ client, config, note }) => {
    const id = await createDraft(client, config);
    const runs = config.profile === 'full' ? 300 : 30;
    const seed = config.seed ?? Date.now() % 2_147_483_647;
    note(`fast-check seed ${seed} (replay with --seed ${seed}), ${runs} payloads`);
    // Only payloads the spec rejects: a valid mutation would rightly start the job.
    const invalid = validatorFor('StartJobRequest');
    const payloads = fc.sample(mutated(startJobRequest as fc.Arbitrary<Record<string, unknown>>), { numRuns: runs * 3, seed })
      .filter((p) => !invalid(JSON.parse(JSON.stringify(p)))).slice(0, runs);
    for (const payload of payloads) {
      const r = await start(client, id, payload);
      if (r.status >= 500) fail(`${JSON.stringify(payload).slice(0, 200)} → ${r.status} (seed ${seed})`);
      expect([r.status, r.json?.error?.code], `${JSON.stringify(payload).slice(0, 200)} (seed ${seed})`).toEqual([400, 'invalid_request']);
    }
    expect((await getJob(client, id)).json?.status, 'the job is still a draft').toBe('created');
  }, { timeoutMs: 180_000 });
});

describe('VAL', () => {
  check('val.seed-example', ['VAL-1', 'AUTH-1'], "the vendor page's example request starts a draft", async ({ client, config }) => {
    const id = await createDraft(client, config);
    const r = await start(client, id, SEED_EXAMPLE);
    expect(r.status, r.text.slice(0, 200)).toBe(200);
    expect(r.json).toMatchObject({ success: true, id, status: 'processing' });
  });

  check('val.field-rules', ['VAL-1', 'VAL-6'], 'each body rule → 400 invalid_request naming the field; the job is unchanged', async ({ client, config }) => {
    const id = await createDraft(client, config);
    for (const [label, param, body] of INVALID_START_BODIES) {
      const r = await rejectedUnchanged(client, id, body);
      expect([r.status, r.json?.error?.code], label).toEqual([400, 'invalid_request']);
      const named = typeof r.json?.error?.param === 'string' ? dotted(r.json.error.param as string) : undefined;
      // The field itself, a member of it (background.color.2) or the object holding it all name it.
      const want = dotted(param);
      if (!named || !(want === named || want.startsWith(`${named}.`) || named.startsWith(`${want}.`))) {
        fail(`${label}: error.param is ${JSON.stringify(r.json?.error?.param)}, expected it to name ${param}`);
      }
    }
  });

  check('val.prompt-needs-pro', ['VAL-2', 'VAL-6'], 'text_prompt with an effective model other than pro → 400', async ({ client, config }) => {
    const id = await createDraft(client, config);
    for (const body of [{ text_prompt: 'a cat' }, { model: 'human', text_prompt: 'a cat' }]) {
      const r = await rejectedUnchanged(client, id, body);
      expect([r.status, r.json?.error?.code], JSON.stringify(body)).toEqual([400, 'invalid_request']);
    }
  });

  check('val.pro-needs-prompt', ['VAL-3', 'VAL-6'], 'model pro without a non-blank text_prompt → 400', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const r = await rejectedUnchanged(client, id, { model: 'pro' });
    expect([r.status, r.json?.error?.code]).toEqual([400, 'invalid_request']);
  });

  check('val.combination', ['VAL-4', 'VAL-6'], 'transparent + mp4 → 422 unsupported_combination', async ({ client, config }) => {
    const create = await client.post('/v1/jobs', { video_url: firstVideo(config), output_format: 'mp4', auto_start: false });
    expect([create.status, create.json?.error?.code], 'create transparent (default) + mp4').toEqual([422, 'unsupported_combination']);
    const id = await createDraft(client, config, { output_format: 'mp4', background: { type: 'color', color: [0, 0, 0] } });
    const r = await rejectedUnchanged(client, id, { background: { type: 'transparent' } });
    expect([r.status, r.json?.error?.code], 'start switching an mp4 job to transparent').toEqual([422, 'unsupported_combination']);
  });

  check('val.normalized', ['VAL-5'], 'composition is stored complete, and spelling defaults out changes nothing', async ({ client, config }) => {
    const a = await createDraft(client, config);
    const b = await createDraft(client, config);
    expect((await start(client, a, { model: 'light', composition: { foreground: {} } })).status).toBe(200);
    const spelled = { model: 'light', composition: { foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } } };
    expect((await start(client, b, spelled)).status).toBe(200);
    const ca = (await getJob(client, a)).json?.composition;
    const cb = (await getJob(client, b)).json?.composition;
    expect(ca?.foreground, 'stored foreground').toEqual({ anchor: 'center', scale: 1, offset: { x: 0, y: 0 } });
    expect(Number.isInteger(ca?.canvas?.width) && Number.isInteger(ca?.canvas?.height), 'stored canvas has the source size').toBe(true);
    expect(cb, 'defaults spelled out').toEqual(ca);
  });
});
