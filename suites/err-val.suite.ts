// ERR and VAL: the error envelope, no 5xx for any input, and the body rules of
// SPEC §1 with the cross-field policy of contracts/policy.ts. Rejected starts
// must leave the job as it was (VAL-6), so the checks read the job back.
// Generated inputs are the FUZZ family's (fuzz.suite.ts); these are the examples.
import { specNamed } from '../contracts/conformance.js';
import { INVALID_START_BODIES } from '../contracts/invalid-bodies.js';
import { namesField } from '../contracts/fuzz/param.js';
import { bodyPreview, createDraft, errorOf, expectOutcome, expectServed, firstVideo, missingJobId, readJob, start } from './lib/api.js';
import { broken, suite, fail } from './lib/check.js';
import type { Client, Reply } from './lib/client.js';
import { clipWithSize, factsUnknown } from './lib/clip-facts.js';
import { mapLimit } from './lib/pool.js';
import { requireEqual, requireStatus, requireThat, shown } from './lib/verdicts.js';

const SEED_EXAMPLE = {
  model: 'pro',
  text_prompt: 'person, clothing accessories, glowing ring',
  background: { type: 'transparent' },
  composition: { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } },
};

/** Rejected starts in a batch, then one read-back: VAL-6 holds for all or the job shows which one changed it. */
async function rejectedUnchanged(client: Client, id: string, bodies: readonly unknown[]): Promise<Reply[]> {
  // What SPEC names of the job: a member it does not name may change on its own (§1), and is no change VAL-6 judges.
  const before = specNamed('Job', await readJob(client, id));
  const replies = await mapLimit(bodies, 4, (body) => start(client, id, body));
  const after = specNamed('Job', await readJob(client, id));
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    const accepted = replies.map((r, i) => [r.status, JSON.stringify(bodies[i])] as const).filter(([status]) => status < 400).map(([status, b]) => `${b} → ${status}`);
    requireEqual(after, before, 'VAL-6', 'a rejected start changes nothing: the job stays as it was', `before the starts${accepted.length ? ` (accepted: ${accepted.join('; ')})` : ''} it was`);
  }
  return replies;
}

export const ERR = suite('ERR', (check, config) => {
  check('err.envelope', ['ERR-1', 'ERR-2'], 'every error class is JSON in the envelope with the code of its status', async ({ client, config }) => {
    const id = await createDraft(client, config);
    expectServed(await start(client, id), 'starting a draft');
    // Each case is provoked through another rule; a different status is that rule's failure, not ERR's.
    const cases: [string, Reply, number, string, string][] = [
      ['400', await client.post('/v1/jobs', {}), 400, 'invalid_request', 'VAL-1'],
      ['401 missing', await client.get('/v1/jobs', { key: 'none' }), 401, 'missing_api_key', 'AUTH-2'],
      ['401 invalid', await client.get('/v1/jobs', { key: { raw: 'jc_wrong_key' } }), 401, 'invalid_api_key', 'AUTH-2'],
      ['404', await client.get(`/v1/jobs/${encodeURIComponent(missingJobId(id))}`), 404, 'not_found', 'AUTH-4'],
      ['409', await start(client, id), 409, 'job_not_startable', 'IDEM-5'],
      ['415', await client.request('POST', '/v1/jobs', { raw: 'video_url=x', contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type', 'ERR-3'],
      ['422', await client.post('/v1/jobs', { video_url: firstVideo(config), output_format: 'mp4' }), 422, 'unsupported_combination', 'VAL-4'],
    ];
    for (const [label, r, status, code, rule] of cases) {
      expectOutcome(r, { status }, rule, label);
      // ERR-1 (the envelope) and ERR-2 (a code its status allows) are this check's own; which code it is, the provoking rule's.
      errorOf(r);
      expectOutcome(r, { status, code }, rule, label);
    }
  });

  check('err.no-5xx', ['ERR-3'], 'malformed input gets 400 (or 415 by content type), never a 5xx', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const json = 'application/json';
    // A body with no content type is not JSON by content type (415), or simply malformed (400): SPEC leaves that open.
    // The last column: whose rule a wrong (non-5xx) answer breaks; an accepted out-of-range value is VAL-1's.
    const cases: [string, string | Uint8Array, string | null, number[], string][] = [
      ['truncated JSON', '{"model": "pro"', json, [400], 'ERR-3'], ['not an object', '[1,2,3]', json, [400], 'ERR-3'], ['a string', '"start"', json, [400], 'ERR-3'],
      ['null', 'null', json, [400], 'ERR-3'], ['number overflow', '{"preview_duration": 1e999}', json, [400], 'VAL-1'],
      ['a field of the wrong type', '{"preview_duration": "ten"}', json, [400], 'ERR-3'],
      ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]), json, [400], 'ERR-3'],
      ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`, json, [400], 'ERR-3'],
      ['text/plain', '{}', 'text/plain', [415], 'ERR-3'], ['no content type', '{"model": 7}', null, [400, 415], 'ERR-3'],
    ];
    const replies = await mapLimit(cases, 4, ([, raw, type]) => client.request('POST', `/v1/jobs/${encodeURIComponent(id)}/start`, { raw, contentType: type }));
    cases.forEach(([label, , , expected, rule], i) => {
      const r = replies[i] as Reply;
      if (r.status >= 500) fail(`${label}: ${r.status} (ERR-3 forbids any 5xx)`);
      if (!expected.includes(r.status)) broken(rule, `${label}: expected ${expected.join(' or ')}, got ${r.status}: ${bodyPreview(r)}`);
      errorOf(r);
    });
    const big = await client.request('POST', '/v1/jobs', { raw: JSON.stringify({ video_url: firstVideo(config), text_prompt: 'x'.repeat(200 * 1024) }), contentType: json });
    requireThat(big.status < 500, 'ERR-3', 'no request, however malformed, gets a 5xx (a create with a 200 KiB body)', `got ${big.status}: ${bodyPreview(big)}`);
    requireEqual((await readJob(client, id)).status, 'created', 'ERR-3', 'malformed starts are rejected (400 or 415), so the draft they were sent to stays created');
  });

});

export const VAL = suite('VAL', (check, config) => {
  check('val.seed-example', ['VAL-1', 'AUTH-1'], "the vendor page's example request starts a draft", async ({ client, config }) => {
    const id = await createDraft(client, config);
    const r = await start(client, id, SEED_EXAMPLE);
    requireStatus(r, 200, 'VAL-1', "the vendor page's example start body keeps every body rule of SPEC §1, so it is accepted with 200");
    requireThat(r.json?.success === true && r.json?.status === 'processing', 'VAL-1', 'an accepted start answers {"success": true, "status": "processing"}', `got ${bodyPreview(r)}`);
    if (r.json?.id !== id) broken('OBS-3', `start answered with the id ${JSON.stringify(r.json?.id)}, not the path's ${id}`);
  });

  check('val.field-rules', ['VAL-1', 'VAL-6'], 'each body rule → 400 invalid_request naming the field; the job is unchanged', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const replies = await rejectedUnchanged(client, id, INVALID_START_BODIES.map(([, , body]) => body));
    INVALID_START_BODIES.forEach(([label, param], i) => {
      const r = replies[i] as Reply;
      expectOutcome(r, { status: 400, code: 'invalid_request' }, 'VAL-1', label);
      const given = errorOf(r).param;
      // The field itself, a member of it (background.color.2) or the object holding it all name it.
      if (!namesField(given, param)) fail(`${label}: error.param is ${JSON.stringify(given)}, expected it to name ${param}`);
    });
  });

  check('val.prompt-needs-pro', ['VAL-2', 'VAL-6'], 'text_prompt with an effective model other than pro → 400', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const bodies = [{ text_prompt: 'a cat' }, { model: 'human', text_prompt: 'a cat' }];
    const replies = await rejectedUnchanged(client, id, bodies);
    replies.forEach((r, i) => expectOutcome(r, { status: 400, code: 'invalid_request' }, 'VAL-2', JSON.stringify(bodies[i])));
  });

  check('val.pro-needs-prompt', ['VAL-3', 'VAL-6'], 'model pro without a non-blank text_prompt → 400', async ({ client, config }) => {
    const id = await createDraft(client, config);
    const [r] = await rejectedUnchanged(client, id, [{ model: 'pro' }]);
    if (r?.status === 200) fail('pro without a text_prompt was accepted (VAL-3). If this provider is configured without the prompt policy, run with --prompt-policy off');
    expectOutcome(r as Reply, { status: 400, code: 'invalid_request' }, 'VAL-3', 'start with model pro and no prompt');
  }, config.promptPolicy === 'off' ? { skip: '--prompt-policy off: the provider is configured without the prompt policy (VAL-3 allows it), so there is nothing to judge; run with --prompt-policy required to judge VAL-3' } : {});

  check('val.combination', ['VAL-4', 'VAL-6'], 'transparent + mp4 → 422 unsupported_combination', async ({ client, config }) => {
    const create = await client.post('/v1/jobs', { video_url: firstVideo(config), output_format: 'mp4', auto_start: false });
    expectOutcome(create, { status: 422, code: 'unsupported_combination' }, 'VAL-4', 'create transparent (default) + mp4');
    const id = await createDraft(client, config, { output_format: 'mp4', background: { type: 'color', color: [0, 0, 0] } });
    const [r] = await rejectedUnchanged(client, id, [{ background: { type: 'transparent' } }]);
    expectOutcome(r as Reply, { status: 422, code: 'unsupported_combination' }, 'VAL-4', 'start switching an mp4 job to transparent');
  });

  check('val.normalized', ['VAL-5'], 'composition is stored complete; spelling defaults out or omitting leaves changes nothing', async ({ client, config, note }) => {
    // The canvas an omitted one becomes is the source's size: judged against a clip whose size is known.
    const sized = clipWithSize(config);
    const spellings: [string, Record<string, unknown>][] = [
      ['an empty foreground', { model: 'light', composition: { foreground: {} } }],
      ['every default spelled out but the canvas', { model: 'light', composition: { foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } } }],
      ['one offset leaf', { model: 'light', composition: { foreground: { offset: { y: 0 } } }, }],
      ['no composition (the draft keeps its own)', { model: 'light' }],
    ];
    const ids = await mapLimit(spellings, 4, () => createDraft(client, config, sized ? { video_url: sized.url } : {}));
    await mapLimit(spellings, 4, async ([label, body], i) => expectServed(await start(client, ids[i] as string, body), `start with ${label}`));
    // Compared by what SPEC names: a stored composition may carry more members at any depth (§1).
    const stored = await mapLimit(ids, 4, async (id) => specNamed('NormalizedComposition', (await readJob(client, id)).composition) as Record<string, any> | undefined);
    const first = stored[0];
    requireEqual(first?.foreground, { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } }, 'VAL-5', `the stored composition has every field, omitted ones filled with anchor: center, scale: 1, offset: {x: 0, y: 0} (a start with ${spellings[0]?.[0]})`);
    requireThat(Number.isInteger(first?.canvas?.width) && Number.isInteger(first?.canvas?.height), 'VAL-5', "an omitted canvas is stored as the source video's size, in whole pixels", `got the canvas ${shown(first?.canvas)}`);
    if (sized) requireEqual(first?.canvas, { width: sized.width, height: sized.height }, 'VAL-5', `an omitted canvas is stored as the source video's size (clip ${sized.label}: ${sized.width}×${sized.height}, as the run was told)`);
    else note(factsUnknown("whether an omitted canvas is stored as the source video's size (only that it is whole pixels was judged)", ['width', 'height']));
    spellings.forEach(([label], i) => requireEqual(stored[i], first, 'VAL-5', `two starts that differ only by spelling defaults out store the same composition (a start with ${label})`, `a start with ${spellings[0]?.[0]} stored`));
  });
});
