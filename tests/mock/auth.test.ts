import { describe, expect, it } from 'vitest';
import { KEYS, setup, VIDEO } from './harness.js';

describe('AUTH rules', () => {
  it('AUTH-1: a valid key gets 2xx on every operation', () => {
    const h = setup();
    const id = h.draft();
    expect(h.call('GET', `/v1/jobs/${id}`).status).toBe(200);
    expect(h.call('GET', '/v1/jobs').status).toBe(200);
    expect(h.call('GET', '/v1/usage/events').status).toBe(200);
    expect(h.start(id, { model: 'light' }).status).toBe(200);
  });

  it('AUTH-1 fault auth-rejects-valid-key: the primary key is refused on the usage route', () => {
    expect(setup({ faults: ['auth-rejects-valid-key'] }).call('GET', '/v1/usage/events').status).toBe(401);
  });

  it('AUTH-2: missing key → missing_api_key; unknown, empty, malformed → invalid_api_key', () => {
    const h = setup();
    expect(h.call('GET', '/v1/jobs', { key: null }).json.error.code).toBe('missing_api_key');
    for (const key of ['jc_test_nope', '', ' ', 'x'.repeat(300), `${KEYS.primary} `, 'ключ']) {
      const r = h.call('GET', '/v1/jobs', { key });
      expect(r.status, JSON.stringify(key)).toBe(401);
      expect(r.json.error.code).toBe('invalid_api_key');
    }
  });

  it('AUTH-2 fault auth-missing-as-invalid: a missing key is called invalid', () => {
    expect(setup({ faults: ['auth-missing-as-invalid'] }).call('GET', '/v1/jobs', { key: null }).json.error.code).toBe('invalid_api_key');
  });

  it('AUTH-2 fault auth-accept-any-key: an unknown key gets 200', () => {
    expect(setup({ faults: ['auth-accept-any-key'] }).call('GET', '/v1/jobs', { key: 'whatever' }).status).toBe(200);
  });

  it('AUTH-2: near misses of a valid key and a valid key anywhere but X-Api-Key are refused', () => {
    const h = setup();
    // Header bytes as Node hands them over (ISO-8859-1): the fullwidth twin arrives as its UTF-8 bytes.
    const fullwidthTwin = Buffer.from(`${KEYS.primary.slice(0, -1)}\uff43`, 'utf8').toString('latin1');
    for (const key of [KEYS.primary.toUpperCase(), `${KEYS.primary}x`, `${KEYS.primary}\u00a0`, fullwidthTwin]) {
      expect(h.call('GET', '/v1/jobs', { key }).json.error.code).toBe('invalid_api_key');
    }
    const basic = `Basic ${Buffer.from(`${KEYS.primary}:`).toString('base64')}`;
    for (const [url, headers] of [['/v1/jobs', { authorization: `Bearer ${KEYS.primary}` }], ['/v1/jobs', { authorization: basic }], [`/v1/jobs?api_key=${KEYS.primary}`, {}], ['/v1/jobs', { cookie: `api_key=${KEYS.primary}` }]] as const) {
      expect(h.call('GET', url, { key: null, headers }).json.error.code).toBe('missing_api_key');
    }
  });

  it('AUTH-2 faults of key comparison: each lets its near miss in', () => {
    const fullwidthTwin = Buffer.from(`${KEYS.primary.slice(0, -1)}\uff43`, 'utf8').toString('latin1');
    expect(setup({ faults: ['auth-key-case-insensitive'] }).call('GET', '/v1/jobs', { key: KEYS.primary.toUpperCase() }).status).toBe(200);
    expect(setup({ faults: ['auth-key-prefix-match'] }).call('GET', '/v1/jobs', { key: `${KEYS.primary}x` }).status).toBe(200);
    expect(setup({ faults: ['auth-key-trimmed'] }).call('GET', '/v1/jobs', { key: `${KEYS.primary}\u00a0` }).status).toBe(200);
    expect(setup({ faults: ['auth-key-normalized'] }).call('GET', '/v1/jobs', { key: fullwidthTwin }).status).toBe(200);
    expect(setup({ faults: ['auth-key-prefix-match'] }).call('GET', '/v1/jobs', { key: KEYS.primary.slice(0, -1) }).status, 'a prefix of a key is still refused').toBe(401);
  });

  it('AUTH-2 faults of key placement: Bearer, the query and a cookie are read', () => {
    expect(setup({ faults: ['auth-bearer-accepted'] }).call('GET', '/v1/jobs', { key: null, headers: { authorization: `Bearer ${KEYS.primary}` } }).status).toBe(200);
    for (const name of ['api_key', 'key', 'apikey']) expect(setup({ faults: ['auth-query-key-accepted'] }).call('GET', `/v1/jobs?${name}=${KEYS.primary}`, { key: null }).status, name).toBe(200);
    expect(setup({ faults: ['auth-cookie-key-accepted'] }).call('GET', '/v1/jobs', { key: null, headers: { cookie: `theme=dark; api_key=${KEYS.primary}` } }).status).toBe(200);
  });

  it('AUTH-3: 401 whatever the body, path parameter or rate-limit state', () => {
    const h = setup({ rateLimit: { capacity: 1, refillPerSecond: 0.001 } });
    h.call('GET', '/v1/jobs'); // empties the primary bucket
    const unauth = [
      h.call('POST', '/v1/jobs', { key: 'bad', raw: '{not json', headers: { 'content-type': 'application/json' } }),
      h.call('POST', '/v1/jobs', { key: null, body: { video_url: 'nope', extra: 1 } }),
      h.call('GET', '/v1/jobs/does-not-exist', { key: 'bad' }),
      h.call('POST', '/v1/jobs/does-not-exist/start', { key: null, raw: 'x=1', headers: { 'content-type': 'text/plain' } }),
      h.call('GET', '/v1/unknown-route', { key: null }),
      h.call('GET', '/v1/jobs?limit=0', { key: 'bad' }),
    ];
    for (const r of unauth) expect(r.status).toBe(401);
    expect(h.call('GET', '/v1/jobs').status).toBe(429); // the same bucket does throttle the valid key
  });

  it('AUTH-3 fault auth-validate-first: 400 and 404 leak to unauthenticated callers', () => {
    const h = setup({ faults: ['auth-validate-first'] });
    expect(h.call('GET', '/v1/jobs/nope', { key: null }).status).toBe(404);
    expect(h.call('POST', '/v1/jobs', { key: 'bad', body: { foo: 1 } }).status).toBe(400);
  });

  it("AUTH-4: another key's job is the same 404 as a missing one, for GET and start, and is never started", () => {
    const h = setup();
    const id = h.draft();
    const missing = h.call('GET', '/v1/jobs/job_missing', { key: KEYS.second });
    const foreign = h.job(id, KEYS.second);
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe(missing.json.error.code);
    expect(foreign.json.error.message).toBe(missing.json.error.message);
    const s = h.start(id, {}, { key: KEYS.second });
    expect(s.status).toBe(404);
    expect(s.json.error.code).toBe('not_found');
    expect(h.job(id).json.status).toBe('created');
    expect(h.events(id, KEYS.second).json.events).toEqual([]);
    expect(h.call('GET', '/v1/jobs', { key: KEYS.second }).json.total).toBe(0);
  });

  it('AUTH-4 fault auth-cross-key-access: the second key reads and starts the job', () => {
    const h = setup({ faults: ['auth-cross-key-access'] });
    const id = h.draft();
    expect(h.job(id, KEYS.second).status).toBe(200);
    expect(h.start(id, {}, { key: KEYS.second }).status).toBe(200);
  });

  it('AUTH-5: /health needs no key; with the fault it does', () => {
    expect(setup().call('GET', '/health', { key: null }).json).toEqual({ status: 'ok' });
    expect(setup({ faults: ['auth-health-needs-key'] }).call('GET', '/health', { key: null }).status).toBe(401);
  });

  it('AUTH-6: a 401 carries WWW-Authenticate naming X-Api-Key; the fault drops it', () => {
    expect(setup().call('GET', '/v1/jobs', { key: null }).headers['www-authenticate']).toMatch(/X-Api-Key/);
    expect(setup({ faults: ['auth-no-challenge'] }).call('GET', '/v1/jobs', { key: null }).headers['www-authenticate']).toBeUndefined();
  });

  it('AUTH-1 with the seed example: create a draft, start it with the vendor page body', () => {
    const h = setup();
    const id = h.draft({ video_url: VIDEO });
    const r = h.start(id, {
      model: 'pro', text_prompt: 'person, clothing accessories, glowing ring', background: { type: 'transparent' },
      composition: { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } },
    });
    expect(r.json).toEqual({ success: true, id, status: 'processing', message: 'Job started' });
  });
});
