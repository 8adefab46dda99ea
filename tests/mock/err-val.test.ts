import { describe, expect, it } from 'vitest';
import { INVALID_START_BODIES } from '../../contracts/invalid-bodies.js';
import { ErrorResponse } from '../../contracts/schemas.js';
import { setup, VIDEO } from './harness.js';

describe('ERR rules', () => {
  it('ERR-1/ERR-2: every error class is JSON in the envelope with the code of its status', () => {
    const h = setup({ rateLimit: { capacity: 5, refillPerSecond: 0.01 } }); // five requests pass, the sixth is throttled
    const id = h.draft();
    h.start(id);
    const cases = [
      [h.call('POST', '/v1/jobs', { body: {} }), 400, 'invalid_request'],
      [h.call('GET', '/v1/jobs', { key: null }), 401, 'missing_api_key'],
      [h.call('GET', '/v1/jobs', { key: 'nope' }), 401, 'invalid_api_key'],
      [h.call('GET', '/v1/jobs/missing'), 404, 'not_found'],
      [h.start(id), 409, 'job_not_startable'],
      [h.call('GET', '/v1/jobs'), 429, 'rate_limited'],
    ] as const;
    const g = setup();
    const cases2 = [
      [g.call('POST', '/v1/jobs', { key: 'jc_test_broke_0a5c11', body: { video_url: VIDEO } }), 402, 'insufficient_credits'],
      [g.call('POST', '/v1/jobs', { raw: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type'],
      [g.call('POST', '/v1/jobs', { body: { video_url: VIDEO, output_format: 'mp4' } }), 422, 'unsupported_combination'],
    ] as const;
    for (const [r, status, code] of [...cases, ...cases2]) {
      expect(r.status).toBe(status);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(ErrorResponse.safeParse(r.json).success).toBe(true);
      expect(r.json.error.code).toBe(code);
    }
  });

  it('ERR-1 fault err-plain-text-errors; ERR-2 fault err-wrong-codes', () => {
    expect(setup({ faults: ['err-plain-text-errors'] }).call('GET', '/nope').headers['content-type']).toMatch(/^text\/plain/);
    expect(setup({ faults: ['err-wrong-codes'] }).call('GET', '/v1/jobs/x').json.error.code).toBe('job_not_found');
  });

  it('ERR-3: malformed input never gets a 5xx', () => {
    const h = setup();
    const id = h.draft();
    const json = { 'content-type': 'application/json' };
    const bodies: [string | Uint8Array, Record<string, string>, number][] = [
      ['{bad', json, 400], ['[1,2]', json, 400], ['"str"', json, 400], ['null', json, 400], ['1e999', json, 400],
      [new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), json, 400], ['{"model": "pro"', json, 400],
      ['x'.repeat(1024 * 1024), json, 400], ['{}', { 'content-type': 'text/plain' }, 415], ['{}', {}, 415],
      ['{"model":"light"}', { 'content-type': 'application/json; charset=utf-8' }, 200],
      ['{"model":"light"}', { 'content-type': 'Application/JSON' }, 409],
    ];
    for (const [raw, headers, status] of bodies) {
      const r = h.call('POST', `/v1/jobs/${id}/start`, { raw, headers });
      expect(r.status, `${String(raw).slice(0, 20)} ${JSON.stringify(headers)}`).toBe(status);
    }
  });

  it('ERR-3 faults: err-500-on-bad-json and err-415-as-400', () => {
    const json = { 'content-type': 'application/json' };
    expect(setup({ faults: ['err-500-on-bad-json'] }).call('POST', '/v1/jobs', { raw: '{bad', headers: json }).status).toBe(500);
    const w = setup({ faults: ['err-500-on-wrong-type'] });
    expect(w.start(w.draft(), { preview_duration: 'ten' }).status).toBe(500);
    expect(w.start(w.draft(), { preview_duration: 61 }).status).toBe(400); // a range error still gets 400
    expect(setup({ faults: ['err-415-as-400'] }).call('POST', '/v1/jobs', { raw: 'a', headers: { 'content-type': 'text/plain' } }).status).toBe(400);
  });

  it('ERR-3: unknown routes and methods get the 404 envelope', () => {
    const h = setup();
    for (const [m, p] of [['DELETE', '/v1/jobs'], ['PUT', '/v1/jobs/x/start'], ['GET', '/v2/jobs'], ['PATCH', '/health'], ['GET', '/v1/jobs/a/b/c']]) {
      const r = h.call(m as string, p as string);
      expect(r.status, `${m} ${p}`).toBe(404);
      expect(r.json.error.code).toBe('not_found');
    }
  });
});

describe('VAL rules', () => {

  it.each(INVALID_START_BODIES)('VAL-1: %s → 400 invalid_request naming %s; the job is unchanged (VAL-6)', (_name, param, body) => {
    const h = setup();
    const id = h.draft();
    const before = h.job(id).json;
    const r = h.start(id, body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'invalid_request', param });
    expect(h.job(id).json).toEqual(before);
    expect(h.events(id).json.events).toEqual([]);
  });

  it('VAL-1: a 500-character prompt after trimming is fine; create rules too', () => {
    const h = setup();
    expect(h.start(h.draft(), { model: 'pro', text_prompt: `  ${'a'.repeat(500)}  ` }).status).toBe(200);
    for (const [body, param] of [
      [{}, 'video_url'], [{ video_url: 'ftp://x.example/v' }, 'video_url'], [{ video_url: `https://x.example/${'a'.repeat(2040)}` }, 'video_url'],
      [{ video_url: VIDEO, output_format: 'avi' }, 'output_format'], [{ video_url: VIDEO, webhook_url: 'http://x.example/h' }, 'webhook_url'],
      [{ video_url: VIDEO, auto_start: 'yes' }, 'auto_start'],
    ] as const) {
      const r = h.call('POST', '/v1/jobs', { body });
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(r.json.error.param).toBe(param);
    }
  });

  it('VAL-1 faults: val-no-param, val-unknown-fields-accepted, val-ranges-unchecked', () => {
    const a = setup({ faults: ['val-no-param'] });
    expect(a.start(a.draft(), { model: 'ultra' }).json.error.param).toBeUndefined();
    const b = setup({ faults: ['val-unknown-fields-accepted'] });
    expect(b.start(b.draft(), { colour: 'red' }).status).toBe(200);
    const d = setup({ faults: ['val-rejects-canvas'] });
    expect(d.start(d.draft(), { composition: { canvas: { width: 1920, height: 1080 } } }).status).toBe(400); // valid, yet rejected
    const c = setup({ faults: ['val-ranges-unchecked'] });
    expect(c.start(c.draft(), { composition: { canvas: { width: 99999, height: 100 } } }).status).toBe(200);
  });

  it('VAL-2: text_prompt with an effective model other than pro → 400; the fault accepts it', () => {
    const h = setup();
    for (const body of [{ text_prompt: 'cat' }, { model: 'human', text_prompt: 'cat' }]) {
      const r = h.start(h.draft(), body);
      expect([r.status, r.json.error.code, r.json.error.param]).toEqual([400, 'invalid_request', 'text_prompt']);
    }
    expect(h.start(h.draft({ model: 'pro' }), { text_prompt: 'cat' }).status).toBe(200); // effective model is the job's pro
    const f = setup({ faults: ['val-prompt-any-model'] });
    expect(f.start(f.draft(), { model: 'light', text_prompt: 'cat' }).status).toBe(200);
  });

  it('VAL-3: pro without a non-blank prompt → 400; the fault starts it', () => {
    const h = setup();
    expect(h.start(h.draft(), { model: 'pro' }).json.error).toMatchObject({ code: 'invalid_request', param: 'text_prompt' });
    expect(h.start(h.draft({ model: 'pro' }), {}).status).toBe(400);
    expect(h.start(h.draft({ model: 'pro', text_prompt: 'a dog' }), {}).status).toBe(200);
    const f = setup({ faults: ['val-pro-without-prompt'] });
    expect(f.start(f.draft(), { model: 'pro' }).status).toBe(200);
  });

  it('VAL-4: transparent + mp4 → 422 unsupported_combination at create and start; the fault accepts it', () => {
    const h = setup();
    expect(h.call('POST', '/v1/jobs', { body: { video_url: VIDEO, output_format: 'mp4' } }).json.error.code).toBe('unsupported_combination');
    const id = h.draft({ output_format: 'mp4', background: { type: 'color', color: [0, 0, 0] } });
    const r = h.start(id, { background: { type: 'transparent' } });
    expect([r.status, r.json.error.code]).toEqual([422, 'unsupported_combination']);
    expect(h.start(id, {}).status).toBe(200);
    const f = setup({ faults: ['val-transparent-mp4'] });
    expect(f.call('POST', '/v1/jobs', { body: { video_url: VIDEO, output_format: 'mp4' } }).status).toBe(200);
  });

  it('VAL-5: the stored composition is complete, and spelling defaults out changes nothing', () => {
    const h = setup();
    const a = h.draft();
    const b = h.draft();
    h.start(a, { composition: {} });
    h.start(b, { composition: { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } } });
    const ca = h.job(a).json.composition;
    expect(ca).toEqual({ canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } });
    expect(h.job(b).json.composition).toEqual(ca);
    expect(h.job(h.draft()).json.composition).toEqual(ca); // a draft carries the normalized default too
    const f = setup({ faults: ['val-composition-raw'] });
    const fid = f.draft();
    f.start(fid, { composition: { foreground: { scale: 2 } } });
    expect(f.job(fid).json.composition).toEqual({ foreground: { scale: 2 } });
  });

  it('VAL-1/VAL-5: every composition leaf is optional on its own and filled with its default; null is a wrong type', () => {
    const h = setup();
    const full = { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } };
    const partial: [unknown, unknown][] = [
      [{ foreground: { offset: { x: 5 } } }, { ...full, foreground: { ...full.foreground, offset: { x: 5, y: 0 } } }],
      [{ foreground: { offset: { y: -7680 } } }, { ...full, foreground: { ...full.foreground, offset: { x: 0, y: -7680 } } }],
      [{ canvas: { height: 720 } }, { ...full, canvas: { width: 1920, height: 720 } }],
      [{ canvas: { width: 7680 } }, { ...full, canvas: { width: 7680, height: 1080 } }],
      [{ canvas: {}, foreground: { offset: {} } }, full],
    ];
    for (const [composition, stored] of partial) {
      const id = h.draft();
      const r = h.start(id, { composition });
      expect(r.status, JSON.stringify(composition)).toBe(200);
      expect(h.job(id).json.composition, JSON.stringify(composition)).toEqual(stored);
    }
    for (const body of [{ composition: null }, { composition: { canvas: null } }, { composition: { canvas: { width: null } } }, { composition: { foreground: { offset: { x: null } } } }, { model: null }]) {
      const r = h.start(h.draft(), body);
      expect([r.status, r.json.error.code], JSON.stringify(body)).toEqual([400, 'invalid_request']);
    }
  });

  it('VAL-5: a start without composition keeps the job\'s current composition, normalized', () => {
    const h = setup({ processingMs: 10 });
    const failing = 'https://media.example.com/clips/fail-broken.mp4';
    const r = h.call('POST', '/v1/jobs', { body: { video_url: failing, auto_start: false } });
    const id = r.json.id as string;
    expect(h.start(id, { composition: { canvas: { width: 640 }, foreground: { anchor: 'top' } } }).status).toBe(200);
    h.advance(20);
    expect(h.job(id).json.status).toBe('failed');
    expect(h.start(id, { model: 'light' }).status).toBe(200); // a failed job may be started again
    expect(h.job(id).json.composition).toEqual({ canvas: { width: 640, height: 1080 }, foreground: { anchor: 'top', scale: 1, offset: { x: 0, y: 0 } } });
  });

  it('VAL-6: a start rejected by policy changes nothing; val-rejected-start-mutates writes the model', () => {
    const h = setup();
    const id = h.draft();
    const before = h.job(id).json;
    expect(h.start(id, { model: 'pro' }).status).toBe(400);
    expect(h.job(id).json).toEqual(before);
    const f = setup({ faults: ['val-rejected-start-mutates'] });
    const fid = f.draft();
    f.start(fid, { model: 'pro' });
    expect(f.job(fid).json.model).toBe('pro');
  });
});
