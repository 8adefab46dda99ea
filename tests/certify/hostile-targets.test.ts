// Hostile targets, each a small loopback server: whatever the transport does,
// a run ends by itself (its checks' timeouts, and --max-duration for what they
// do not end), with the right exit code (3 when unreachable, 1 otherwise; 0 for
// a correct target that is merely slow), in bounded memory (the child runs with
// a 256 MiB heap), and the report says in plain words what the transport did, a
// check that could not run being `error` with the reason rather than `fail`.
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

/** A mock that answers /health, and lets `hostile` take whatever else it wants. */
async function around(hostile: (req: IncomingMessage, res: ServerResponse, pass: () => void) => void): Promise<string> {
  const mock = await startHttpServer(createEngine());
  mocks.push(mock);
  const upstream = new URL(mock.url);
  const proxy: Handler = (req, res) => {
    const pass = (): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(`${mock.url}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, redirect: 'manual', ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) })
          .then(async (r) => {
            const body = Buffer.from(await r.arrayBuffer());
            const headers: Record<string, string> = {};
            r.headers.forEach((v, k) => { if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection' && k !== 'keep-alive') headers[k] = v; });
            res.writeHead(r.status, headers).end(body);
          }, () => res.destroy());
      });
    };
    if (req.url === '/health') return pass();
    hostile(req, res, pass);
  };
  void upstream;
  return listen(createHttpServer(proxy));
}

let counter = 0;
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
  'breaks HTTP framing': () => around((req) => { req.socket.end('HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\nX: \u0000\r\n\r\n{}'); }),
  'answers TLS to plain HTTP': () => listen(createTcpServer((socket: Socket) => {
    // A TLS handshake-failure alert record, as a TLS-only port sends to a client that spoke plain HTTP.
    socket.on('data', () => socket.end(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28])));
  })),
};

/** The X-Api-Key of every request the redirect's other origin received. */
const thiefSaw: string[] = [];

/** `only` selects the checks (and, through the rules they cite, the PACT interactions); `skip` leaves a stage out. */
interface Expectation { code: number; transport?: RegExp; only: string; skip?: string }
const EXPECT: Record<string, Expectation> = {
  'refuses connections': { code: 3, only: 'AUTH' },
  'accepts and never answers': { code: 3, only: 'AUTH' },
  'sends headers, then stalls the body': { code: 1, transport: /unanswered past the request timeout/, only: 'AUTH,OBS-1' },
  'resets one connection in three mid-response': { code: 1, transport: /reset or closed \d+ connections? before a full answer/, only: 'AUTH,ERR,OBS-2' },
  'answers 200 with HTML': { code: 1, only: 'AUTH,SCHEMA' },
  'answers 200 with invalid JSON': { code: 1, only: 'AUTH,SCHEMA' },
  'streams an endless body': { code: 1, only: 'AUTH-1,AUTH-5' },
  'answers a 100 MB body': { code: 1, only: 'AUTH-1,AUTH-5' },
  // OBS-2 and AUTH-2 also select the FUZZ checks and PACT interactions that cite them: the FUZZ checks need the
  // rate-limit discovery, and the interactions cannot all be verified 2 s apart, within this run's 25 s deadline
  // (an honest error of those stages). The property here is slow answers being waited for, so both stay out.
  'answers correctly but 2 s late': { code: 0, only: 'AUTH-2,AUTH-5,OBS-2', skip: 'PACT,FUZZ' },
  'redirects to another origin': { code: 1, only: 'AUTH-1,AUTH-5' },
  'breaks HTTP framing': { code: 1, transport: /broken HTTP|reset or closed/, only: 'AUTH-1,AUTH-5,OBS-2' },
  'answers TLS to plain HTTP': { code: 3, only: 'AUTH' },
};

const names = Object.keys(hostiles);
const runs = runPool(names, 4, async (name) => {
  const target = await hostiles[name]!();
  // The late target must be waited for; the 100 MB one gets time to send its
  // first MiB even on a busy CI machine, so the cap (not the timeout) ends it.
  const patient = name === 'answers correctly but 2 s late' || name === 'answers a 100 MB body';
  return runCertify([
    '--target', target, '--api-key', KEYS.primary, '--alt-api-key', KEYS.second, '--video-url', 'https://media.example.com/v.mp4',
    '--only', EXPECT[name]!.only, ...(EXPECT[name]!.skip ? ['--skip', EXPECT[name]!.skip] : []), '--request-timeout', String(patient ? 5000 : REQUEST_TIMEOUT_MS), '--max-duration', String(MAX_DURATION_S), '--job-timeout', '3', '--quiet',
  ], { timeoutMs: HANG_MS, env: { NODE_OPTIONS: '--max-old-space-size=256' } });
});

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

