// Hostile targets, each a small loopback server: whatever the transport does,
// a run ends by itself (its checks' timeouts, and --max-duration for what they
// do not end), with the right exit code (3 when unreachable, 1 otherwise; 0 for
// a correct target that is merely slow, 4 when nothing failed but the answers
// could not be judged), in bounded memory (the child runs with a 256 MiB heap),
// and the report says in plain words what the transport did, a check that could
// not run being `error` with the reason rather than `fail`. An answer the
// contract does not allow (a redirect, a body over the cap, cut short or not
// JSON) is blamed on the contract (SCHEMA, ERR-1) or the transport, never on
// the rule the check was reading it for.
// Nothing here times a run (CI machines are loaded): a hang is caught by a
// backstop of minutes, and the test fails only then.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { KEYS } from '../mock/harness.js';
import { runPool } from './pool.js';
import { runCertify, type CertifyRun } from './run-certify.js';

const REQUEST_TIMEOUT_MS = 1000;
const MAX_DURATION_S = 25;
/**
 * A run still going after this has hung: it is killed and its test fails. A
 * backstop, not a performance figure: a run ends by --max-duration plus the
 * 15 s grace at the latest, however slow the machine.
 */
const HANG_MS = 3 * 60_000;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: (Server | TcpServer)[] = [];
const mocks: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) { (s as Server).closeAllConnections?.(); s.close(); }
  await Promise.all(mocks.map((m) => m.close()));
});

function listen(server: Server | TcpServer): Promise<string> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
}

/** What the mock answered, for a hostile that spoils it on its way back. */
interface Answer { status: number; headers: Record<string, string>; body: Buffer }
type Spoil = (req: IncomingMessage, answer: Answer, res: ServerResponse) => void;

/** A mock that answers /health, and lets `hostile` take whatever else it wants: pass it on, or pass it and spoil the answer. */
async function around(hostile: (req: IncomingMessage, res: ServerResponse, pass: (spoil?: Spoil) => void) => void): Promise<string> {
  const mock = await startHttpServer(createEngine());
  mocks.push(mock);
  const upstream = new URL(mock.url);
  const proxy: Handler = (req, res) => {
    const pass = (spoil?: Spoil): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(`${mock.url}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, redirect: 'manual', ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) })
          .then(async (r) => {
            const body = Buffer.from(await r.arrayBuffer());
            const headers: Record<string, string> = {};
            r.headers.forEach((v, k) => { if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection' && k !== 'keep-alive') headers[k] = v; });
            if (spoil) spoil(req, { status: r.status, headers, body }, res);
            else res.writeHead(r.status, headers).end(body);
          }, () => res.destroy());
      });
    };
    if (req.url === '/health') return pass();
    // A client gone mid-body (the cap, a resend) is no error of the proxy's.
    res.on('error', () => undefined);
    hostile(req, res, pass);
  };
  void upstream;
  return listen(createHttpServer(proxy));
}

let counter = 0;
const JOB_READ = /^\/v1\/jobs\/[^/?]+$/;
const isOk = (a: Answer): boolean => a.status >= 200 && a.status < 300;
/** 24 MiB: a job body far over the 1 MiB the client reads, sent from one buffer (every run shares it). */
const PADDING = Buffer.alloc(24 * 1024 * 1024, 0x78);
const hostiles: Record<string, () => Promise<string>> = {
  'refuses connections': async () => {
    const s = createTcpServer();
    const url = await listen(s);
    await new Promise<void>((r) => s.close(() => r()));
    return url;
  },
  'accepts and never answers': () => listen(createTcpServer(() => undefined)),
  'sends headers, then stalls the body': () => around((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"jobs":['); }),
  'resets one connection in three mid-response': () => around((req, res, pass) => {
    if (++counter % 3 !== 0) return pass();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
    res.write('{"partial":');
    setTimeout(() => req.socket.destroy(), 10);
  }),
  'answers 200 with HTML': () => around((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>'); }),
  'answers 200 with invalid JSON': () => around((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "job_1", "status":'); }),
  'streams an endless body': () => around((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    const pump = (): void => { while (res.write(chunk)) { /* until the socket pushes back */ } };
    res.on('drain', pump);
    pump();
  }),
  'answers a 100 MB body': () => around((_req, res) => {
    const total = 100 * 1024 * 1024;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(total) });
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => { while (sent < total && res.write(chunk)) sent += chunk.length; if (sent >= total) res.end(); };
    res.on('drain', () => { sent += chunk.length; pump(); });
    pump();
  }),
  'answers correctly but 2 s late': () => around((_req, _res, pass) => { setTimeout(pass, 2000); }),
  'redirects to another origin': async () => {
    const thief = await listen(createHttpServer((req, res) => { thiefSaw.push(String(req.headers['x-api-key'] ?? '(no key)')); res.end('stolen'); }));
    return around((req, res) => { res.writeHead(307, { location: `${thief}${req.url}` }).end(); });
  },
  // Answers the contract does not allow, each passed through the mock and spoilt on the way back.
  'pads job bodies to 24 MiB': () => around((req, _res, pass) => pass((_req, a, out) => {
    if (req.method !== 'GET' || !JOB_READ.test(req.url ?? '') || !isOk(a)) return void out.writeHead(a.status, a.headers).end(a.body);
    // Valid JSON, one extra member (a member SPEC does not name is allowed): only its size is hostile.
    const head = Buffer.from(`${a.body.toString('utf8').replace(/\}\s*$/, '')},"padding":"`);
    const tail = Buffer.from('"}');
    out.writeHead(a.status, { ...a.headers, 'content-length': String(head.length + PADDING.length + tail.length) });
    out.write(head);
    out.write(PADDING);
    out.end(tail);
  })),
  'cuts job bodies short': () => around((req, _res, pass) => pass((_req, a, out) => {
    if (req.method !== 'GET' || !JOB_READ.test(req.url ?? '') || !isOk(a)) return void out.writeHead(a.status, a.headers).end(a.body);
    // Promises more than it sends, then hangs up: the body never completes.
    out.writeHead(a.status, { ...a.headers, 'content-length': String(a.body.length + 4096) });
    out.write(a.body.subarray(0, Math.floor(a.body.length / 2)));
    setTimeout(() => req.socket.destroy(), 10);
  })),
  'answers HTML bodies, statuses kept': () => around((_req, _res, pass) => pass((_req2, a, out) => {
    const headers = Object.fromEntries(Object.entries(a.headers).filter(([k]) => k !== 'content-type'));
    out.writeHead(a.status, { ...headers, 'content-type': 'text/html' }).end('<html><body>Service temporarily unavailable</body></html>');
  })),
  'breaks HTTP framing': () => around((req) => { req.socket.end('HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\nX: \u0000\r\n\r\n{}'); }),
  'answers TLS to plain HTTP': () => listen(createTcpServer((socket: Socket) => {
    // A TLS handshake-failure alert record, as a TLS-only port sends to a client that spoke plain HTTP.
    socket.on('data', () => socket.end(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28])));
  })),
};

/** The X-Api-Key of every request the redirect's other origin received. */
const thiefSaw: string[] = [];

/**
 * An answer the contract does not allow is blamed on the contract: `fails` are
 * the only rules a check may fail on (SCHEMA for the schema.* checks), and a
 * check that met the answer and could not judge says why in `notJudged`'s words.
 */
interface Blame { fails: string[]; notJudged: RegExp }
/**
 * `only` selects the checks (and, through the rules they cite, the PACT interactions); `skip` leaves a stage out;
 * `patient`: a 5 s request timeout, for targets whose point is not time (the mock's first answers are slow on a busy machine).
 */
interface Expectation { code: number; transport?: RegExp; only: string; skip?: string; blame?: Blame; patient?: boolean }
const EXPECT: Record<string, Expectation> = {
  'refuses connections': { code: 3, only: 'AUTH' },
  'accepts and never answers': { code: 3, only: 'AUTH' },
  // Behind these transports is the correct mock: no check may fail, and those the transport cut short could not judge
  // (exit 4). PACT's verifier is a stage of its own, whose bound (it may end past the deadline) would decide the exit code.
  'sends headers, then stalls the body': { code: 4, transport: /unanswered past the request timeout/, only: 'AUTH,OBS-1', skip: 'PACT' },
  'resets one connection in three mid-response': { code: 4, transport: /reset or closed \d+ connections? before a full answer/, only: 'AUTH,ERR,OBS-2', skip: 'PACT' },
  'answers 200 with HTML': { code: 1, only: 'AUTH,SCHEMA' },
  'answers 200 with invalid JSON': { code: 1, only: 'AUTH,SCHEMA' },
  // Bodies over the cap cannot be read: the checks that needed them are not judged (exit 4), none fails on its own rule.
  'streams an endless body': { code: 4, only: 'AUTH-1,AUTH-5', skip: 'PACT', blame: { fails: [], notJudged: /^not judged: .* → 200: its body is over the 1 MiB jobcert reads/ } },
  'answers a 100 MB body': { code: 4, only: 'AUTH-1,AUTH-5', skip: 'PACT', blame: { fails: [], notJudged: /^not judged: .* → 200: its body is over the 1 MiB jobcert reads/ } },
  // OBS-2 and AUTH-2 also select the FUZZ checks and PACT interactions that cite them: the FUZZ checks need the
  // rate-limit discovery, and the interactions cannot all be verified 2 s apart, within this run's 25 s deadline
  // (an honest error of those stages). The property here is slow answers being waited for, so both stay out.
  'answers correctly but 2 s late': { code: 0, only: 'AUTH-2,AUTH-5,OBS-2', skip: 'PACT,FUZZ' },
  // SCHEMA judges the undocumented 307s (exit 1); the checks that met them could not judge. PACT stays in: its
  // verifier must not follow the redirect either (the last test here).
  'redirects to another origin': { code: 1, only: 'AUTH-1,AUTH-5,SCHEMA', patient: true, blame: { fails: ['SCHEMA'], notJudged: /^not judged: SCHEMA: .* → 307: a redirect to .*not followed/ } },
  // Every job read unusable, nothing else wrong: nothing fails, the checks that read a job could not judge (exit 4).
  'pads job bodies to 24 MiB': { code: 4, only: 'VAL-5,VAL-6', skip: 'PACT,FUZZ', patient: true, blame: { fails: [], notJudged: /^not judged: GET .* → 200: its body is over the 1 MiB jobcert reads/ } },
  'cuts job bodies short': { code: 4, transport: /reset or closed/, only: 'VAL-6', skip: 'PACT,FUZZ', patient: true, blame: { fails: [], notJudged: /^transport: GET .*: connection reset or closed before a full response/ } },
  // A 2xx that is not JSON is SCHEMA's; an error that is not the envelope, ERR-1's.
  'answers HTML bodies, statuses kept': { code: 1, only: 'VAL-6,OBS-3,SCHEMA', skip: 'PACT,FUZZ', patient: true, blame: { fails: ['SCHEMA', 'ERR-1'], notJudged: /^not judged: (SCHEMA|ERR-1): .*(not a JSON object|not the JSON error envelope)/ } },
  'breaks HTTP framing': { code: 1, transport: /broken HTTP|reset or closed/, only: 'AUTH-1,AUTH-5,OBS-2' },
  'answers TLS to plain HTTP': { code: 3, only: 'AUTH' },
};

const names = Object.keys(hostiles);
const runs = runPool(names, 4, async (name) => {
  const target = await hostiles[name]!();
  // The late target must be waited for; the 100 MB one gets time to send its
  // first MiB even on a busy CI machine, so the cap (not the timeout) ends it.
  const patient = name === 'answers correctly but 2 s late' || name === 'answers a 100 MB body' || EXPECT[name]!.patient === true;
  return runCertify([
    '--target', target, '--api-key', KEYS.primary, '--alt-api-key', KEYS.second, '--video-url', 'https://media.example.com/v.mp4',
    '--only', EXPECT[name]!.only, ...(EXPECT[name]!.skip ? ['--skip', EXPECT[name]!.skip] : []), '--request-timeout', String(patient ? 5000 : REQUEST_TIMEOUT_MS), '--max-duration', String(MAX_DURATION_S), '--job-timeout', '3', '--quiet',
  ], { timeoutMs: HANG_MS, env: { NODE_OPTIONS: '--max-old-space-size=256' } });
});

/**
 * No check fails on a rule other than the blamed ones, and a check that could
 * not judge says it was the answer (or, on a loaded machine, the transport or
 * the clock: honest errors too), never another rule or the harness.
 */
function expectBlamed(doc: NonNullable<CertifyRun['doc']>, blame: Blame): void {
  // PACT is another stage, with a verifier of its own: its interactions are judged against the pact file, not blamed here.
  for (const c of doc.checks.filter((x) => x.status === 'fail' && x.family !== 'PACT')) {
    expect(blame.fails, `${c.id} failed: ${c.message.slice(0, 300)}`).toContain(c.family === 'SCHEMA' ? 'SCHEMA' : c.finding?.rule);
  }
  // The deadline's cuts are checked above.
  const couldNot = doc.checks.filter((c) => c.status === 'error' && c.family !== 'PACT' && !/^(unfinished|not run): /.test(c.message));
  expect(couldNot.length, 'some check met the answer and could not judge').toBeGreaterThan(0);
  expect(couldNot.filter((c) => blame.notJudged.test(c.message)).length, 'a check blames the answer').toBeGreaterThan(0);
  for (const c of couldNot) if (!/^(transport|out of time): /.test(c.message)) expect(c.message, c.id).toMatch(blame.notJudged);
}

describe('hostile targets: bounded, clear, right exit code, the transport reported', () => {
  it.each(names)('%s', async (name) => {
    const run: CertifyRun = await runs.get(name);
    const want = EXPECT[name]!;
    expect(run.hung, 'the run ended by itself').toBe(false);
    expect(run.code, `${name}: exit code; stderr ${run.stderr.slice(0, 400)}; stdout ${run.stdout.slice(-1500)}`).toBe(want.code);
    expect(run.stderr, 'no stack trace').not.toMatch(/\n\s+at /);
    if (want.code === 3) {
      expect(run.stderr).toMatch(/could not be reached/);
      return;
    }
    const doc = run.doc!;
    expect(doc, 'reports were written').toBeDefined();
    // Bounded however slow the machine: a check its own timeouts and limits did not end, the run
    // deadline (--max-duration) cut short, and the report says so in those words.
    for (const c of doc.checks.filter((x) => /^(unfinished|not run): /.test(x.message))) expect(c.message, c.id).toMatch(new RegExp(`the run deadline \\(--max-duration ${MAX_DURATION_S} s\\) passed`));
    if (want.transport) {
      expect(doc.transport.failed, 'the transport section counts what happened').toBeGreaterThan(0);
      expect(run.stdout, 'the console says it in plain words').toMatch(/transport: the target /);
      expect(run.stdout).toMatch(want.transport);
    }
    // A check that could not run because of the transport is an error, never a fail.
    for (const c of doc.checks) if (c.transport && c.status === 'fail') expect(c.message, `${c.id} failed though the transport broke`).not.toMatch(/^transport: /);
    // A harness that trips over an answer says what the answer was, never a JavaScript error of its own.
    for (const c of doc.checks) expect(c.message, c.id).not.toMatch(/TypeError|Cannot read properties/);
    if (want.blame) expectBlamed(doc, want.blame);
    console.log(`${name}: exit ${run.code} after ${(run.ms / 1000).toFixed(1)} s; transport ${JSON.stringify(doc.transport.by_kind)}; ${doc.summary.fail} failed, ${doc.summary.error} errored`);
  }, HANG_MS + 60_000);

  it('a redirect to another origin is not followed: the other origin gets no request, so no key', async () => {
    const run = await runs.get('redirects to another origin');
    expect(run.code).toBe(1);
    expect(thiefSaw, 'what the other origin received').toEqual([]);
  }, HANG_MS + 60_000);

  it('a capped body is kept to 1 MiB and marked truncated', async () => {
    const run = await runs.get('answers a 100 MB body');
    const truncated = run.doc!.checks.flatMap((c) => c.evidence).filter((e) => e.response?.truncated);
    expect(truncated.length).toBeGreaterThan(0);
    for (const e of truncated) expect(e.response!.body.length).toBeLessThanOrEqual(16 * 1024);
  }, HANG_MS + 60_000);
});

