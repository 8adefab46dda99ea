// An answer of the contract's operations that a check cannot read is blamed on
// the contract when the check reads it, never on the rule it was read for: a
// redirect (not followed: the other origin gets nothing) and a 2xx body that is
// not a JSON object are SCHEMA's, an error that is not the envelope ERR-1's, a
// body over the cap nobody's (not judged). Loopback only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, jsonIfUsable, Recorder, type Reply } from '../../suites/lib/client.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { NotJudged, RuleBroken } from '../../suites/lib/errors.js';
import { KEYS } from '../mock/harness.js';

const job = JSON.stringify({ id: 'job_ok', status: 'created' });
const big = JSON.stringify({ id: 'job_big', padding: 'x'.repeat(2 * 1024 * 1024) });
const servers: Server[] = [];
/** The X-Api-Key of every request the other origin received. */
const otherOriginSaw: string[] = [];
let target = '';

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const other = await listen(createServer((req, res) => { otherOriginSaw.push(String(req.headers['x-api-key'] ?? '(no key)')); res.end('{}'); }));
  target = await listen(createServer((req, res) => {
    const json = { 'content-type': 'application/json', 'x-request-id': 'req_1' };
    if (req.url === '/v1/jobs/job_redirect') res.writeHead(307, { location: `${other}/steal` }).end();
    else if (req.url === '/v1/jobs/job_html') res.writeHead(200, { 'content-type': 'text/html', 'x-request-id': 'req_1' }).end('<html>hi</html>');
    else if (req.url === '/v1/jobs/job_array') res.writeHead(200, json).end('[1]');
    else if (req.url === '/v1/jobs/job_big') res.writeHead(200, json).end(big);
    else if (req.url === '/v1/jobs/job_plain404') res.writeHead(404, { 'content-type': 'text/plain', 'x-request-id': 'req_1' }).end('not found');
    else res.writeHead(200, json).end(job);
  }));
});
afterAll(() => { for (const s of servers) { s.closeAllConnections(); s.close(); } });

function client(): Client {
  const config: RunConfig = {
    target, embedded: null, keys: { primary: KEYS.primary }, videos: [], profile: 'quick', jobTimeoutS: 10, requestTimeoutMs: 10_000,
    deadlineAt: Date.now() + 60_000, concurrency: 1, burstMax: 100, promptPolicy: 'required',
  };
  return new Client(new Recorder(config), { retry429: false });
}

/** What reading the reply's JSON throws. */
function readingThrows(reply: Reply): unknown {
  try { void reply.json; } catch (err) { return err; }
  return undefined;
}

describe('an answer a check cannot read is blamed on the contract', () => {
  it('a 307 to another origin is not followed, and the request ends as SCHEMA\'s, not judged', async () => {
    const c = client();
    const err = await c.get('/v1/jobs/job_redirect').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RuleBroken);
    expect((err as RuleBroken).rule).toBe('SCHEMA');
    expect((err as Error).message).toMatch(/→ 307: a redirect to http:\/\/127\.0\.0\.1:\d+\/steal.*not followed/);
    expect(otherOriginSaw, 'the other origin got no request, so no key').toEqual([]);
    // SCHEMA judges it over the run: the undocumented status is the exchange's violation.
    expect(c.recorder.exchanges[0]?.violations.map((v) => v.message).join('; ')).toMatch(/status 307 is not documented for getJob/);
  });

  it.each([
    ['a 2xx body that is not JSON', '/v1/jobs/job_html', 'SCHEMA', /→ 200: the body is not a JSON object \(text\/html\): <html>hi<\/html>/],
    ['a 2xx body that is JSON but no object', '/v1/jobs/job_array', 'SCHEMA', /the body is not a JSON object/],
    ['an error that is not the envelope', '/v1/jobs/job_plain404', 'ERR-1', /→ 404: the body is not a JSON object \(text\/plain\).*not the error envelope/],
  ])('%s: its status is read, its body throws the rule that owns it', async (_label, path, rule, why) => {
    const reply = await client().get(path);
    expect(reply.unusable?.blame).toBe(rule);
    const err = readingThrows(reply);
    expect(err).toBeInstanceOf(RuleBroken);
    expect((err as RuleBroken).rule).toBe(rule);
    expect((err as Error).message).toMatch(why);
    expect(jsonIfUsable(reply), 'read leniently, for a message').toBeUndefined();
  });

  it('a body over the 1 MiB cap is not judged, and SCHEMA does not judge what the cap cut off', async () => {
    const reply = await client().get('/v1/jobs/job_big');
    expect(reply.exchange.response?.truncated).toBe(true);
    const err = readingThrows(reply);
    expect(err).toBeInstanceOf(NotJudged);
    expect((err as Error).message).toMatch(/^not judged: GET .* → 200: its body is over the 1 MiB jobcert reads/);
    expect(reply.exchange.violations.filter((v) => v.message.startsWith('body'))).toEqual([]);
  });

  it('a usable answer reads as before', async () => {
    const reply = await client().get('/v1/jobs/job_ok');
    expect(reply.unusable).toBeUndefined();
    expect(reply.json.id).toBe('job_ok');
    expect(jsonIfUsable(reply).status).toBe('created');
  });
});
