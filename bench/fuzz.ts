/**
 * npm run bench:fuzz: how fast the FUZZ family runs against the embedded mock
 * over loopback HTTP, as a ratio of plain sequential requests on the same
 * connection settings (Node's fetch, one keep-alive connection, one request at
 * a time), measured in one run: a warm-up round that counts for nothing (both
 * sides are JIT-compiled code afterwards), then rounds of fuzz and plain
 * alternately.
 *
 * - fuzz: every FUZZ property one after the other, as certify runs it (the
 *   recording client with its spec check, the runner, the oracle, read-backs),
 *   one case at a time;
 * - plain (the baseline of the target): the very requests the payload
 *   properties just sent, in their order, with their methods, headers and body
 *   bytes, sent again by a loop that does nothing else: no generation, no
 *   recording, no checking (a job id a create returned is substituted where
 *   the fuzz run used the one it got, so every start lands on a fresh draft
 *   again and the mock does the same work). So the ratio is what the issue
 *   asks: the cost of generating, checking and reading back against the cost
 *   of the requests themselves;
 * - fixed mix (a reference, not the target): a round of create a draft, a
 *   small invalid start, read the job, the same bytes each time. Its requests
 *   are lighter for the mock than the fuzzer's (smaller bodies and answers).
 *
 * The mock runs in its own process with its rate limit off (--no-rate-limit)
 * and jobs that finish at once (--processing-ms 0): pacing and the provider's
 * processing are waits, not the fuzzer's cost. Target: payload cases (valid,
 * invalid, raw: one generated body each) per second ≥ 50% of the plain
 * replay's requests per second. A valid case sends 1.7 requests (a draft and
 * its start), so even a free fuzzer would stay below 1.0 on the mix. The whole
 * family (sequences of many requests, read-backs) is printed too.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNTS } from '../mocks/engine/accounts.js';
import { Client, Recorder, type Exchange } from '../suites/lib/client.js';
import type { RunConfig } from '../suites/lib/config.js';
import { FUZZ_CHECKS, type FuzzCheckId } from '../suites/fuzz/catalogue.js';
import { normalizationProperty, replayProperty } from '../suites/fuzz/metamorphic.js';
import { modelProperty } from '../suites/fuzz/model.js';
import { invalidProperty, rawProperty, rejectedProperty, validProperty } from '../suites/fuzz/payloads.js';
import { runFuzz, type FuzzContext, type FuzzProperty } from '../suites/fuzz/runner.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PLAIN_S = Number(process.env.BENCH_DURATION_S ?? 3);
const FUZZ_RUNS = Number(process.env.BENCH_FUZZ_RUNS ?? 2000);
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

/** One fetch of a payload property, as it went out (the key included: it stays in memory). */
interface Sent { url: string; method: string; headers: Record<string, string>; body?: string | Uint8Array }

/**
 * Records what the fuzz run hands to fetch while `capturing` is on: the
 * recording client's exchanges hold bodies clipped and keys redacted, and raw
 * cases' bytes only as a length, so the bytes are taken at the door.
 */
let capturing: Sent[] | undefined;
const realFetch = globalThis.fetch;
globalThis.fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  if (capturing) capturing.push({ url: String(input), method: init?.method ?? 'GET', headers: init?.headers as Record<string, string>, ...(init?.body !== undefined ? { body: init.body as string | Uint8Array } : {}) });
  return realFetch(input, init);
};

const idOf = (text: string | undefined): string | undefined => {
  try { const id = (JSON.parse(text ?? '') as { id?: unknown }).id; return typeof id === 'string' ? id : undefined; } catch { return undefined; }
};

/**
 * The requests again, plainly; a create's new id replaces the one the fuzz run
 * got wherever a later request used it. Returns the seconds they took. Which
 * requests were creates, and the ids they got, is read off the recording
 * before the clock starts: the plain loop only sends, reads, and takes a new id.
 */
async function replay(sent: readonly Sent[], exchanges: readonly Exchange[]): Promise<number> {
  if (sent.length !== exchanges.length) throw new Error(`captured ${sent.length} fetches for ${exchanges.length} recorded exchanges`);
  const createdId = exchanges.map((e) => (e.operation === 'POST /v1/jobs' && e.response && e.response.status < 300 ? idOf(e.response.body) : undefined));
  const ids = new Map<string, string>();
  const t0 = performance.now();
  for (const [i, req] of sent.entries()) {
    const target = req.url.replace(/\/v1\/jobs\/([^/?]+)/, (m, id: string) => (ids.has(id) ? `/v1/jobs/${ids.get(id)}` : m));
    const res = await realFetch(target, { method: req.method, headers: req.headers, redirect: 'manual', ...(req.body !== undefined ? { body: req.body } : {}) });
    const text = await res.text();
    const before = createdId[i];
    const now = before !== undefined && res.status < 300 ? idOf(text) : undefined;
    if (before !== undefined && now !== undefined) ids.set(encodeURIComponent(before), encodeURIComponent(now));
  }
  return (performance.now() - t0) / 1000;
}

async function fixedMix(url: string, seconds: number): Promise<number> {
  const headers = { 'x-api-key': KEY, 'content-type': 'application/json', accept: 'application/json' };
  const draft = async (): Promise<string> => ((await (await realFetch(`${url}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ video_url: 'https://media.example.com/clips/short.mp4?duration=5', auto_start: false }) })).json()) as { id: string }).id;
  const id = await draft();
  const round = [
    () => realFetch(`${url}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ video_url: 'https://media.example.com/clips/short.mp4?duration=5', auto_start: false }) }),
    () => realFetch(`${url}/v1/jobs/${id}/start`, { method: 'POST', headers, body: JSON.stringify({ composition: { canvas: { width: 15 } } }) }),
    () => realFetch(`${url}/v1/jobs/${id}`, { headers }),
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

/** `plainSeconds`: the same requests sent again plainly (payload checks only). */
interface FuzzFigures { check: FuzzCheckId; cases: number; requests: number; seconds: number; plainSeconds: number }

async function fuzz(url: string, seed: number): Promise<FuzzFigures[]> {
  const figures: FuzzFigures[] = [];
  for (const check of FUZZ_CHECKS) {
    const config: RunConfig = {
      target: url, embedded: null, keys: { primary: KEY, alt: DEFAULT_ACCOUNTS[1]!.key, broke: DEFAULT_ACCOUNTS[2]!.key },
      videos: [{ label: 'short', url: 'https://media.example.com/clips/short.mp4?duration=5' }, { label: 'long', url: 'https://media.example.com/clips/long.mp4?duration=45' }],
      failingVideo: 'https://media.example.com/clips/fail-corrupt.mp4', profile: 'quick', seed, fuzz: { runs: FUZZ_RUNS, seconds: 600 },
      jobTimeoutS: 10, requestTimeoutMs: 10_000, deadlineAt: Date.now() + 900_000, concurrency: 1, burstMax: 2000, promptPolicy: 'required',
    };
    const recorder = new Recorder(config);
    const signal = AbortSignal.timeout(600_000);
    const ctx: FuzzContext = { client: new Client(recorder, { retry429: true, signal }), config, recorder, signal, note: () => {} };
    const payload = PAYLOAD.includes(check);
    const sent: Sent[] = [];
    capturing = payload ? sent : undefined;
    const t0 = performance.now();
    let outcome;
    try {
      outcome = await runFuzz(ctx, PROPERTIES[check](ctx));
    } finally {
      capturing = undefined;
    }
    const seconds = (performance.now() - t0) / 1000;
    // Right after the check, so the plain loop meets the machine in the same mood.
    const plainSeconds = payload ? await replay(sent, recorder.exchanges) : 0;
    figures.push({ check, cases: outcome.cases, requests: recorder.exchanges.length, seconds, plainSeconds });
  }
  return figures;
}

const sum = (xs: FuzzFigures[], k: 'cases' | 'requests' | 'seconds' | 'plainSeconds'): number => xs.reduce((a, x) => a + x[k], 0);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2; };

if (PINNED) execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
console.log(`FUZZ vs plain sequential requests, one keep-alive connection, a warm-up round and ${ROUNDS} measured rounds; the mock with no rate limit and instant processing; ${PINNED ? 'the mock pinned to CPU 1, this process to CPU 0' : 'not pinned (no taskset or 1 CPU)'}`);
const mock = await startMock();
try {
  const mixes: number[] = [];
  const fuzzes: FuzzFigures[][] = [];
  for (let r = 0; r <= ROUNDS; r++) {
    // Round 0 warms both sides up and is not counted; each round has seeds of its own, so its cases are new to the mock.
    const figures = await fuzz(mock.url, r + 1);
    const mix = await fixedMix(mock.url, PLAIN_S);
    if (r === 0) continue;
    fuzzes.push(figures);
    mixes.push(mix);
  }
  const all = fuzzes.flat();
  const payloadOf = (figures: FuzzFigures[]): FuzzFigures[] => figures.filter((f) => PAYLOAD.includes(f.check));
  const plainRate = (figures: FuzzFigures[]): number => sum(payloadOf(figures), 'requests') / sum(payloadOf(figures), 'plainSeconds');
  const plainRps = plainRate(all);
  console.log(`\nplain (the payload properties' own requests sent again): ${fuzzes.map((f) => plainRate(f).toFixed(0)).join(', ')} req/s → ${plainRps.toFixed(0)} req/s`);
  console.log(`fixed mix (reference): ${mixes.map((p) => p.toFixed(0)).join(', ')} req/s → ${mean(mixes).toFixed(0)} req/s`);
  console.log('\ncheck                      cases  requests  req/case   cases/s   req/s   plain req/s   share of time in requests');
  for (const check of FUZZ_CHECKS) {
    const rows = all.filter((f) => f.check === check);
    const [c, q, s, p] = [sum(rows, 'cases'), sum(rows, 'requests'), sum(rows, 'seconds'), sum(rows, 'plainSeconds')];
    const plainCols = p > 0 ? `${(q / p).toFixed(0).padStart(13)} ${`${(100 * p / s).toFixed(0)}%`.padStart(27)}` : '';
    console.log(`${check.padEnd(26)} ${String(c).padStart(5)} ${String(q).padStart(9)} ${(q / c).toFixed(2).padStart(9)} ${(c / s).toFixed(0).padStart(9)} ${(q / s).toFixed(0).padStart(7)}${plainCols}`);
  }
  const payload = payloadOf(all);
  const [cases, requests, seconds] = [sum(payload, 'cases'), sum(payload, 'requests'), sum(payload, 'seconds')];
  const payloadCps = cases / seconds;
  // Each round against its own replays, each sent right after its check: this VM's speed drifts by tens of percent between rounds.
  const perRound = fuzzes.map((figures) => sum(payloadOf(figures), 'cases') / sum(payloadOf(figures), 'seconds') / plainRate(figures));
  const ratio = median(perRound);
  const requestShare = sum(payload, 'plainSeconds') / seconds;
  const familyCps = sum(all, 'cases') / sum(all, 'seconds');
  const familyRps = sum(all, 'requests') / sum(all, 'seconds');
  console.log(`\npayload cases (${PAYLOAD.join(', ')}): ${payloadCps.toFixed(0)} cases/s; per round ${perRound.map((x) => x.toFixed(2)).join(', ')} × the plain request rate → median ${ratio.toFixed(2)} (target ≥ 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'}; ${(requests / cases).toFixed(2)} requests per case, so ${(cases / requests).toFixed(2)} at the most)`);
  console.log(`  of the payload run's time, the requests themselves take ${(100 * requestShare).toFixed(0)}%, generating, recording and checking ${(100 * (1 - requestShare)).toFixed(0)}%`);
  console.log(`  against the fixed mix: ${(payloadCps / mean(mixes)).toFixed(2)} ×`);
  console.log(`whole family: ${familyCps.toFixed(0)} cases/s = ${(familyCps / plainRps).toFixed(2)} × plain (${(sum(all, 'requests') / sum(all, 'cases')).toFixed(2)} requests per case); its requests go at ${familyRps.toFixed(0)}/s = ${(familyRps / plainRps).toFixed(2)} × plain`);
} finally {
  mock.child.kill('SIGTERM');
}
