// `jobcert load` as a user runs it: the embedded mock in its own process, the
// four reports plus load-results.json with the charts, exit codes 0/1/2/3, the
// guards refusing before a single request, and the offline k6 export.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_ACCOUNTS, startHttpServer, type RunningServer } from '../../mocks/index.js';
import type { Compliance } from '../../core/results.js';
import { resolveLoadOptions } from '../../scripts/load/options.js';
import { runLoad as runLoad_ } from '../../scripts/load/run.js';
import { ROOT } from '../certify/run-certify.js';

import { COMPILED_CLI } from '../support/compiled-cli.js';

const BIN = COMPILED_CLI;
// These runs are tests, not reports for CI's step summary (this worker's env only; spawned runs get '').
delete process.env.GITHUB_STEP_SUMMARY;
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
// CI installs xmllint and chromium (.ci/run); elsewhere a missing tool shows as a skip, never as a pass.
const needTool = (cmd: string): boolean => has(cmd) || process.env.CI === 'true';
const KEY = DEFAULT_ACCOUNTS[0]!.key;
const VIDEO = 'https://media.example.com/clips/load.mp4?duration=5';

interface LoadRun { code: number | null; stdout: string; stderr: string; out: string; doc?: Compliance }

function runLoad(args: string[], opts: { env?: Record<string, string>; out?: string | false } = {}): Promise<LoadRun> {
  const out = opts.out === false ? '' : (opts.out ?? mkdtempSync(join(tmpdir(), 'jobcert-load-')));
  const argv = [BIN, 'load', ...args, ...(out ? ['--out', out] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      let doc: Compliance | undefined;
      try { doc = JSON.parse(readFileSync(join(out, 'compliance.json'), 'utf8')) as Compliance; } catch { doc = undefined; }
      resolve({ code, stdout, stderr, out, ...(doc ? { doc } : {}) });
    });
  });
}

/** A loopback server that only counts what reaches it: the guards must leave it at zero. */
let counter: Server;
let counted = 0;
let counterUrl = '';
beforeAll(async () => {
  counter = createServer((req, res) => { counted++; req.resume(); res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'); });
  await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
  counterUrl = `http://127.0.0.1:${(counter.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => counter.close(() => r())));

const failingIds = (r: LoadRun) => r.doc?.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id) ?? [];
const oneLine = (r: LoadRun): void => {
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^jobcert: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
};

describe('jobcert load on the embedded mock', () => {
  let run: LoadRun;
  beforeAll(async () => {
    // Thresholds that hold on any machine (CI machines are loaded): the default count ones, and a
    // latency one above the request timeout (10 s; a slower answer is a timeout, not a latency).
    // The default p99<800 would judge the machine; its failing on a slow provider is tested below.
    // The default plan: the embedded mock's fixed rate, each scenario long enough for a judged p99.
    run = await runLoad(['--warmup', '1', '--connections', '8', '--threshold', 'p99<20s', '--threshold', 'errors<1%', '--threshold', 'http_5xx==0']);
  }, 120_000);

  it('passes with every scenario and its thresholds; prints the verdict and five report paths', () => {
    expect(run.code, run.stderr + run.stdout.slice(-2000)).toBe(0);
    expect(run.stdout).toMatch(/load on the embedded mock \(http:\/\/127\.0\.0\.1:\d+, rate limit off\); poll, start, mixed/);
    expect(run.stdout).toMatch(/verdict PASS: 16 checks/);
    for (const f of ['compliance.json', 'compliance.md', 'compliance.html', 'junit.xml', 'load-results.json']) expect(existsSync(join(run.out, f)), f).toBe(true);
    expect(run.doc!.load!.scenarios.map((s) => s.status)).toEqual(['ran', 'ran', 'ran']);
    expect(run.doc!.checks.filter((c) => c.id.startsWith('load.threshold.')).map((c) => [c.id, c.status])).toEqual([
      ['load.threshold.p99-lt-20000', 'pass'], ['load.threshold.errors-lt-1pct', 'pass'], ['load.threshold.http_5xx-eq-0', 'pass'],
    ]);
  });

  it('compliance.json matches contracts/compliance.schema.json; load-results.json holds the same results', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajvFormats.default.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'contracts/compliance.schema.json'), 'utf8')));
    expect(validate(run.doc), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(JSON.parse(readFileSync(join(run.out, 'load-results.json'), 'utf8'))).toEqual(run.doc!.load);
  });

  it('no API key in any report or on the console', () => {
    const texts = [run.stdout, run.stderr, ...readdirSync(run.out).map((f) => readFileSync(join(run.out, f), 'utf8'))];
    for (const a of DEFAULT_ACCOUNTS) for (const t of texts) expect(t.includes(a.key)).toBe(false);
  });

  it('compliance.md has the LOAD section: thresholds and a table per scenario', () => {
    const md = readFileSync(join(run.out, 'compliance.md'), 'utf8');
    expect(md).toMatch(/^## Load$/m);
    expect(md).toMatch(/^\| `p99<20s` \| all scenarios \| p99 [\d.]+ m?s on [\d,]+ non-429 of [\d,]+ answers, 0\.0% 429 \| < 20\.00 s \| ✅ PASS \| +\|$/m);
    for (const s of ['poll', 'start', 'mixed']) expect(md).toMatch(new RegExp(`^### ${s}: `, 'm'));
    expect(md).toMatch(/^## LOAD — 13\/16 passed/m);
  });

  it.skipIf(!needTool('xmllint'))('junit.xml is valid against contracts/junit.xsd with the LOAD testsuite', () => {
    execFileSync('xmllint', ['--noout', '--schema', join(ROOT, 'contracts/junit.xsd'), join(run.out, 'junit.xml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    expect(readFileSync(join(run.out, 'junit.xml'), 'utf8')).toMatch(/<testsuite name="jobcert\.LOAD"/);
  });

  it.skipIf(!needTool('chromium'))('compliance.html has two inline SVG charts per scenario and renders offline in headless Chromium', () => {
    const html = readFileSync(join(run.out, 'compliance.html'), 'utf8');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    expect(html.match(/<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g)).toHaveLength(6);
    for (const s of ['poll', 'start', 'mixed']) {
      expect(html).toContain(`aria-label="${s}: latency over time"`);
      expect(html).toContain(`aria-label="${s}: latency by percentile"`);
    }
    expect(html).not.toMatch(/NaN|Infinity/);
    const png = join(run.out, 'load.png');
    const profile = mkdtempSync(join(tmpdir(), 'jobcert-chromium-'));
    execFileSync('chromium', [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--window-size=1280,3000', `--screenshot=${png}`, `file://${join(run.out, 'compliance.html')}`,
    ], { stdio: 'ignore', timeout: 60_000 });
    expect(statSync(png).size).toBeGreaterThan(50_000);
  }, 90_000);
});

describe('jobcert load fails on the faults its thresholds exist to catch', () => {
  it('a latency fault of 900 ms: p99<800 fails, exit 1', async () => {
    const r = await runLoad(['--scenario', 'poll', '--duration', '2', '--warmup', '0', '--mock-fault', 'load-latency', '--mock-latency-ms', '900']);
    expect(r.code, r.stderr).toBe(1);
    expect(failingIds(r)).toEqual(['load.threshold.p99-lt-800']);
    expect(r.stdout).toMatch(/verdict FAIL/);
  }, 60_000);

  it('5xx under load: no-5xx (ERR-3), http_5xx==0 and errors<1% fail, exit 1', async () => {
    const r = await runLoad(['--scenario', 'poll', '--warmup', '0', '--mock-fault', 'load-5xx-under-load', '--abort-after-errors', '1000000']);
    expect(r.code, r.stderr).toBe(1);
    expect(failingIds(r)).toEqual(['load.poll.no-5xx', 'load.threshold.errors-lt-1pct', 'load.threshold.http_5xx-eq-0']);
  }, 60_000);
});

describe('guards: exit 2 with one line, before any request', () => {
  const external = (...more: string[]) => ['--target', counterUrl, '--api-key', 'jc_guard_test_key', '--video-url', VIDEO, '--scenario', 'poll', '--duration', '1', ...more];

  it('refuses a loopback host put on JOBCERT_PRODUCTION_HOSTS, even with --allow-load', async () => {
    counted = 0;
    const r = await runLoad(external('--allow-load'), { env: { JOBCERT_PRODUCTION_HOSTS: 'api.removebgvideo.com,127.0.0.1' }, out: false });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^jobcert: refusing to load 127\.0\.0\.1:\d+: it is a production host \(matches "127\.0\.0\.1" in productionHosts \/ JOBCERT_PRODUCTION_HOSTS\); load only staging$/m);
    oneLine(r);
    expect(counted).toBe(0);
  }, 30_000);

  it('refuses an external target without --allow-load', async () => {
    counted = 0;
    const r = await runLoad(external(), { out: false });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(/refusing to load http:\/\/127\.0\.0\.1:\d+ without permission: pass --allow-load/);
    oneLine(r);
    expect(counted).toBe(0);
  }, 30_000);

  // The rest runs `jobcert load`'s own code in-process: the same path after the flags, without another process start.
  it('refuses a production host named in the config file, whatever allowLoad says', async () => {
    counted = 0;
    const config = join(mkdtempSync(join(tmpdir(), 'jobcert-cfg-')), 'jobcert.config.json');
    writeFileSync(config, JSON.stringify({ allowLoad: true, productionHosts: ['localhost', '127.0.0.1'] }));
    const opts = resolveLoadOptions({ target: counterUrl, apiKey: 'jc_guard_test_key', videoUrl: VIDEO, config, quiet: true }, {});
    await expect(runLoad_(opts, 'test')).rejects.toThrow(/^refusing to load 127\.0\.0\.1:\d+: it is a production host \(matches "127\.0\.0\.1" in productionHosts/);
    expect(counted).toBe(0);
  });

  it('an unreachable target is exit 3', async () => {
    const server = await startHttpServer(createEngine());
    const url = server.url;
    await server.close();
    const opts = resolveLoadOptions({ target: url, apiKey: 'jc_guard_test_key', videoUrl: VIDEO, allowLoad: true, scenario: 'poll', duration: '1', quiet: true }, {});
    expect(await runLoad_(opts, 'test')).toBe(3);
  });
});

describe('an allowed external target', () => {
  let server: RunningServer;
  beforeAll(async () => { server = await startHttpServer(createEngine({ rateLimit: false })); });
  afterAll(() => server.close());

  it('allowLoad in the config file lets --target be loaded; keys and video URL come from the environment', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'jobcert-cfg-')), 'jobcert.config.json');
    // Thresholds that hold on any machine (p99 under the request timeout), so exit 0 judges the config, not the machine.
    writeFileSync(config, JSON.stringify({ allowLoad: true, thresholds: ['p99<20s', 'http_5xx==0'] }));
    const out = mkdtempSync(join(tmpdir(), 'jobcert-load-'));
    // A rate given: the plan needs no discovery of this unlimited server's limit, and runs long enough for a judged p99.
    const opts = resolveLoadOptions({ target: server.url, config, scenario: 'poll', rate: '400', warmup: '0', quiet: true, out }, { JOBCERT_API_KEY: KEY, JOBCERT_VIDEO_URL: VIDEO });
    expect(await runLoad_(opts, 'test')).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'compliance.json'), 'utf8')) as Compliance;
    expect(doc.load!.settings).toMatchObject({ keys: 1, thresholds: ['p99<20s', 'http_5xx==0'], scenarios: ['poll'] });
    expect(readFileSync(join(out, 'compliance.json'), 'utf8')).not.toContain(KEY);
  }, 60_000);
});

describe('jobcert load --export k6', () => {
  it('writes the script offline: nothing reaches the target', async () => {
    counted = 0;
    const file = join(mkdtempSync(join(tmpdir(), 'jobcert-k6-')), 'scenario.js');
    const r = await runLoad(['--target', counterUrl, '--export', 'k6', '--out', file, '--rate', '200', '--threshold', 'p99<800', '--threshold', 'rate>=200'], { out: false });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote the k6 script ${file}`);
    const script = readFileSync(file, 'utf8');
    expect(script).toMatch(/^export const options = /m);
    expect(script).toContain(JSON.stringify(counterUrl));
    expect(counted).toBe(0);
  }, 30_000);

  it('refuses to export for a production host', async () => {
    const opts = resolveLoadOptions({ target: 'https://api.removebgvideo.com', export: 'k6', out: join(tmpdir(), 'never.js') }, {});
    await expect(runLoad_(opts, 'test')).rejects.toThrow(/^refusing to load api\.removebgvideo\.com: it is a production host/);
    expect(existsSync(join(tmpdir(), 'never.js'))).toBe(false);
  });
});
