// What jobcert guarantees a CI job: bad configuration is one clear line and
// exit 2 before anything runs or is written; an interrupt stops the run at once
// (no check starts after it; only those already running may still end), stops
// the embedded mock and still writes the reports; and no key ever reaches an
// artifact, even from a target that reflects every header and body. No test
// here times a run: CI machines are loaded, so a hang is caught by a backstop
// of a minute or more, and promptness is shown by what ran, not by how long.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Compliance } from '../../core/results.js';
import { ROOT, runCertify } from './run-certify.js';
import { QUICK_PROFILE_CHECKS } from './expected-checks.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'jobcert-robust-'));
const configFile = (content: unknown): string => {
  const file = join(tmp(), 'jobcert.config.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('bad configuration: exit 2 at once, one clear line, nothing written', () => {
  it.each([
    ['a target URL without its scheme', ['--target', 'staging.example.com', '--api-key', 'k', '--video-url', 'https://a.example/v.mp4'], {}, /--target must be an http or https URL.*did you mean https:\/\/staging\.example\.com\?/],
    ['an unknown --only', ['--only', 'AUTH,FUZZY'], {}, /--only: unknown family or rule "FUZZY"/],
    ['a key with white space (flag)', ['--api-key', 'jc key'], {}, /--api-key contains white space, a newline or a control character .*the key itself is not shown/],
    ['a key with a newline (env)', [], { JOBCERT_API_KEY: 'jc_secret_line1\njc_secret_line2' }, /JOBCERT_API_KEY contains white space, a newline/],
    ['a number that is not one (env)', [], { JOBCERT_JOB_TIMEOUT: 'soon' }, /JOBCERT_JOB_TIMEOUT must be a number from 1 to 3600, got "soon"/],
    ['an unwritable --out (/proc)', ['--out', '/proc/forbidden'], {}, /--out \/proc\/forbidden: cannot create \/proc\/forbidden/],
    ['an --out that is a file', ['--out', join(configFile({}), 'reports')], {}, /is not a directory/],
    ['an --out inside jobcert\'s sources', ['--out', join(ROOT, 'suites', 'reports-here')], {}, /inside jobcert's own suites\/ folder/],
    ['a config file with an unknown key', ['--config', configFile({ apiKey: 'k', targt: 'http://127.0.0.1:9' })], {}, /key|unknown key "targt"/],
    ['a config key of the wrong type', ['--config', configFile({ concurrency: 'many' })], {}, /--config .*: key "concurrency" must be an integer from 1 to 64, got "many"/],
    ['a config file that is not JSON', ['--config', configFile('{ apiKey: k }')], {}, /not valid JSON/],
    ['a config file that is not an object', ['--config', configFile([1, 2])], {}, /expected a JSON object of settings/],
    ['a bad key in a config file, not shown', ['--config', configFile({ apiKey: 'jc_secret_tab\there' })], {}, /key "apiKey" contains white space/],
  ])('%s', async (_label, args, env, message) => {
    const out = join(tmp(), 'never-written');
    const hasOut = (args as string[]).includes('--out');
    // The backstop only catches a hang (the /proc case once hung forever in Node's recursive mkdir).
    // The clone's own command for the --out inside its sources: the compiled one guards its own tree (.test-dist), not this one.
    const sources = (args as string[]).some((a) => a.startsWith(ROOT) && a.includes(`${ROOT}suites`));
    const run = await runCertify([...(args as string[]), ...(hasOut ? [] : ['--out', out])], { out: false, timeoutMs: 60_000, env: env as Record<string, string>, sources });
    expect(run.hung, 'the run hung').toBe(false);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n'), 'one line').toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at |Error:/);
    expect(run.stdout, 'nothing ran').toBe('');
    if (!hasOut) expect(existsSync(out), 'nothing half-written').toBe(false);
    for (const secret of ['jc_secret_line1', 'jc_secret_line2', 'jc_secret_tab', 'jc key']) expect(run.stderr).not.toContain(secret);
  }, 90_000);
});

describe('a production host: exit 2 before a single request', () => {
  // A loopback server listed as "production" stands in for the vendor's host: no test sends anything to a real one.
  let server: Server;
  let url = '';
  let counted = 0;
  beforeAll(async () => {
    server = createServer((req, res) => { counted++; res.writeHead(503).end(); });
    url = await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
  });
  afterAll(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));

  it('refuses LOAD against a loopback host put on JOBCERT_PRODUCTION_HOSTS, even with --allow-load', async () => {
    const out = join(tmp(), 'never-written');
    const run = await runCertify(['--target', url, '--api-key', 'jc_k1', '--video-url', 'https://media.example.com/v.mp4', '--profile', 'full', '--allow-load', '--out', out], { out: false, timeoutMs: 20_000, env: { JOBCERT_PRODUCTION_HOSTS: 'api.removebgvideo.com,127.0.0.1' } });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/refusing to load 127\.0\.0\.1:\d+: it is a production host/);
    expect(run.stderr.trim().split('\n'), 'one line').toHaveLength(1);
    expect(counted, 'requests that reached the "production" host').toBe(0);
    expect(existsSync(out), 'nothing half-written').toBe(false);
  }, 30_000);
});

/** The run's --concurrency: at most this many checks are running when the signal comes. */
const CONCURRENCY = 6;
/** Backstops against a hang, not performance figures: the run reaches its third result, and ends once signalled, well within these. */
const REACH_BACKSTOP_MS = 120_000;
const END_BACKSTOP_MS = 60_000;

interface Interrupted {
  code: number | null;
  /** stdout and stderr as one stream, in the order the run wrote them. */
  output: string;
  signalled: boolean;
  /** A backstop killed the run: it hung before the signal, or after it. */
  hung: boolean;
  out: string;
  port: number;
}

/** Starts certify, sends `signal` once three checks have finished, and collects what it wrote. */
function interrupt(signal: 'SIGINT' | 'SIGTERM'): Promise<Interrupted> {
  const out = tmp();
  // One pipe for both streams (2>&1; exec keeps the pid, so the signal reaches node): the run writes
  // each line synchronously, so the order shows which results came after its "stopping" line.
  const child = spawn('/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', process.execPath, join(ROOT, 'bin/jobcert.js'), 'certify', '--concurrency', String(CONCURRENCY), '--out', out],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  let signalled = false;
  let hung = false;
  const backstop = (ms: number): NodeJS.Timeout => setTimeout(() => { hung = true; child.kill('SIGKILL'); }, ms);
  let timer = backstop(REACH_BACKSTOP_MS);
  return new Promise((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      // Interrupt once a few checks have finished: the run is in full swing.
      if (!signalled && (output.match(/^\s+(PASS|FAIL|ERROR) /gm) ?? []).length >= 3) {
        signalled = true;
        child.kill(signal);
        clearTimeout(timer);
        timer = backstop(END_BACKSTOP_MS);
      }
    });
    // 'close', not 'exit': every byte the run wrote has been read.
    child.on('close', (code) => {
      clearTimeout(timer);
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(output)?.[1] ?? 0);
      resolve({ code, output, signalled, hung, out, port });
    });
  });
}

/** The ids of the result lines of certify's console ("  PASS  auth.valid-key (AUTH-1) 12 ms"). */
const resultIds = (text: string): string[] => [...text.matchAll(/^ {2}(?:PASS|FAIL|SKIP|ERROR) +(\S+)/gm)].map((m) => m[1] as string);

const refused = (port: number): Promise<boolean> => new Promise((resolve) => {
  const s = connect(port, '127.0.0.1');
  s.on('connect', () => { s.destroy(); resolve(false); });
  s.on('error', () => resolve(true));
});

describe('interrupts: the run stops at once, stops the mock, and reports what finished', () => {
  it.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s → exit %i', async (signal, code) => {
    const run = await interrupt(signal);
    expect(run.signalled, `the run never reached its third result: ${run.output.slice(-1500)}`).toBe(true);
    expect(run.hung, `the run did not end after ${signal}: ${run.output.slice(-1500)}`).toBe(false);
    expect(run.code, run.output.slice(-1500)).toBe(code);
    const stopping = run.output.search(new RegExp(`^jobcert: ${signal}: stopping the checks and writing the reports`, 'm'));
    expect(stopping, 'the run says it is stopping').toBeGreaterThanOrEqual(0);
    const doc = JSON.parse(readFileSync(join(run.out, 'compliance.json'), 'utf8')) as Compliance;
    expect(doc.verdict).toBe('interrupted');
    expect(doc.summary.pass).toBeGreaterThanOrEqual(3);
    expect(doc.summary.unfinished).toBeGreaterThan(0);
    expect(doc.checks.filter((c) => /^(unfinished|not run): the run was interrupted/.test(c.message)).length).toBe(doc.summary.unfinished);
    expect(doc.checks.map((c) => c.id).sort(), 'every selected check is in the report, finished or not').toEqual([...QUICK_PROFILE_CHECKS]);
    // Stopped at once, shown by what ran rather than by a clock: after the "stopping" line only the
    // checks already running end or are cut (`unfinished`), at most --concurrency of them; a run that
    // went on would print more. The rest were never started (`not run`). (The run-wide checks derived
    // from what ran, such as the schema.<operation> ones, are not printed as results.)
    const finishedBefore = resultIds(run.output.slice(0, stopping));
    const endedAfter = resultIds(run.output.slice(stopping));
    const cut = doc.checks.filter((c) => /^unfinished: the run was interrupted/.test(c.message)).map((c) => c.id);
    const notRun = doc.checks.filter((c) => /^not run: the run was interrupted/.test(c.message)).map((c) => c.id);
    const runningAtStop = new Set([...endedAfter, ...cut]);
    expect(runningAtStop.size, `running when the signal came: ${[...runningAtStop].join(', ')}`).toBeLessThanOrEqual(CONCURRENCY);
    expect(notRun.length, 'checks left unstarted').toBeGreaterThan(0);
    const accounted = [...finishedBefore, ...runningAtStop, ...notRun];
    expect(new Set(accounted).size, 'no check is both finished before the signal and cut or unstarted, or printed twice').toBe(accounted.length);
    for (const f of ['compliance.md', 'compliance.html', 'junit.xml']) expect(existsSync(join(run.out, f)), f).toBe(true);
    expect(readdirSync(run.out).filter((f) => f.includes('.tmp-')), 'no half-written report').toEqual([]);
    expect(run.port).toBeGreaterThan(0);
    expect(await refused(run.port), 'the embedded mock is stopped').toBe(true);
  }, REACH_BACKSTOP_MS + END_BACKSTOP_MS + 30_000);
});

describe('secrets: no key in any artifact, whatever the target echoes', () => {
  // Keys as users pass them: the recommended env var, a config file, a flag; one long, one a common word, one short.
  const KEYS = { primary: 'sk_reflect_live_8c1f3e', alt: 'token', broke: 'k9' };
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // Reflects everything: headers in headers and body, the body, the URL, and some ordinary words around the keys.
        const reflected = JSON.stringify({ headers: req.headers, body: Buffer.concat(chunks).toString(), url: req.url, words: 'tokens, k9x and a tokenizer' });
        const status = req.url === '/health' ? 200 : 401;
        const body = status === 200 ? `{"status":"ok","echo":${reflected}}` : `{"error":{"code":"invalid_api_key","message":${JSON.stringify(reflected)},"request_id":"r-${Date.now()}"}}`;
        res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `r-${Math.random()}`, 'x-echo-key': String(req.headers['x-api-key'] ?? ''), 'www-authenticate': `ApiKey header="X-Api-Key", you-sent="${String(req.headers['x-api-key'] ?? '')}"` }).end(body);
      });
    });
    url = await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
  });
  afterAll(() => { server.closeAllConnections(); server.close(); });

  it('certify: console, stderr, the four reports and the step summary never hold a key, and ordinary words survive', async () => {
    const summary = join(tmp(), 'summary.md');
    writeFileSync(summary, '');
    const config = configFile({ altApiKey: KEYS.alt });
    const run = await runCertify(['--target', url, '--config', config, '--broke-api-key', KEYS.broke, '--video-url', 'https://media.example.com/v.mp4', '--only', 'AUTH,OBS-2,LIFE-5', '--request-timeout', '2000', '--max-duration', '40'],
      { env: { JOBCERT_API_KEY: KEYS.primary, GITHUB_STEP_SUMMARY: summary }, timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(1);
    const artifacts = [run.stdout, run.stderr, readFileSync(summary, 'utf8'), ...readdirSync(run.out, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(run.out, f)).isFile()).map((f) => readFileSync(join(run.out, f), 'utf8'))];
    const whole = (key: string): RegExp => new RegExp(`(?<![A-Za-z0-9_-])${key}(?![A-Za-z0-9_-])`);
    for (const text of artifacts) {
      expect(text.includes(KEYS.primary)).toBe(false);
      expect(text).not.toMatch(whole(KEYS.alt));
      expect(text).not.toMatch(whole(KEYS.broke));
    }
    const json = readFileSync(join(run.out, 'compliance.json'), 'utf8');
    expect(json).toContain('<redacted>');
    expect(json, 'redaction by whole token leaves ordinary words').toContain('tokens, k9x and a tokenizer');
  }, 150_000);
});
