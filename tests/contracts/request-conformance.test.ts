// checkRequest: the request side of conformance, which the load scenarios and
// the k6 export are held to.
import { describe, expect, it } from 'vitest';
import { checkRequest } from '../../contracts/request-conformance.js';

const key = { 'x-api-key': 'k' };
const json = { ...key, 'content-type': 'application/json' };
const messages = (r: Parameters<typeof checkRequest>[0], ctx?: Parameters<typeof checkRequest>[1]) => checkRequest(r, ctx).map((v) => v.message);

describe('checkRequest', () => {
  it('accepts valid requests of every operation', () => {
    expect(messages({ method: 'POST', path: '/v1/jobs', headers: json, body: '{"video_url":"https://cdn.example.com/a.mp4","auto_start":false}' })).toEqual([]);
    expect(messages({ method: 'POST', path: '/v1/jobs/job_1/start', headers: { ...json, 'Idempotency-Key': 'abc' }, body: '{"model":"pro","text_prompt":"person","preview_duration":1}' })).toEqual([]);
    expect(messages({ method: 'GET', path: '/v1/jobs/job_1', headers: key })).toEqual([]);
    expect(messages({ method: 'GET', path: '/v1/jobs?limit=10&status=completed', headers: key })).toEqual([]);
    expect(messages({ method: 'GET', path: '/health', headers: {} })).toEqual([]);
  });

  it('names what is wrong: route, key, parameters, content type, body schema, policy', () => {
    expect(messages({ method: 'DELETE', path: '/v1/jobs', headers: key })[0]).toMatch(/no operation/);
    expect(messages({ method: 'GET', path: '/v1/jobs/job_1', headers: {} })).toEqual([expect.stringMatching(/X-Api-Key is missing/)]);
    expect(messages({ method: 'GET', path: '/v1/jobs?limit=500', headers: key })).toEqual([expect.stringMatching(/query parameter limit/)]);
    expect(messages({ method: 'GET', path: '/v1/jobs?page=2', headers: key })).toEqual([expect.stringMatching(/page is not in the spec/)]);
    expect(messages({ method: 'POST', path: '/v1/jobs/x/start', headers: { ...json, 'idempotency-key': ' bad' }, body: '{}' })).toEqual([expect.stringMatching(/Idempotency-Key/)]);
    expect(messages({ method: 'POST', path: '/v1/jobs/x/start', headers: { ...key, 'content-type': 'text/plain' }, body: '{}' })).toEqual([expect.stringMatching(/application\/json/)]);
    expect(messages({ method: 'POST', path: '/v1/jobs/x/start', headers: json, body: '{"model":' })).toEqual(['the body is not JSON']);
    expect(messages({ method: 'POST', path: '/v1/jobs/x/start', headers: json, body: '{"preview_duration":0}' })[0]).toMatch(/preview_duration/);
    expect(messages({ method: 'POST', path: '/v1/jobs/x/start', headers: json, body: '{"model":"light","text_prompt":"x"}' })).toEqual([expect.stringMatching(/^VAL-2/)]);
    expect(messages({ method: 'POST', path: '/v1/jobs/x/start', headers: json, body: '{"model":"pro"}' })).toEqual([expect.stringMatching(/^VAL-3/)]);
    expect(messages({ method: 'POST', path: '/v1/jobs/x/start', headers: json, body: '{}' }, { outputFormat: 'mp4' })).toEqual([expect.stringMatching(/^VAL-4/)]);
  });
});
