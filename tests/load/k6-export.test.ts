// The k6 export is valid JavaScript that k6 can load: evaluated here in Node
// with stub k6 modules that record every request it would send. Each request
// is checked against the contract (contracts/request-conformance.ts), and the
// options carry the scenarios, executors and thresholds jobcert would use: the
// same open model at the same requests/s as `jobcert load`, or the closed one.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkRequest } from '../../contracts/request-conformance.js';
import { exportK6, k6Pacing, REQUESTS_PER_ITERATION, type K6Plan } from '../../load/k6.js';
import { EMBEDDED_RATE } from '../../load/plan.js';
import { DRAFT_OUTPUT_FORMAT } from '../../load/requests.js';
import { parseThreshold } from '../../load/thresholds.js';
import { ROOT } from '../certify/run-certify.js';
import { COMPILED_CLI } from '../support/compiled-cli.js';

interface Call { method: string; url: string; body?: string; params: { headers: Record<string, string>; tags: Record<string, string> } }
interface Sample { metric: string; value: unknown; tags?: Record<string, string> }
interface K6Globals { __ENV: Record<string, string>; __k6: { calls: Call[]; samples: Sample[]; iteration: number } }

const STUBS: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'k6', type: 'module', exports: { '.': './index.js', './http': './http.js', './execution': './execution.js', './metrics': './metrics.js' } }),
  'index.js': 'export function sleep() {}\nexport function check() { return true; }\n',
  'http.js': `let n = 0;
function respond(method, url, body, params) {
  globalThis.__k6.calls.push({ method, url, body, params });
  const id = 'job_k6_' + (++n);
  const payload = method === 'POST' && url.endsWith('/v1/jobs') ? { success: true, id, status: 'created', message: 'Job created' } : { id: 'job_k6_1', status: 'processing' };
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload), timings: { duration: 12.5 }, error_code: 0, json: (sel) => (sel ? payload[sel] : payload) };
}
export default {
  get: (url, params) => respond('GET', url, undefined, params),
  post: (url, body, params) => respond('POST', url, body, params),
};
`,
  'execution.js': "export default { vu: { idInTest: 1 }, scenario: { get iterationInTest() { return globalThis.__k6.iteration++; } } };\n",
  'metrics.js': `class Metric { constructor(name) { this.name = name; } add(value, tags) { globalThis.__k6.samples.push({ metric: this.name, value, tags }); } }
export class Trend extends Metric {}
export class Rate extends Metric {}
export class Counter extends Metric {}
`,
};

const KEYS = ['jc_k6_key_one_4242', 'jc_k6_key_two_4343'];
const plan = (over: Partial<K6Plan> = {}): K6Plan => ({
  target: 'http://127.0.0.1:4010', videoUrl: 'https://media.example.com/clips/load.mp4?duration=5', scenarios: ['poll', 'start', 'mixed'],
  connections: 10, durationS: 5, warmupS: 1, timeoutMs: 10_000, abortAfterErrors: 100, version: 'test',
  thresholds: ['p99<800', 'errors<1%', 'http_5xx==0', 'rate>=200', 'start:p(99.9)<1500', 'mixed/getJob:ok_rate>=10'].map(parseThreshold), ...over,
});

/** A k6 duration in whole seconds, as the export writes timeUnit ('3s'). */
const seconds = (d: string): number => Number(/^(\d+(?:\.\d+)?)s$/.exec(d)?.[1] ?? NaN);

async function load(script: string): Promise<{ mod: Record<string, any>; g: K6Globals; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'jobcert-k6-'));
  mkdirSync(join(dir, 'node_modules', 'k6'), { recursive: true });
  for (const [f, text] of Object.entries(STUBS)) writeFileSync(join(dir, 'node_modules', 'k6', f), text);
  const file = join(dir, 'scenario.mjs');
  writeFileSync(file, script);
  const g = globalThis as unknown as K6Globals;
  g.__ENV = { JOBCERT_API_KEYS: KEYS.join(','), JOBCERT_TARGET: 'http://127.0.0.1:9/' };
  g.__k6 = { calls: [], samples: [], iteration: 0 };
  // Test-only: the module's exports are whatever k6 would see.
  const mod = (await import(pathToFileURL(file).href)) as Record<string, any>;
  return { mod, g, file };
}

describe('jobcert load --export k6', () => {
  it('is valid JavaScript (node --check) with the expected options, scenarios and thresholds, and no key in it', async () => {
    const script = exportK6(plan());
    for (const k of KEYS) expect(script).not.toContain(k);
    expect(script).toMatch(/^\/\/ Load model: closed model \(k6 constant-vus\), 10 VUs per scenario/m);
    const { mod, file } = await load(script);
    execFileSync(process.execPath, ['--check', file]);
    const o = mod.options;
    expect(Object.keys(o.scenarios)).toEqual(['poll_warmup', 'poll', 'start_warmup', 'start', 'mixed_warmup', 'mixed']);
    expect(o.scenarios.poll).toMatchObject({ executor: 'constant-vus', vus: 10, duration: '5s', startTime: '1s', exec: 'poll', tags: { jobcert_measured: 'yes' } });
    expect(o.scenarios.start_warmup).toMatchObject({ duration: '1s', startTime: '6s', exec: 'start', tags: { jobcert_measured: 'no' } });
    expect(o.scenarios.mixed).toMatchObject({ startTime: '13s', exec: 'mixed' });
    for (const s of Object.values(o.scenarios) as { exec: string }[]) expect(typeof mod[s.exec]).toBe('function');
    expect(o.thresholds).toEqual({
      'jobcert_latency{jobcert_measured:yes}': ['p(99)<800'],
      'jobcert_errors{jobcert_measured:yes}': ['rate<0.01'],
      'jobcert_http_5xx{jobcert_measured:yes}': ['count==0'],
      // rate>=200 over 3 scenarios × 5 measured seconds
      'jobcert_requests{jobcert_measured:yes}': ['count>=3000'],
      'jobcert_latency{scenario:start}': ['p(99.9)<1500'],
      'jobcert_ok{scenario:mixed,endpoint:getJob}': ['count>=50'],
      jobcert_trouble: [{ threshold: 'count<=100', abortOnFail: true }],
    });
  });

  it('every request it sends (setup and each scenario) matches the contract, carries a key from the environment and is measured', async () => {
    const { mod, g } = await load(exportK6(plan()));
    const data = mod.setup();
    expect(data.polled).toHaveLength(KEYS.length);
    const setupCalls = g.__k6.calls.length;
    for (let i = 0; i < 3; i++) mod.poll(data);
    for (let i = 0; i < 2; i++) mod.start(data);
    mod.mixed(data);
    const calls = g.__k6.calls;
    expect(calls.length).toBeGreaterThan(setupCalls + 10);
    for (const c of calls) {
      const url = new URL(c.url);
      expect(url.origin).toBe('http://127.0.0.1:9');
      expect(KEYS).toContain(c.params.headers['X-Api-Key']);
      expect(checkRequest({ method: c.method, path: url.pathname + url.search, headers: c.params.headers, ...(c.body !== undefined ? { body: c.body } : {}) }, { outputFormat: DRAFT_OUTPUT_FORMAT }), `${c.method} ${c.url} ${c.body ?? ''}`).toEqual([]);
    }
    const endpoints = calls.slice(setupCalls).map((c) => c.params.tags.endpoint);
    expect(endpoints).toEqual(['getJob', 'getJob', 'getJob', 'createJob', 'startJob', 'createJob', 'startJob', 'createJob', 'startJob', 'getJob', 'getJob', 'getJob', 'listJobs']);
    // The start scenario's drafts are setup: only the starts (and everything of mixed) reach the metrics.
    const measured = g.__k6.samples.filter((s) => s.metric === 'jobcert_requests').map((s) => s.tags?.endpoint);
    expect(measured).toEqual(['getJob', 'getJob', 'getJob', 'startJob', 'startJob', 'createJob', 'startJob', 'getJob', 'getJob', 'getJob', 'listJobs']);
    expect(g.__k6.samples.filter((s) => s.metric === 'jobcert_latency').every((s) => s.value === 12.5)).toBe(true);
  });

  it('with --rate, paces iterations so each scenario sends the measured requests per second asked for', async () => {
    const { mod } = await load(exportK6(plan({ rate: 300, warmupS: 0 })));
    const s = mod.options.scenarios;
    expect(Object.keys(s)).toEqual(['poll', 'start', 'mixed']);
    // Half a second of arrivals in flight, as jobcert's own open model, and twice that at most.
    expect(s.poll).toMatchObject({ executor: 'constant-arrival-rate', rate: 300, timeUnit: '1s', preAllocatedVUs: 150, maxVUs: 300, startTime: '0s' });
    expect(s.mixed.rate).toBe(50); // six requests per iteration
  });

  it('rate 400: constant-arrival-rate for the warm-up and the measured scenario, 400 requests/s each (mixed: fewer iterations)', async () => {
    const script = exportK6(plan({ rate: 400 }));
    for (const k of KEYS) expect(script).not.toContain(k);
    expect(script).toContain('// Load model: open (k6 constant-arrival-rate), 400 requests/s per scenario');
    const { mod, file } = await load(script);
    execFileSync(process.execPath, ['--check', file]);
    const s = mod.options.scenarios;
    expect(Object.keys(s)).toEqual(['poll_warmup', 'poll', 'start_warmup', 'start', 'mixed_warmup', 'mixed']);
    for (const name of ['poll', 'start']) {
      expect(s[`${name}_warmup`]).toMatchObject({ executor: 'constant-arrival-rate', rate: 400, timeUnit: '1s', duration: '1s', tags: { jobcert_measured: 'no' } });
      expect(s[name]).toMatchObject({ executor: 'constant-arrival-rate', rate: 400, timeUnit: '1s', duration: '5s', preAllocatedVUs: 200, maxVUs: 400, tags: { jobcert_measured: 'yes' } });
    }
    for (const sc of [s.mixed_warmup, s.mixed]) {
      expect(sc.executor).toBe('constant-arrival-rate');
      expect(Number.isInteger(sc.rate)).toBe(true);
      expect((sc.rate * REQUESTS_PER_ITERATION.mixed) / seconds(sc.timeUnit)).toBeCloseTo(400, 9);
    }
    // The rate thresholds count requests, not iterations: unchanged by the pacing.
    expect(mod.options.thresholds['jobcert_requests{jobcert_measured:yes}']).toEqual(['count>=3000']);
  });

  it('a fractional rate stays exact through timeUnit, and a small one never rounds to 0', async () => {
    const { mod } = await load(exportK6(plan({ rate: 12.5 })));
    const s = mod.options.scenarios;
    expect(s.poll).toMatchObject({ executor: 'constant-arrival-rate', rate: 25, timeUnit: '2s' });
    expect(s.poll_warmup).toMatchObject({ rate: 25, timeUnit: '2s' });
    expect((s.mixed.rate * REQUESTS_PER_ITERATION.mixed) / seconds(s.mixed.timeUnit)).toBeCloseTo(12.5, 9);
    for (const rate of [0.01, 23.7, 333.3, 1000.1]) {
      for (const per of Object.values(REQUESTS_PER_ITERATION)) {
        const { timeUnitS, targets } = k6Pacing([rate], per);
        expect(targets[0]).toBeGreaterThanOrEqual(1);
        expect(Number.isInteger(targets[0])).toBe(true);
        // Exact enough: within 0.1 % of the rate asked for (one-decimal rates are exact).
        expect(Math.abs(((targets[0] as number) * per) / timeUnitS - rate) / rate).toBeLessThanOrEqual(rate === 0.01 ? 1e-3 : 1e-9);
      }
    }
  });

  it('stages: ramping-arrival-rate from 0 over the whole stages, targets in iterations, the warm-up included and said so', async () => {
    const stages = [{ durationS: 10, target: 50 }, { durationS: 40, target: 50 }, { durationS: 5, target: 0 }];
    const script = exportK6(plan({ stages, durationS: 54, warmupS: 1 }));
    for (const k of KEYS) expect(script).not.toContain(k);
    expect(script).toContain('// Load model: open (k6 ramping-arrival-rate), stages from 0 requests/s per scenario: 10s to 50/s, 40s to 50/s, 5s to 0/s');
    expect(script).toMatch(/^\/\/ No separate warm-up: the first 1s of the first stage .* are measured too/m);
    const { mod, file } = await load(script);
    execFileSync(process.execPath, ['--check', file]);
    const s = mod.options.scenarios;
    expect(Object.keys(s)).toEqual(['poll', 'start', 'mixed']);
    expect(s.poll).toMatchObject({
      executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 25, maxVUs: 50, startTime: '0s', tags: { jobcert_measured: 'yes' },
      stages: [{ duration: '10s', target: 50 }, { duration: '40s', target: 50 }, { duration: '5s', target: 0 }],
    });
    expect(s.poll.duration).toBeUndefined();
    expect(s.start.startTime).toBe('55s');
    expect(s.mixed).toMatchObject({ executor: 'ramping-arrival-rate', startRate: 0, startTime: '110s' });
    const unit = seconds(s.mixed.timeUnit);
    expect(s.mixed.stages.map((x: { target: number }) => (x.target * REQUESTS_PER_ITERATION.mixed) / unit)).toEqual([50, 50, 0]);
    expect(s.mixed.stages.map((x: { duration: string }) => x.duration)).toEqual(['10s', '40s', '5s']);
  });

  it('no rate and no stages: the closed model (constant-vus), said in the header', () => {
    const script = exportK6(plan({ warmupS: 0 }));
    expect(script).toContain('// Load model: closed model (k6 constant-vus)');
    expect(script).not.toContain('arrival-rate');
  });
});

describe('jobcert load --export k6 (the compiled CLI)', () => {
  const cli = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [COMPILED_CLI, 'load', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' }, timeout: 30_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('without --target writes constant-arrival-rate at the embedded mock\'s rate', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'jobcert-k6-')), 'f.js');
    const r = cli(['--export', 'k6', '--out', file]);
    expect(r.status, r.stderr).toBe(0);
    const script = readFileSync(file, 'utf8');
    expect(script).toContain(`// Load model: open (k6 constant-arrival-rate), ${EMBEDDED_RATE} requests/s per scenario`);
    const options = JSON.parse(/^export const options = (\{[\s\S]*?\n\});$/m.exec(script)?.[1] ?? 'null') as { scenarios: Record<string, { executor: string; rate: number; timeUnit: string; exec: string }> };
    const measured = Object.entries(options.scenarios).filter(([name]) => !name.endsWith('_warmup'));
    expect(measured.length).toBeGreaterThan(0);
    for (const [, sc] of measured) {
      expect(sc.executor).toBe('constant-arrival-rate');
      expect((sc.rate * REQUESTS_PER_ITERATION[sc.exec as keyof typeof REQUESTS_PER_ITERATION]) / seconds(sc.timeUnit)).toBeCloseTo(EMBEDDED_RATE, 9);
    }
  });

  it('with --target but no --rate or --stages fails with a one-line usage error: the export is offline', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'jobcert-k6-')), 'f.js');
    const r = cli(['--target', 'http://127.0.0.1:9', '--export', 'k6', '--out', file]);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^jobcert: --export k6 with --target needs --rate or --stages .*offline/);
    expect(existsSync(file)).toBe(false);
  });
});
