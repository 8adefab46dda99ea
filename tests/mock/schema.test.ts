// Every response of a scripted session conforms to contracts/openapi.yaml
// (all the rules' response shapes); schema-job-shape breaks the Job schema.
import { describe, expect, it } from 'vitest';
import { checkResponse } from '../../contracts/conformance.js';
import { KEYS, setup, VIDEO, type CallOptions, type Harness } from './harness.js';

function session(h: Harness) {
  const seen: { method: string; path: string; r: ReturnType<Harness['call']> }[] = [];
  const call = (method: string, path: string, opts?: CallOptions) => {
    const r = h.call(method, path, opts);
    seen.push({ method, path, r });
    return r;
  };
  const id = call('POST', '/v1/jobs', { body: { video_url: VIDEO, auto_start: false } }).json.id as string;
  call('GET', `/v1/jobs/${id}`);
  call('POST', `/v1/jobs/${id}/start`, { body: { model: 'pro' } });
  call('POST', `/v1/jobs/${id}/start`, { body: {}, key: KEYS.broke });
  call('POST', `/v1/jobs/${id}/start`, { body: { background: { type: 'image', image_url: 'https://a.example/b.png' } }, headers: { 'idempotency-key': 'k1' } });
  call('POST', `/v1/jobs/${id}/start`, { body: { background: { type: 'image', image_url: 'https://a.example/b.png' } }, headers: { 'idempotency-key': 'k1' } });
  call('POST', `/v1/jobs/${id}/start`, { body: {}, headers: { 'idempotency-key': 'k1' } });
  call('POST', `/v1/jobs/${id}/start`, { body: {} });
  call('POST', '/v1/jobs', { raw: 'x', headers: { 'content-type': 'text/plain' } });
  call('POST', '/v1/jobs', { body: { video_url: VIDEO, output_format: 'mp4' } });
  call('POST', '/v1/jobs', { key: KEYS.broke, body: { video_url: VIDEO } });
  call('GET', '/v1/jobs/nope');
  call('GET', '/v1/jobs', { key: null });
  h.advance(1000);
  call('GET', `/v1/jobs/${id}`);
  call('GET', '/v1/jobs?limit=5&status=completed');
  call('GET', '/v1/jobs?limit=0');
  call('GET', `/v1/usage/events?job_id=${id}`);
  call('GET', '/health', { key: null });
  for (let i = 0; i < 25; i++) call('GET', '/v1/jobs');
  return seen;
}

describe('schema conformance of the mock', () => {
  it('every response of a session across all operations and error classes matches the spec', () => {
    const seen = session(setup({ rateLimit: { capacity: 20, refillPerSecond: 10 } }));
    const statuses = new Set(seen.map((s) => s.r.status));
    expect([...statuses].sort()).toEqual([200, 400, 401, 402, 404, 409, 415, 422, 429]);
    for (const s of seen) {
      expect(checkResponse({ method: s.method, path: s.path, status: s.r.status, headers: s.r.headers, body: s.r.json }), `${s.method} ${s.path} ${s.r.status}`).toEqual([]);
    }
  });

  it('the schema-job-shape fault makes job responses violate the Job schema', () => {
    const seen = session(setup({ faults: ['schema-job-shape'] }));
    const violations = seen.flatMap((s) => checkResponse({ method: s.method, path: s.path, status: s.r.status, headers: s.r.headers, body: s.r.json }));
    expect(violations.map((v) => v.message)).toEqual(expect.arrayContaining([expect.stringMatching(/created_at/), expect.stringMatching(/credits_charged must be integer/)]));
  });

  it.each([
    ['schema-create-shape', 'POST /v1/jobs', /success must be boolean/],
    ['schema-start-shape', 'POST /v1/jobs/{id}/start', /required property 'status'/],
    ['schema-usage-shape', 'GET /v1/usage/events', /credits must be integer/],
    ['schema-health-shape', 'GET /health', /status must be equal to constant/],
  ] as const)('%s breaks only its operation\'s answer (%s)', (fault, operation, message) => {
    const seen = session(setup({ faults: [fault] }));
    const broken = seen.filter((s) => s.r.status === 200).map((s) => ({ s, v: checkResponse({ method: s.method, path: s.path, status: s.r.status, headers: s.r.headers, body: s.r.json }) })).filter((x) => x.v.length > 0);
    expect(broken.length).toBeGreaterThan(0);
    const op = (method: string, path: string): string => `${method} ${path.split('?')[0]!.replace(/^\/v1\/jobs\/[^/]+\/start$/, '/v1/jobs/{id}/start')}`;
    for (const { s, v } of broken) {
      expect(op(s.method, s.path), 'only the operation the fault names').toBe(operation);
      expect(v.map((x) => x.message).join('; ')).toMatch(message);
    }
  });

  it('an undocumented status is a violation', () => {
    expect(checkResponse({ method: 'GET', path: '/v1/jobs/x', status: 418, headers: {}, body: {} })[0]?.message).toMatch(/not documented/);
  });
});
