/**
 * npm run bench:mock: the mock's HTTP throughput as a ratio of a bare node:http
 * server's, measured in one run on this machine. Each server runs in its own
 * process and so does autocannon (its CLI, plain node, --json); it drives them alternately (bare, mock, bare, mock) with
 * keep-alive, 50 connections, 5 s each, POST /v1/jobs creating a draft job.
 * Target: ratio ≥ 0.5. Loopback only.
 *
 * Where taskset exists and there are 2+ CPUs, the servers run on CPU 1 and
 * autocannon (this process) on CPU 0, the same for both targets: unpinned, the
 * two processes migrate between the 2 vCPUs here and the ratio swings ±20 %
 * from run to run.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNTS } from '../mocks/engine/accounts.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONNECTIONS = 50;

function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const PINNED = canPin();

function start(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const [cmd, argv] = PINNED ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`server did not start: ${out}`)); }, 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1] as string, child }); }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

interface Sample { target: string; rps: number; p99: number; non2xx: number; errors: number }

interface AutocannonJson { requests: { average: number }; latency: { p99: number }; non2xx: number; errors: number; timeouts: number }

/** autocannon in its own process, so the load generator is plain node whatever runs this script. */
function drive(target: string, url: string): Promise<Sample> {
  const args = [
    `${ROOT}node_modules/autocannon/autocannon.js`, '--json', '-c', String(CONNECTIONS), '-d', String(DURATION_S), '-p', '1',
    '-m', 'POST', '-H', 'content-type=application/json', '-H', `x-api-key=${DEFAULT_ACCOUNTS[0]!.key}`,
    '-b', JSON.stringify({ video_url: 'https://media.example.com/clips/bench.mp4', auto_start: false }), `${url}/v1/jobs`,
  ];
  const [cmd, argv] = PINNED ? ['taskset', ['-c', '0', process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('autocannon did not finish')); }, (DURATION_S + 30) * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      try {
        const r = JSON.parse(out) as AutocannonJson;
        resolve({ target, rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts });
      } catch {
        reject(new Error(`autocannon exited ${code} without a JSON result`));
      }
    });
  });
}

console.log(`POST /v1/jobs (draft), ${CONNECTIONS} connections, keep-alive, ${DURATION_S} s per run, ${ROUNDS} rounds; ${PINNED ? 'servers pinned to CPU 1, autocannon to CPU 0' : 'not pinned (no taskset or 1 CPU)'}`);
const bare = await start([`${ROOT}bench/bare-server.mjs`]);
const mock = await start([`${ROOT}bin/jobcert.js`, 'mock', '--port', '0', '--no-rate-limit']);
const samples: Sample[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, server] of [['bare', bare], ['mock', mock]] as const) {
      const s = await drive(name, server.url);
      samples.push(s);
      console.log(`round ${round} ${name.padEnd(4)} ${s.rps.toFixed(0).padStart(7)} req/s  p99 ${String(s.p99).padStart(4)} ms  non-2xx ${s.non2xx}  errors ${s.errors}`);
    }
  }
} finally {
  bare.child.kill('SIGTERM');
  mock.child.kill('SIGTERM');
}

const mean = (t: string, k: 'rps' | 'p99') => {
  const xs = samples.filter((s) => s.target === t).map((s) => s[k]);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
};
const ratio = mean('mock', 'rps') / mean('bare', 'rps');
console.log(`\nbare  ${mean('bare', 'rps').toFixed(0)} req/s, p99 ${mean('bare', 'p99').toFixed(1)} ms`);
console.log(`mock  ${mean('mock', 'rps').toFixed(0)} req/s, p99 ${mean('mock', 'p99').toFixed(1)} ms`);
console.log(`ratio mock/bare = ${ratio.toFixed(2)} (target ≥ 0.50)`);
const bad = samples.filter((s) => s.target === 'mock' && (s.non2xx > 0 || s.errors > 0));
if (bad.length > 0) {
  console.error('the mock answered non-2xx or failed requests: the figures are not a throughput of successful creates');
  process.exit(1);
}
