/**
 * The LOAD stage: guards, then each scenario in turn (prepare, warm up, load,
 * measure), then the billing check and the thresholds. Returns the checks in
 * certify's shape (family LOAD) and the results the reports draw.
 *
 *   const { checks, results } = await runLoadStage({ target, keys, videoUrl, ... });
 */
import { randomBytes } from 'node:crypto';
import type { LoadResults, ScenarioResult } from '../core/load-results.js';
import type { CheckResult } from '../core/results.js';
import { evaluateBilling, type UsageEventLike } from './billing.js';
import { loadChecks } from './checks.js';
import { runPhase } from './driver.js';
import { checkGuards, type LoadGuards } from './guards.js';
import { probe, setupClient, TargetUnreachable } from './http.js';
import { Ledger } from './ledger.js';
import { endpointMetrics, percentileCurve, collect, timeline } from './metrics.js';
import { ScenarioRecorder } from './recorder.js';
import { contractProblems } from './requests.js';
import { SCENARIOS, ScenarioSetupError, type ScenarioEnv } from './scenarios.js';
import { evaluateThreshold, parseThreshold, type ScenarioData } from './thresholds.js';
import type { ScenarioName } from './types.js';

export interface LoadStageOptions {
  /** Origin of the provider, no trailing slash. */
  target: string;
  /** At least one; connection i uses keys[i mod n]. */
  keys: readonly string[];
  /** A clip the provider can process (the mock takes any URL). */
  videoUrl: string;
  scenarios: readonly ScenarioName[];
  connections: number;
  durationS: number;
  warmupS: number;
  /** Overall requests per second; omitted: as fast as answers come. */
  rate?: number;
  timeoutMs: number;
  thresholds: readonly string[];
  guards: LoadGuards;
  /** jobcert's own mock on loopback: --allow-load is implied. */
  embedded: boolean;
  /** Progress lines (never a key). */
  log?: (line: string) => void;
  /** How long to wait for charge events that lag behind accepted starts (default 10 s). */
  billingWaitMs?: number;
}

export interface LoadStageOutput {
  checks: CheckResult[];
  results: LoadResults;
}

export { LoadRefused } from './guards.js';
export { TargetUnreachable } from './http.js';

async function readEvents(env: ScenarioEnv, keyIndex: number): Promise<UsageEventLike[]> {
  const res = await env.setup.send({ method: 'GET', path: '/v1/usage/events', headers: { 'x-api-key': env.keys[keyIndex] as string } });
  if (res.status !== 200) throw new Error(`GET /v1/usage/events answered ${res.status} for key #${keyIndex + 1}`);
  const events = (JSON.parse(res.body) as { events?: unknown }).events;
  if (!Array.isArray(events)) throw new Error('GET /v1/usage/events: no events array');
  return events as UsageEventLike[];
}

async function billing(env: ScenarioEnv, waitMs: number): Promise<LoadResults['billing']> {
  if (env.ledger.size === 0) return null;
  const entries = env.ledger.entries();
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      const events = (await Promise.all(env.ledger.keyIndexes().map((k) => readEvents(env, k)))).flat();
      const result = evaluateBilling(entries, events);
      // A provider may write a charge a moment after accepting the start; only missing charges are worth a re-read.
      const onlyMissing = result.problems.length > 0 && result.problems.every((p) => p.kind === 'not-charged');
      if (!onlyMissing || Date.now() >= deadline) return { status: 'checked', ...result };
      await new Promise((r) => setTimeout(r, 1000));
    }
  } catch (err) {
    return { status: 'error', message: `billing could not be read: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function notRun(name: ScenarioName, reason: string, warmupS: number): ScenarioResult {
  return {
    name, title: SCENARIOS[name].title, status: 'not-run', stop_reason: reason, notes: [], setup_requests: 0, requests_sent: 0, started_at: null,
    elapsed_ms: 0, warmup_s: warmupS, measured_s: 0, all: null, endpoints: [], timeline: [], percentiles: [], contract: { sampled: 0, violations: 0 }, rate_limit: { responses: 0, bad_retry_after: 0 },
  };
}

export async function runLoadStage(opts: LoadStageOptions): Promise<LoadStageOutput> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const log = opts.log ?? (() => undefined);
  if (opts.keys.length === 0) throw new Error('the load stage needs at least one API key');
  checkGuards(opts.target, opts.guards, { embedded: opts.embedded, scenarios: opts.scenarios.length, warmupS: opts.warmupS, durationS: opts.durationS });
  const thresholds = opts.thresholds.map(parseThreshold);
  const problems = contractProblems(opts.videoUrl);
  if (problems.length > 0) throw new Error(`the load requests break the contract (a jobcert bug): ${problems.join('; ')}`);
  await probe(opts.target, opts.timeoutMs);

  let used = 0;
  const env: ScenarioEnv = {
    base: opts.target, keys: opts.keys, videoUrl: opts.videoUrl, connections: opts.connections, totalS: opts.warmupS + opts.durationS,
    timeoutS: Math.max(1, Math.ceil(opts.timeoutMs / 1000)), ledger: new Ledger(), setup: setupClient(opts.target, opts.timeoutMs),
    budget: { left: () => Math.max(0, opts.guards.maxRequests - used), spend: (n) => { used += n; } },
    runId: `jc-load-${randomBytes(4).toString('hex')}`, ...(opts.rate ? { rate: opts.rate } : {}),
  };

  const scenarios: ScenarioResult[] = [];
  const recorders = new Map<string, ScenarioRecorder>();
  const data: ScenarioData[] = [];
  let stoppedEarly: string | null = null;
  for (const name of opts.scenarios) {
    if (stoppedEarly) { scenarios.push(notRun(name, `not run: ${stoppedEarly}`, opts.warmupS)); continue; }
    if (env.budget.left() < opts.connections * 2) {
      scenarios.push(notRun(name, `not run: the request cap of ${opts.guards.maxRequests} is spent`, opts.warmupS));
      continue;
    }
    const scenario = SCENARIOS[name];
    log(`${name}: preparing (${scenario.title})`);
    let prepared;
    try {
      prepared = await scenario.prepare(env);
    } catch (err) {
      if (err instanceof TargetUnreachable) throw err;
      const message = err instanceof ScenarioSetupError ? err.message : `${name}: setup failed: ${err instanceof Error ? err.message : String(err)}`;
      scenarios.push({ ...notRun(name, message, opts.warmupS), status: 'setup-failed' });
      continue;
    }
    const recorder = new ScenarioRecorder({ scenario: name, base: opts.target, warmupMs: opts.warmupS * 1000, abortAfterErrors: opts.guards.abortAfterErrors, keys: opts.keys, ledger: env.ledger });
    const connections = Math.max(1, Math.min(opts.connections, env.budget.left()));
    log(`${name}: ${connections} connections, ${opts.warmupS} s warm-up + ${opts.durationS} s${opts.rate ? ` at ${opts.rate} req/s` : ''}`);
    const run = await runPhase({
      url: opts.target, connections, durationS: env.totalS, timeoutS: env.timeoutS, maxRequests: env.budget.left(),
      ...(opts.rate ? { rate: opts.rate } : {}),
      script: (i, control) => {
        if (i === 0) recorder.attach(control);
        return prepared.script(i, control);
      },
      observer: recorder,
    });
    env.budget.spend(run.requestsSent);
    const window = { fromMs: opts.warmupS * 1000, toMs: run.elapsedMs };
    const measuredS = Math.max(0, (window.toMs - window.fromMs) / 1000);
    const endpoints = scenario.endpoints.map((e) => endpointMetrics(recorder, window, e));
    const all = endpointMetrics(recorder, window);
    const result: ScenarioResult = {
      name, title: scenario.title, status: run.stopReason ? 'stopped' : 'ran', stop_reason: run.stopReason ?? null, notes: prepared.notes,
      setup_requests: prepared.setupRequests, requests_sent: run.requestsSent, started_at: run.startedAt, elapsed_ms: Math.round(run.elapsedMs),
      warmup_s: opts.warmupS, measured_s: Math.round(measuredS * 100) / 100, all, endpoints,
      timeline: timeline(recorder, run.elapsedMs, opts.warmupS * 1000),
      percentiles: [
        { endpoint: 'all', points: percentileCurve(collect(recorder, window).latencies) },
        ...(scenario.endpoints.length > 1 ? scenario.endpoints.map((e) => ({ endpoint: e, points: percentileCurve(collect(recorder, window, e).latencies) })) : []),
      ],
      contract: { sampled: recorder.contract.sampled, violations: recorder.contract.violations },
      rate_limit: { responses: recorder.rateLimit.responses, bad_retry_after: recorder.rateLimit.badRetryAfter },
    };
    scenarios.push(result);
    recorders.set(name, recorder);
    data.push({ name, recorder, window });
    log(`${name}: ${run.stopReason ? `${run.stopReason}; ` : ''}${all.throughput.toFixed(0)} responses/s, p99 ${all.latency?.p99 ?? '—'} ms, ${all.http_5xx} 5xx, ${all.rate_limited} 429, ${all.errors} errors`);
    if (run.stopReason && /^stopped early|^deadline/.test(run.stopReason)) stoppedEarly = run.stopReason;
  }

  log('billing: reading usage events');
  const billed = await billing(env, opts.billingWaitMs ?? 10_000);
  const results: LoadResults = {
    tool: 'jobcert-load', format: 1, target: opts.target, started_at: startedAt, duration_ms: Math.round(performance.now() - t0),
    settings: {
      scenarios: [...opts.scenarios], connections: opts.connections, duration_s: opts.durationS, warmup_s: opts.warmupS, rate: opts.rate ?? null,
      timeout_ms: opts.timeoutMs, keys: opts.keys.length, video_url: opts.videoUrl, thresholds: thresholds.map((t) => t.expr),
      caps: { maxDurationS: opts.guards.maxDurationS, maxRequests: opts.guards.maxRequests, abortAfterErrors: opts.guards.abortAfterErrors },
    },
    scenarios, thresholds: thresholds.map((t) => evaluateThreshold(t, data)), billing: billed, stopped_early: stoppedEarly, requests_sent: used,
  };
  return { checks: loadChecks(results, recorders), results };
}
