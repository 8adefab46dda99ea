/**
 * `jobcert load --export k6`: the same scenarios and thresholds as a k6
 * script, for load beyond one machine (k6 run, k6 cloud, or the k6 operator's
 * distributed TestRun on Kubernetes). Offline: nothing is sent anywhere. The
 * request bodies are the contract-checked ones of requests.ts; keys come from
 * the environment at run time and never appear in the script.
 *
 * How jobcert's metrics map onto k6 (custom metrics, so they mean exactly what
 * the stage measures): latency → Trend jobcert_latency (non-429 responses);
 * errors / http_5xx / rate_limited / timeouts → a Rate for shares and a Counter
 * for counts; rate / ok_rate → a Counter compared as count ≥ rate × the
 * measured seconds of its scope (k6's counter rate divides by the whole test,
 * warm-ups and other scenarios included). Warm-up runs as its own scenario
 * before each measured one and is left out of every threshold; with stages the
 * one ramping scenario includes it (the script's header says so).
 *
 * The load model is jobcert's: an open model at the same requests/s per
 * scenario (constant-arrival-rate, or ramping-arrival-rate for stages, paced
 * in iterations), or the closed model (constant-vus) when there is no rate.
 */
import { draftBody, LIST_PATH, START_BODIES } from './requests.js';
import { POLLED_JOBS_PER_KEY, POLLS_PER_JOB, SCENARIOS } from './scenarios.js';
import type { RateStage } from './arrival.js';
import type { LoadStageOptions } from './stage.js';
import type { Threshold } from './thresholds.js';
import type { ScenarioName } from './types.js';

/** The stage's own settings (one meaning each, whichever runs the load), with thresholds already parsed. */
export interface K6Plan extends Pick<LoadStageOptions, 'target' | 'videoUrl' | 'scenarios' | 'connections' | 'warmupS' | 'timeoutMs'> {
  /** Measured seconds per scenario (the stages' total less the warm-up, with stages). */
  durationS: number;
  /** Open model: requests per second; omitted: closed (constant VUs). */
  rate?: number;
  /** Open model with k6 stages (ramping-arrival-rate), from rate 0. */
  stages?: readonly RateStage[];
  thresholds: readonly Threshold[];
  abortAfterErrors: number;
  version: string;
}

/** Measured requests per iteration of each scenario's function (the start scenario's draft is setup, not measured). */
export const REQUESTS_PER_ITERATION: Record<ScenarioName, number> = { poll: 1, start: 1, mixed: 3 + POLLS_PER_JOB };

/** Within this timeUnit every one-decimal request rate is a whole number of iterations for 1 to 6 requests per iteration. */
const EXACT_TIME_UNIT_S = 60;
/** Longest timeUnit tried: a rate below one iteration a minute needs a longer one. */
const MAX_TIME_UNIT_S = 3600;

/** k6 wants whole iterations per timeUnit: the request rates (per second) of one scenario as iterations per timeUnit. */
export interface K6Pacing { timeUnitS: number; targets: number[] }

/**
 * The shortest timeUnit (whole seconds, up to a minute) at which every rate is
 * exact; else the shortest within 0.1 %, else the closest. k6 spreads a unit's
 * iterations evenly over it, so a longer unit makes no bursts. A positive rate
 * never becomes 0.
 */
export function k6Pacing(requestRates: readonly number[], perIteration: number): K6Pacing {
  const tries = Array.from({ length: MAX_TIME_UNIT_S }, (_, i) => {
    const timeUnitS = i + 1;
    const exact = requestRates.map((r) => (r / perIteration) * timeUnitS);
    const targets = exact.map((x) => (x > 0 ? Math.max(1, Math.round(x)) : 0));
    const error = Math.max(0, ...exact.map((x, j) => (x > 0 ? Math.abs((targets[j] as number) - x) / x : 0)));
    return { timeUnitS, targets, error };
  });
  const pick = tries.find((t) => t.timeUnitS <= EXACT_TIME_UNIT_S && t.error < 1e-9) ?? tries.find((t) => t.error <= 1e-3) ?? tries.reduce((a, b) => (b.error < a.error ? b : a));
  return { timeUnitS: pick.timeUnitS, targets: pick.targets };
}

/** Virtual users as jobcert's own open model sizes them: half a second of requests in flight, at least the connections. */
const preAllocated = (plan: K6Plan, peakRequestRate: number): number => Math.max(plan.connections, Math.ceil(peakRequestRate * 0.5));

/** k6 durations: whole milliseconds, so sums of fractional stages print cleanly. */
const secs = (s: number): string => `${Math.round(s * 1000) / 1000}s`;

const stagesOf = (plan: K6Plan): readonly RateStage[] | undefined => (plan.stages && plan.stages.length > 0 ? plan.stages : undefined);

/** Seconds one scenario's load lasts: the stages' total (warm-up included), or its duration. */
const scenarioSeconds = (plan: K6Plan, durationS: number): number => {
  const stages = stagesOf(plan);
  return stages ? stages.reduce((s, x) => s + x.durationS, 0) : durationS;
};

function executor(plan: K6Plan, name: ScenarioName, durationS: number, startS: number, measured: boolean): Record<string, unknown> {
  const common = { exec: name, startTime: secs(startS), gracefulStop: '5s', tags: { jobcert_measured: measured ? 'yes' : 'no' } };
  // k6 paces iterations, jobcert requests: an iteration of `mixed` sends several.
  const perIteration = REQUESTS_PER_ITERATION[name];
  const stages = stagesOf(plan);
  if (stages) {
    const peak = Math.max(0, ...stages.map((s) => s.target));
    const { timeUnitS, targets } = k6Pacing(stages.map((s) => s.target), perIteration);
    const vus = preAllocated(plan, peak);
    return {
      executor: 'ramping-arrival-rate', startRate: 0, timeUnit: secs(timeUnitS),
      stages: stages.map((s, i) => ({ duration: secs(s.durationS), target: targets[i] as number })),
      preAllocatedVUs: vus, maxVUs: vus * 2, ...common,
    };
  }
  if (plan.rate === undefined) return { executor: 'constant-vus', vus: plan.connections, duration: secs(durationS), ...common };
  const { timeUnitS, targets } = k6Pacing([plan.rate], perIteration);
  const vus = preAllocated(plan, plan.rate);
  return {
    executor: 'constant-arrival-rate', rate: targets[0] as number, timeUnit: secs(timeUnitS), duration: secs(durationS),
    preAllocatedVUs: vus, maxVUs: vus * 2, ...common,
  };
}

/** Iterations per timeUnit in words, e.g. "mixed: 200 iterations per 3s". */
function pacingWords(rates: readonly number[], name: ScenarioName): string {
  const { timeUnitS, targets } = k6Pacing(rates, REQUESTS_PER_ITERATION[name]);
  return `${name}: ${targets.join(', ')} iterations per ${secs(timeUnitS)}`;
}

/** The load model in words, as `jobcert load` prints it, for the script's header. */
function modelLines(plan: K6Plan): string[] {
  const perIteration = `mixed sends ${REQUESTS_PER_ITERATION.mixed} requests per iteration; start also creates its draft, unmeasured`;
  const stages = stagesOf(plan);
  if (stages) {
    const total = scenarioSeconds(plan, plan.durationS);
    const peak = Math.max(0, ...stages.map((s) => s.target));
    const warmupS = Math.min(plan.warmupS, total);
    return [
      `// Load model: open (k6 ramping-arrival-rate), stages from 0 requests/s per scenario: ${stages.map((s) => `${secs(s.durationS)} to ${s.target}/s`).join(', ')} (peak ${peak}/s, ${secs(total)} per scenario).`,
      `// Iterations per timeUnit: ${plan.scenarios.map((n) => pacingWords(stages.map((s) => s.target), n)).join('; ')} (${perIteration}).`,
      ...(warmupS > 0
        // k6 cannot leave the first seconds of a ramping scenario out of its metrics: said here rather than hidden.
        ? [`// No separate warm-up: the first ${secs(warmupS)} of the first stage (jobcert's warm-up) are measured too, and the rate thresholds count their requests.`]
        : []),
    ];
  }
  if (plan.rate !== undefined) {
    return [
      `// Load model: open (k6 constant-arrival-rate), ${plan.rate} requests/s per scenario whatever the answers do; ${plan.warmupS} s warm-up + ${plan.durationS} s per scenario.`,
      `// Iterations per timeUnit: ${plan.scenarios.map((n) => pacingWords([plan.rate as number], n)).join('; ')} (${perIteration}).`,
    ];
  }
  return [`// Load model: closed model (k6 constant-vus), ${plan.connections} VUs per scenario, each sending as soon as its previous answer arrives (latency leaves out queueing); ${plan.warmupS} s warm-up + ${plan.durationS} s per scenario.`];
}

const OPS = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '==': '==', '!=': '!=' } as const;

/** One jobcert threshold as a k6 `metric{filter}` key and expression. */
export function k6Threshold(t: Threshold, plan: K6Plan): { metric: string; expression: string } {
  const filters = [t.scenario ? `scenario:${t.scenario}` : 'jobcert_measured:yes', ...(t.endpoint ? [`endpoint:${t.endpoint}`] : [])];
  const on = (metric: string): string => `${metric}{${filters.join(',')}}`;
  const m = t.metric;
  const op = OPS[t.op];
  if (m.kind === 'latency') {
    const stat = m.stat === 'percentile' ? (m.p === 50 ? 'med' : `p(${m.p})`) : m.stat;
    return { metric: on('jobcert_latency'), expression: `${stat}${op}${t.value}` };
  }
  if (m.kind === 'rate') {
    const scenarios = t.scenario ? 1 : plan.scenarios.length;
    const count = Math.ceil(t.value * plan.durationS * scenarios);
    return { metric: on(m.name === 'rate' ? 'jobcert_requests' : 'jobcert_ok'), expression: `count${op}${count}` };
  }
  const names = { errors: ['jobcert_errors', 'jobcert_error_count'], http_5xx: ['jobcert_http_5xx_share', 'jobcert_http_5xx'], rate_limited: ['jobcert_rate_limited', 'jobcert_rate_limited_count'], timeouts: ['jobcert_timeout_share', 'jobcert_timeouts'] } as const;
  const [share, count] = names[m.name];
  return m.share ? { metric: on(share), expression: `rate${op}${t.value}` } : { metric: on(count), expression: `count${op}${t.value}` };
}

export function exportK6(plan: K6Plan): string {
  if (plan.rate !== undefined && !(Number.isFinite(plan.rate) && plan.rate > 0)) throw new Error(`the k6 export needs a rate above 0 requests/s, not ${plan.rate}`);
  if (plan.rate !== undefined && stagesOf(plan)) throw new Error('the k6 export takes a rate or stages, not both');
  const scenarios: Record<string, Record<string, unknown>> = {};
  let at = 0;
  for (const name of plan.scenarios) {
    if (stagesOf(plan)) {
      // One ramping scenario over the whole stages: its warm-up seconds cannot be split off (see the header).
      scenarios[name] = executor(plan, name, plan.durationS, at, true);
      at += scenarioSeconds(plan, plan.durationS);
      continue;
    }
    if (plan.warmupS > 0) scenarios[`${name}_warmup`] = executor(plan, name, plan.warmupS, at, false);
    scenarios[name] = executor(plan, name, plan.durationS, at + plan.warmupS, true);
    at += plan.warmupS + plan.durationS;
  }
  const thresholds: Record<string, unknown[]> = {};
  for (const t of plan.thresholds) {
    const { metric, expression } = k6Threshold(t, plan);
    (thresholds[metric] ??= []).push(expression);
  }
  // The stage's guard: stop once 5xx responses and requests without an answer pass the bound.
  thresholds.jobcert_trouble = [{ threshold: `count<=${plan.abortAfterErrors}`, abortOnFail: true }];
  const options = { scenarios, thresholds, setupTimeout: '120s', summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(99)', 'p(99.9)', 'max'] };
  const draft = draftBody('VIDEO_URL');
  const lines = [
    `// Generated by jobcert ${plan.version} (jobcert load --export k6): the LOAD scenarios ${plan.scenarios.join(', ')} and their thresholds.`,
    '// Re-export rather than edit: the request bodies are checked against contracts/openapi.yaml when jobcert builds them.',
    '//',
    '//   k6 run -e JOBCERT_TARGET=https://staging.example.com -e JOBCERT_API_KEYS=key1,key2 -e JOBCERT_VIDEO_URL=https://… this-file.js',
    '//',
    '// Distributed (k6 operator): put this file in a ConfigMap, the keys in a Secret exposed as JOBCERT_API_KEYS,',
    '// and run a TestRun with `parallelism: N`; k6 splits every scenario across the N runners.',
    ...modelLines(plan),
    '// Metrics: jobcert_latency (non-429 responses), jobcert_errors (no answer, or not 2xx/429), jobcert_http_5xx, jobcert_rate_limited (429),',
    '// jobcert_requests / jobcert_ok (counted, compared as count >= rate x measured seconds). Warm-up scenarios (*_warmup) are not measured.',
    "import http from 'k6/http';",
    "import exec from 'k6/execution';",
    "import { Counter, Rate, Trend } from 'k6/metrics';",
    '',
    `const TARGET = (__ENV.JOBCERT_TARGET || ${JSON.stringify(plan.target)}).replace(/\\/+$/, '');`,
    "const KEYS = (__ENV.JOBCERT_API_KEYS || __ENV.JOBCERT_API_KEY || '').split(',').map((k) => k.trim()).filter((k) => k.length > 0);",
    `const VIDEO_URL = __ENV.JOBCERT_VIDEO_URL || ${JSON.stringify(plan.videoUrl)};`,
    "if (KEYS.length === 0) throw new Error('set JOBCERT_API_KEYS (comma-separated) or JOBCERT_API_KEY');",
    `const TIMEOUT = '${Math.max(1, Math.ceil(plan.timeoutMs / 1000))}s';`,
    `const DRAFT_BODY = JSON.stringify(Object.assign(${JSON.stringify(draft)}, { video_url: VIDEO_URL }));`,
    `const START_BODIES = ${JSON.stringify(START_BODIES.map((b) => JSON.stringify(b)))};`,
    `const LIST_PATH = ${JSON.stringify(LIST_PATH)};`,
    `const POLLED_JOBS_PER_KEY = ${POLLED_JOBS_PER_KEY};`,
    `const POLLS_PER_JOB = ${POLLS_PER_JOB};`,
    '',
    `export const options = ${JSON.stringify(options, null, 2)};`,
    '',
    "const latency = new Trend('jobcert_latency', true);",
    "const errors = new Rate('jobcert_errors');",
    "const errorCount = new Counter('jobcert_error_count');",
    "const http5xx = new Counter('jobcert_http_5xx');",
    "const http5xxShare = new Rate('jobcert_http_5xx_share');",
    "const rateLimited = new Rate('jobcert_rate_limited');",
    "const rateLimitedCount = new Counter('jobcert_rate_limited_count');",
    "const timeouts = new Counter('jobcert_timeouts');",
    "const timeoutShare = new Rate('jobcert_timeout_share');",
    "const badRetryAfter = new Counter('jobcert_bad_retry_after');",
    "const requests = new Counter('jobcert_requests');",
    "const oks = new Counter('jobcert_ok');",
    "const trouble = new Counter('jobcert_trouble');",
    '',
    'function keyIndex() { return (exec.vu.idInTest - 1) % KEYS.length; }',
    "function params(endpoint, key, idempotencyKey) {",
    "  const headers = { 'X-Api-Key': key };",
    "  if (endpoint === 'createJob' || endpoint === 'startJob') headers['Content-Type'] = 'application/json';",
    "  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;",
    '  return { headers, tags: { endpoint }, timeout: TIMEOUT, responseType: \'text\' };',
    '}',
    '// RATE-2: delay-seconds of at least 1, or an HTTP-date.',
    "function validRetryAfter(v) { return typeof v === 'string' && (/^\\d+$/.test(v.trim()) ? Number(v) >= 1 : !Number.isNaN(Date.parse(v))); }",
    'function record(endpoint, res) {',
    '  const tags = { endpoint };',
    '  requests.add(1, tags);',
    '  if (res.status === 0) {',
    '    const timedOut = res.error_code === 1050;',
    '    errors.add(true, tags); errorCount.add(1, tags); trouble.add(1, tags); timeoutShare.add(timedOut, tags);',
    '    if (timedOut) timeouts.add(1, tags);',
    '    return res;',
    '  }',
    '  const ok = res.status >= 200 && res.status < 300;',
    '  const throttled = res.status === 429;',
    '  rateLimited.add(throttled, tags);',
    '  if (throttled) { rateLimitedCount.add(1, tags); if (!validRetryAfter(res.headers[\'Retry-After\'])) badRetryAfter.add(1, tags); } else latency.add(res.timings.duration, tags);',
    '  errors.add(!ok && !throttled, tags);',
    '  if (!ok && !throttled) errorCount.add(1, tags);',
    '  http5xxShare.add(res.status >= 500, tags);',
    '  if (res.status >= 500) { http5xx.add(1, tags); trouble.add(1, tags); }',
    '  timeoutShare.add(false, tags);',
    '  if (ok) oks.add(1, tags);',
    '  return res;',
    '}',
    "function idOf(res) { try { return res.status >= 200 && res.status < 300 ? res.json('id') : undefined; } catch (e) { return undefined; } }",
    "function createDraft(key, measured) { const res = http.post(`${TARGET}/v1/jobs`, DRAFT_BODY, params('createJob', key)); return idOf(measured ? record('createJob', res) : res); }",
    "function startJob(key, id, n, idempotencyKey) { return record('startJob', http.post(`${TARGET}/v1/jobs/${encodeURIComponent(id)}/start`, START_BODIES[n % START_BODIES.length], params('startJob', key, idempotencyKey))); }",
    "function getJob(key, id) { return record('getJob', http.get(`${TARGET}/v1/jobs/${encodeURIComponent(id)}`, params('getJob', key))); }",
    '',
    '// Polled jobs: created and started per key before the load. Should a distributed run call setup() on every runner, each polls its own.',
    'export function setup() {',
    '  const polled = KEYS.map((key) => {',
    '    const ids = [];',
    '    for (let j = 0; j < POLLED_JOBS_PER_KEY; j++) {',
    "      const id = createDraft(key, false);",
    '      if (id === undefined) continue;',
    "      http.post(`${TARGET}/v1/jobs/${encodeURIComponent(id)}/start`, START_BODIES[j % START_BODIES.length], params('startJob', key));",
    '      ids.push(id);',
    '    }',
    '    return ids;',
    '  });',
    "  if (polled.every((ids) => ids.length === 0)) throw new Error('setup: no job could be created to poll');",
    '  return { polled };',
    '}',
    '',
    `// ${SCENARIOS.poll.title}`,
    'export function poll(data) {',
    '  const k = keyIndex();',
    '  const own = data.polled[k].length > 0 ? k : data.polled.findIndex((ids) => ids.length > 0);',
    '  const ids = data.polled[own];',
    '  getJob(KEYS[own], ids[exec.scenario.iterationInTest % ids.length]);',
    '}',
    '',
    `// ${SCENARIOS.start.title}: the draft is created in the same iteration (not measured), so every start is a fresh job.`,
    'export function start() {',
    '  const key = KEYS[keyIndex()];',
    '  const id = createDraft(key, false);',
    '  if (id !== undefined) startJob(key, id, exec.scenario.iterationInTest);',
    '}',
    '',
    `// ${SCENARIOS.mixed.title}; a refused create or start ends the iteration.`,
    'export function mixed() {',
    '  const key = KEYS[keyIndex()];',
    '  const n = exec.scenario.iterationInTest;',
    '  const id = createDraft(key, true);',
    '  if (id === undefined) return;',
    "  const started = startJob(key, id, n, `jc-k6-${exec.vu.idInTest}-${n}-${Date.now()}`);",
    '  if (started.status < 200 || started.status >= 300) return;',
    '  for (let i = 0; i < POLLS_PER_JOB; i++) getJob(key, id);',
    "  record('listJobs', http.get(`${TARGET}${LIST_PATH}`, params('listJobs', key)));",
    '}',
    '',
  ];
  return lines.join('\n');
}
