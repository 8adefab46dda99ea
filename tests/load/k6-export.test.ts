// The k6 export is valid JavaScript that k6 can load: evaluated here in Node
// with stub k6 modules that record every request it would send. Each request
// is checked against the contract (contracts/request-conformance.ts), and the
// options carry the scenarios, executors and thresholds jobcert would use.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkRequest } from '../../contracts/request-conformance.js';
import { exportK6, type K6Plan } from '../../load/k6.js';
import { DRAFT_OUTPUT_FORMAT } from '../../load/requests.js';
import { parseThreshold } from '../../load/thresholds.js';

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
    expect(s.poll).toMatchObject({ executor: 'constant-arrival-rate', rate: 300, timeUnit: '1s', preAllocatedVUs: 10, startTime: '0s' });
    expect(s.mixed.rate).toBe(50); // six requests per iteration
  });
});
