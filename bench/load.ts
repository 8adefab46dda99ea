/**
 * npm run bench:load: the load generator against wrk, on the same bare
 * node:http server with the same settings (keep-alive, 50 connections, 5 s,
 * GET /v1/jobs/{id} with a key: the poll scenario's requests), alternately
 * (stage, wrk, autocannon alone, stage, …). The stage runs as it does in `jobcert load`: the
 * autocannon driver with the scenario recorder (latency per response, status
 * histogram, sampled contract checks). Target: the stage reaches ≥ 90 % of
 * wrk's request rate. Then the embedded mock's sustained rate under the start
 * scenario (a fresh draft per start, rate limit off). Loopback only.
 *
 * Where taskset exists and there are 2+ CPUs, servers run on CPU 1 and both
 * generators (this process, wrk -t1) on CPU 0, as bench/mock.ts does.
 * wrk comes from Debian; the script installs it with apt-get when missing.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNTS } from '../mocks/engine/accounts.js';
import { runPhase } from '../load/driver.js';
import { DEFAULT_CAPS } from '../load/guards.js';
import { ScenarioRecorder } from '../load/recorder.js';
import { runLoadStage } from '../load/stage.js';
import type { OutgoingRequest } from '../load/types.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const KEY = DEFAULT_ACCOUNTS[0]!.key;
const PATH = '/v1/jobs/job_baseline';

function ensureWrk(): void {
  if (spawnSync('sh', ['-c', 'command -v wrk']).status === 0) return;
  console.log('wrk is missing: apt-get install -y wrk');
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'wrk'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    console.error('could not install wrk (apt-get install -y wrk needs root and the Debian mirror); install it and run again');
    process.exit(1);
  }
}

function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  return spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
}

function start(args: string[], pinned: boolean, pattern: RegExp): Promise<{ url: string; child: ChildProcess }> {
  const [cmd, argv] = pinned ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`server did not start: ${out}`)); }, 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1] as string, child }); }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

interface Sample { rps: number; p99: number; errors: number; /** Requests per CPU-second of the generator: what it would reach alone on a core. */ perCpuS: number }

/** The stage's generator on the poll scenario's request shape: static keep-alive GETs, every response recorded. */
async function stage(url: string): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const recorder = new ScenarioRecorder({ scenario: 'poll', base: url, warmupMs: 0, abortAfterErrors: Number.MAX_SAFE_INTEGER, keys: [KEY] });
  const requests: OutgoingRequest[] = ['job_baseline', 'job_baseline2', 'job_baseline3', 'job_baseline4'].map((id) => ({ endpoint: 'getJob', method: 'GET', path: `/v1/jobs/${id}`, headers: { 'x-api-key': KEY }, jobId: id }));
  const run = await runPhase({
    url, connections: CONNECTIONS, durationS: DURATION_S, timeoutS: 10,
    script: (i, control) => { if (i === 0) recorder.attach(control); return { kind: 'static', requests }; }, observer: recorder,
  });
  const cpu = process.cpuUsage(cpu0);
  const sorted = [...recorder.latency].sort((a, b) => a - b);
  return {
    rps: recorder.t.length / (run.elapsedMs / 1000), p99: sorted[Math.ceil(sorted.length * 0.99) - 1] ?? Number.NaN, errors: recorder.errors.length,
    perCpuS: recorder.t.length / ((cpu.user + cpu.system) / 1e6),
  };
}

/** autocannon alone on the same requests, nothing of jobcert's: the ceiling of the library the stage is built on. */
async function bare(url: string): Promise<Sample> {
  const { default: autocannon } = await import('autocannon');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let answered = 0;
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon({ url: `${url}${PATH}`, connections: CONNECTIONS, duration: DURATION_S, pipelining: 1, headers: { 'x-api-key': KEY }, skipAggregateResult: true }, (err) => (err ? reject(err) : resolve()));
    instance.on('response', () => { answered++; });
  });
  const cpu = process.cpuUsage(cpu0);
  return { rps: answered / ((performance.now() - t0) / 1000), p99: Number.NaN, errors: 0, perCpuS: answered / ((cpu.user + cpu.system) / 1e6) };
}

function wrk(url: string, pinned: boolean): Sample {
  const args = ['-t1', `-c${CONNECTIONS}`, `-d${DURATION_S}s`, '--latency', '-H', `'x-api-key: ${KEY}'`, `${url}${PATH}`];
  // bash's `times` gives wrk's CPU time (user and system of the shell's children).
  const out = execFileSync('bash', ['-c', `${pinned ? 'taskset -c 0 ' : ''}wrk ${args.join(' ')}; times`], { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const times = [...out.trim().split('\n').at(-1)!.matchAll(/(\d+)m([\d.]+)s/g)].reduce((a, m) => a + Number(m[1]) * 60 + Number(m[2]), 0);
  const total = Number(/(\d+) requests in/.exec(out)?.[1]);
  const p99m = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = p99m ? Number(p99m[1]) * (p99m[2] === 'us' ? 0.001 : p99m[2] === 's' ? 1000 : 1) : Number.NaN;
  const errors = Number(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0);
  return { rps, p99, errors, perCpuS: total / times };
}

ensureWrk();
const pinned = canPin();
if (pinned) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
console.log(`GET ${PATH}, ${CONNECTIONS} connections, keep-alive, ${DURATION_S} s per run, ${ROUNDS} rounds; ${pinned ? 'servers pinned to CPU 1, generators to CPU 0' : 'not pinned (no taskset or 1 CPU)'}`);

const server = await start([`${ROOT}bench/bare-server.mjs`], pinned, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
const samples: ({ gen: 'stage' | 'wrk' | 'bare' } & Sample)[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const gen of ['stage', 'wrk', 'bare'] as const) {
      const s = gen === 'stage' ? await stage(server.url) : gen === 'wrk' ? wrk(server.url, pinned) : await bare(server.url);
      samples.push({ gen, ...s });
      console.log(`round ${round} ${gen.padEnd(5)} ${s.rps.toFixed(0).padStart(7)} req/s  p99 ${Number.isNaN(s.p99) ? '     —' : s.p99.toFixed(2).padStart(6)} ms  errors ${s.errors}  ${s.perCpuS.toFixed(0).padStart(7)} req per CPU-second`);
    }
  }
} finally {
  server.child.kill('SIGTERM');
}
const mean = (g: 'stage' | 'wrk' | 'bare', k: 'rps' | 'perCpuS' = 'rps'): number => { const xs = samples.filter((s) => s.gen === g).map((s) => s[k]); return xs.reduce((a, b) => a + b, 0) / xs.length; };
// Each round's two runs are back to back; the median of their ratios resists a neighbour's burst of CPU better than the means do.
const perRound = Array.from({ length: ROUNDS }, (_, i) => (samples[3 * i]?.rps ?? 0) / (samples[3 * i + 1]?.rps ?? 1)).sort((a, b) => a - b);
const median = perRound.length % 2 ? perRound[(perRound.length - 1) / 2]! : (perRound[perRound.length / 2 - 1]! + perRound[perRound.length / 2]!) / 2;
console.log(`\nwrk    ${mean('wrk').toFixed(0)} req/s (mean)`);
console.log(`stage  ${mean('stage').toFixed(0)} req/s (mean)`);
console.log(`ratio stage/wrk = ${(mean('stage') / mean('wrk')).toFixed(2)} of the means, ${median.toFixed(2)} median of the rounds (target ≥ 0.90)`);
// On a shared machine the wall rates swing with the neighbours; CPU cost per request does not.
console.log(`bare autocannon ${mean('bare').toFixed(0)} req/s (mean): autocannon alone reaches ${(mean('bare') / mean('wrk')).toFixed(2)} of wrk, the stage ${(mean('stage') / mean('bare')).toFixed(2)} of autocannon alone`);
console.log(`per CPU-second: stage ${mean('stage', 'perCpuS').toFixed(0)}, wrk ${mean('wrk', 'perCpuS').toFixed(0)} requests (stage/wrk ${(mean('stage', 'perCpuS') / mean('wrk', 'perCpuS')).toFixed(2)})`);

// The embedded mock under the start scenario: its own process on CPU 1, the stage here on CPU 0.
process.env.JOBCERT_MOCK_SETTINGS = JSON.stringify({ faults: [], rateLimit: false });
const mock = await start([`--import`, 'tsx', `${ROOT}mocks/process/main.ts`], pinned, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
try {
  const { results } = await runLoadStage({
    target: mock.url, keys: [KEY, DEFAULT_ACCOUNTS[1]!.key], videoUrl: 'https://media.example.com/clips/load.mp4?duration=5', scenarios: ['start'],
    // The closed model: the mock's sustained rate is what 10 connections get at full speed.
    connections: 10, durationS: DURATION_S, warmupS: 1, timeoutMs: 10_000, thresholds: ['http_5xx==0'], embedded: true, rate: 'closed',
    guards: { ...DEFAULT_CAPS, maxRequests: 1_000_000, allowLoad: true, productionHosts: [] }, billingWaitMs: 0,
  });
  const s = results.scenarios[0]!;
  const billing = results.billing?.status === 'checked' ? `${results.billing.started} starts billed once each: ${results.billing.problems.length === 0 ? 'yes' : 'NO'}` : 'billing not checked';
  console.log(`\nmock, start scenario (10 connections, ${s.measured_s.toFixed(1)} s measured${s.stop_reason ? `, ${s.stop_reason}` : ''}): ${s.all?.ok_throughput.toFixed(0)} starts/s, p99 ${s.all?.latency?.p99} ms; ${billing}`);
} finally {
  mock.child.kill('SIGTERM');
}
if (samples.some((s) => s.errors > 0)) {
  console.error('a generator saw errors: the figures are not request rates of answered requests');
  process.exit(1);
}
