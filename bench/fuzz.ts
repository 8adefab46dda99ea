/**
 * npm run bench:fuzz: how fast the FUZZ family runs against the embedded mock
 * over loopback HTTP, as a ratio of plain sequential requests on the same
 * connection settings (Node's fetch, one keep-alive connection, one request at
 * a time), measured in one run, alternately (plain, fuzz, plain, fuzz).
 *
 * - plain: prebuilt requests in a fixed round (create a draft, an invalid
 *   start, read the job), fetched and read, nothing generated or checked;
 * - fuzz: every FUZZ property one after the other, as certify runs it (the
 *   recording client with its spec check, the runner, the oracle, read-backs),
 *   one case at a time.
 *
 * The mock runs in its own process with its rate limit off (--no-rate-limit)
 * and jobs that finish at once (--processing-ms 0): pacing and the provider's
 * processing are waits, not the fuzzer's cost. Target: payload cases (valid,
 * invalid, raw: one generated body each) per second ≥ 50% of plain requests
 * per second. The whole family (sequences of many requests, read-backs) is
 * printed too, per case and per request.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNTS } from '../mocks/engine/accounts.js';
import { Client, Recorder } from '../suites/lib/client.js';
import type { RunConfig } from '../suites/lib/config.js';
import { FUZZ_CHECKS, type FuzzCheckId } from '../suites/fuzz/catalogue.js';
import { normalizationProperty, replayProperty } from '../suites/fuzz/metamorphic.js';
import { modelProperty } from '../suites/fuzz/model.js';
import { invalidProperty, rawProperty, rejectedProperty, validProperty } from '../suites/fuzz/payloads.js';
import { runFuzz, type FuzzContext, type FuzzProperty } from '../suites/fuzz/runner.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PLAIN_S = Number(process.env.BENCH_DURATION_S ?? 5);
const FUZZ_RUNS = Number(process.env.BENCH_FUZZ_RUNS ?? 1200);
const PAYLOAD: FuzzCheckId[] = ['fuzz.valid', 'fuzz.invalid', 'fuzz.raw'];
const KEY = DEFAULT_ACCOUNTS[0]!.key;

// Each property builds its own case type; the map only runs them.
const PROPERTIES: Record<FuzzCheckId, (ctx: FuzzContext) => FuzzProperty<any>> = {
  'fuzz.valid': validProperty, 'fuzz.invalid': invalidProperty, 'fuzz.raw': rawProperty, 'fuzz.rejected-unchanged': rejectedProperty,
  'fuzz.normalization': normalizationProperty, 'fuzz.replay': replayProperty, 'fuzz.model': modelProperty,
};

function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  try { execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }); return true; } catch { return false; }
}
const PINNED = canPin();

function startMock(): Promise<{ url: string; child: ChildProcess }> {
  const args = [`${ROOT}bin/jobcert.js`, 'mock', '--port', '0', '--no-rate-limit', '--processing-ms', '0'];
  const [cmd, argv] = PINNED ? ['taskset', ['-c', '1', process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`the mock did not start: ${out}`)); }, 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1] as string, child }); }
    });
    child.on('exit', (code) => reject(new Error(`the mock exited with ${code}: ${out}`)));
  });
}

async function plain(url: string, seconds: number): Promise<number> {
  const headers = { 'x-api-key': KEY, 'content-type': 'application/json', accept: 'application/json' };
  const draft = async (): Promise<string> => ((await (await fetch(`${url}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ video_url: 'https://media.example.com/clips/short.mp4?duration=5', auto_start: false }) })).json()) as { id: string }).id;
  const id = await draft();
  const round = [
    () => fetch(`${url}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ video_url: 'https://media.example.com/clips/short.mp4?duration=5', auto_start: false }) }),
    () => fetch(`${url}/v1/jobs/${id}/start`, { method: 'POST', headers, body: JSON.stringify({ composition: { canvas: { width: 15 } } }) }),
    () => fetch(`${url}/v1/jobs/${id}`, { headers }),
  ];
  const until = performance.now() + seconds * 1000;
  const t0 = performance.now();
  let n = 0;
  while (performance.now() < until) {
    const res = await round[n % round.length]!();
    await res.text();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

interface FuzzFigures { check: FuzzCheckId; cases: number; requests: number; seconds: number }

async function fuzz(url: string): Promise<FuzzFigures[]> {
  const out: FuzzFigures[] = [];
  for (const check of FUZZ_CHECKS) {
    const config: RunConfig = {
      target: url, embedded: null, keys: { primary: KEY, alt: DEFAULT_ACCOUNTS[1]!.key, broke: DEFAULT_ACCOUNTS[2]!.key },
      videos: [{ label: 'short', url: 'https://media.example.com/clips/short.mp4?duration=5' }, { label: 'long', url: 'https://media.example.com/clips/long.mp4?duration=45' }],
      failingVideo: 'https://media.example.com/clips/fail-corrupt.mp4', profile: 'quick', seed: 1, fuzz: { runs: FUZZ_RUNS, seconds: 600 },
      jobTimeoutS: 10, requestTimeoutMs: 10_000, deadlineAt: Date.now() + 900_000, concurrency: 1, burstMax: 2000, promptPolicy: 'required',
    };
    const recorder = new Recorder(config);
    const signal = AbortSignal.timeout(600_000);
    const ctx: FuzzContext = { client: new Client(recorder, { retry429: true, signal }), config, recorder, signal, note: () => {} };
    const t0 = performance.now();
    const outcome = await runFuzz(ctx, PROPERTIES[check](ctx));
    out.push({ check, cases: outcome.cases, requests: recorder.exchanges.length, seconds: (performance.now() - t0) / 1000 });
  }
  return out;
}

const sum = (xs: FuzzFigures[], k: 'cases' | 'requests' | 'seconds'): number => xs.reduce((a, x) => a + x[k], 0);

if (PINNED) execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
console.log(`FUZZ vs plain sequential requests, one keep-alive connection, ${ROUNDS} rounds; the mock with no rate limit and instant processing; ${PINNED ? 'the mock pinned to CPU 1, this process to CPU 0' : 'not pinned (no taskset or 1 CPU)'}`);
const mock = await startMock();
try {
  const plains: number[] = [];
  const fuzzes: FuzzFigures[][] = [];
  for (let r = 0; r < ROUNDS; r++) {
    plains.push(await plain(mock.url, PLAIN_S));
    fuzzes.push(await fuzz(mock.url));
  }
  const plainRps = plains.reduce((a, b) => a + b, 0) / plains.length;
  const all = fuzzes.flat();
  console.log(`\nplain: ${plains.map((p) => p.toFixed(0)).join(', ')} req/s → ${plainRps.toFixed(0)} req/s`);
  console.log('\ncheck                      cases  requests  req/case   cases/s   req/s');
  for (const check of FUZZ_CHECKS) {
    const rows = all.filter((f) => f.check === check);
    const [c, q, s] = [sum(rows, 'cases'), sum(rows, 'requests'), sum(rows, 'seconds')];
    console.log(`${check.padEnd(26)} ${String(c).padStart(5)} ${String(q).padStart(9)} ${(q / c).toFixed(2).padStart(9)} ${(c / s).toFixed(0).padStart(9)} ${(q / s).toFixed(0).padStart(7)}`);
  }
  const payload = all.filter((f) => PAYLOAD.includes(f.check));
  const payloadCps = sum(payload, 'cases') / sum(payload, 'seconds');
  const familyCps = sum(all, 'cases') / sum(all, 'seconds');
  const familyRps = sum(all, 'requests') / sum(all, 'seconds');
  console.log(`\npayload cases (${PAYLOAD.join(', ')}): ${payloadCps.toFixed(0)} cases/s = ${(payloadCps / plainRps).toFixed(2)} × the plain request rate (target ≥ 0.50)`);
  console.log(`whole family: ${familyCps.toFixed(0)} cases/s = ${(familyCps / plainRps).toFixed(2)} × plain (${(sum(all, 'requests') / sum(all, 'cases')).toFixed(2)} requests per case); its requests go at ${familyRps.toFixed(0)}/s = ${(familyRps / plainRps).toFixed(2)} × plain`);
} finally {
  mock.child.kill('SIGTERM');
}
