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
import { capacityCheck, loadChecks } from './checks.js';
import { runArrivals, virtualUsers } from './arrival.js';
import { runPhase, type PhaseRun } from './driver.js';
import { checkGuards, type LoadGuards } from './guards.js';
import { probe, setupClient, TargetUnreachable } from './http.js';
import { Ledger } from './ledger.js';
import { discoverKeyLimits, restAfter, summedLimit, type KeyLimit } from './limits.js';
import { endpointMetrics, percentileCurve, collect, timeline } from './metrics.js';
import { ScenarioRecorder } from './recorder.js';
import { EMBEDDED_RATE, planScenario, type RateChoice, type ScenarioPlan } from './plan.js';
import { contractProblems } from './requests.js';
import { SCENARIOS, ScenarioSetupError, type ScenarioEnv } from './scenarios.js';
import { evaluateThreshold, parseThreshold, type ScenarioData, type Threshold } from './thresholds.js';
import { findCapacity } from './capacity.js';
import { limiterChecks, runLimiter, type LimiterRun } from './limiter.js';
import type { ScenarioName } from './types.js';

/** The limiter's flood: this many times the keys' summed limits, for this long unless --duration says otherwise. */
const LIMITER_FACTOR = 3;
const LIMITER_FLOOD_S = 3;

export interface LoadStageOptions {
  /** Origin of the provider, no trailing slash. */
  target: string;
  /** At least one; connection i uses keys[i mod n]. */
  keys: readonly string[];
  /** A clip the provider can process (the mock takes any URL). */
  videoUrl: string;
  scenarios: readonly ScenarioName[];
  /** Closed model: the connections; open model: the fewest virtual users (raised to half a second of arrivals). */
  connections: number;
  /** Measured seconds per scenario; omitted: long enough for 1,000 non-429 answers at the rate, within the caps. */
  durationS?: number;
  warmupS: number;
  /**
   * Open model at this many requests per second ('closed': as fast as answers come), or k6 stages.
   * Omitted: the embedded mock's fixed rate, or the load keys' discovered limits × 0.8 (plan.ts).
   */
  rate?: RateChoice['rate'];
  stages?: RateChoice['stages'];
  /** The embedded mock runs with its limiter off (its fixed rate applies; nothing to discover). */
  limiterOff?: boolean;
  /** Search the highest rate that meets every threshold (capacity.ts) on the first scenario, instead of loading at one rate. */
  findCapacity?: boolean;
  /** After the scenarios, flood the keys past their limits and judge the limiter itself (limiter.ts). */
  limiter?: boolean;
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

/** The keys' limits when the plan needs them: no rate given and no embedded fixed rate. */
async function limitsFor(opts: LoadStageOptions, log: (line: string) => void): Promise<KeyLimit[] | undefined> {
  if (opts.rate !== undefined || (opts.stages?.length ?? 0) > 0 || (opts.embedded && opts.limiterOff)) return undefined;
  log(`discovering the rate limit of each of the ${opts.keys.length} load key(s)`);
  const limits = await discoverKeyLimits(opts.target, opts.keys, opts.timeoutMs, Date.now() + 120_000);
  await restAfter(limits);
  return limits;
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
  // The caps before anything is sent: a given duration that cannot fit is refused now; a default one is fitted to them.
  checkGuards(opts.target, opts.guards, { embedded: opts.embedded, scenarios: opts.scenarios.length, warmupS: opts.warmupS, durationS: opts.durationS ?? 1 });
  // Thresholds judge the service scenarios; a run of the limiter alone has none to judge.
  const thresholds = opts.scenarios.length > 0 ? opts.thresholds.map(parseThreshold) : [];
  const problems = contractProblems(opts.videoUrl);
  if (problems.length > 0) throw new Error(`the load requests break the contract (a jobcert bug): ${problems.join('; ')}`);
  await probe(opts.target, opts.timeoutMs);
  const limits = await limitsFor(opts, log);
  const plan: ScenarioPlan = planScenario({
    ...(opts.rate !== undefined ? { rate: opts.rate } : {}), ...(opts.stages ? { stages: opts.stages } : {}),
    ...(opts.durationS !== undefined ? { durationS: opts.durationS } : {}), warmupS: opts.warmupS,
    embeddedUnlimited: opts.embedded && opts.limiterOff === true, ...(limits ? { limits } : {}),
    maxDurationS: Math.max(1, Math.floor(opts.guards.maxDurationS / Math.max(1, opts.scenarios.length)) - opts.warmupS),
  });
  const openRate = plan.model.kind === 'open' ? (plan.model.rate ?? undefined) : undefined;
  log(`load model: ${plan.model.kind === 'open' ? `open, ${plan.model.basis}` : plan.model.basis}; ${plan.warmupS} s warm-up + ${plan.durationS} s per scenario`);

  let used = 0;
  const env: ScenarioEnv = {
    base: opts.target, keys: opts.keys, videoUrl: opts.videoUrl, connections: opts.connections, totalS: plan.warmupS + plan.durationS,
    timeoutS: Math.max(1, Math.ceil(opts.timeoutMs / 1000)), ledger: new Ledger(), setup: setupClient(opts.target, opts.timeoutMs),
    budget: { left: () => Math.max(0, opts.guards.maxRequests - used), spend: (n) => { used += n; } },
    runId: `jc-load-${randomBytes(4).toString('hex')}`, ...(openRate !== undefined ? { rate: openRate } : {}),
  };

  if (opts.findCapacity) return capacityStage(opts, env, thresholds, limits, { t0, startedAt, plan, log });

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
    const recorder = new ScenarioRecorder({ scenario: name, base: opts.target, warmupMs: plan.warmupS * 1000, abortAfterErrors: opts.guards.abortAfterErrors, keys: opts.keys, ledger: env.ledger });
    const script = (i: number, control: Parameters<typeof prepared.script>[1]): ReturnType<typeof prepared.script> => {
      if (i === 0) recorder.attach(control);
      return prepared.script(i, control);
    };
    let run: PhaseRun & { expired?: number; maxSendDelayMs?: number };
    if (plan.arrivals && openRate !== undefined) {
      const vus = Math.max(1, Math.min(virtualUsers(opts.connections, openRate), env.budget.left()));
      log(`${name}: open model at ${openRate} req/s (up to ${vus} at once), ${plan.warmupS} s warm-up + ${plan.durationS} s`);
      run = await runArrivals({ url: opts.target, plan: plan.arrivals, maxInFlight: vus, lanes: opts.keys.length, timeoutS: env.timeoutS, maxRequests: env.budget.left(), script, observer: recorder });
    } else {
      const connections = Math.max(1, Math.min(opts.connections, env.budget.left()));
      log(`${name}: closed model, ${connections} connections, ${plan.warmupS} s warm-up + ${plan.durationS} s`);
      run = await runPhase({ url: opts.target, connections, durationS: env.totalS, timeoutS: env.timeoutS, maxRequests: env.budget.left(), script, observer: recorder });
    }
    env.budget.spend(run.requestsSent);
    const model = { ...plan.model, ...(run.expired !== undefined ? { expired: run.expired } : {}), ...(run.maxSendDelayMs !== undefined ? { max_send_delay_ms: run.maxSendDelayMs } : {}) };
    const window = { fromMs: plan.warmupS * 1000, toMs: run.elapsedMs };
    const measuredS = Math.max(0, (window.toMs - window.fromMs) / 1000);
    const endpoints = scenario.endpoints.map((e) => endpointMetrics(recorder, window, e));
    const all = endpointMetrics(recorder, window);
    const result: ScenarioResult = {
      name, title: scenario.title, status: run.stopReason ? 'stopped' : 'ran', stop_reason: run.stopReason ?? null, model,
      notes: [...prepared.notes, `${model.kind === 'open' ? 'open model' : 'closed model'}: ${model.basis}${model.kind === 'open' && model.max_send_delay_ms !== undefined ? `; requests went out at most ${model.max_send_delay_ms} ms after their scheduled time${model.expired ? `, ${model.expired} never (no free connection within the timeout: counted as timeouts)` : ''}` : ''}`],
      setup_requests: prepared.setupRequests, requests_sent: run.requestsSent, started_at: run.startedAt, elapsed_ms: Math.round(run.elapsedMs),
      warmup_s: plan.warmupS, measured_s: Math.round(measuredS * 100) / 100, all, endpoints,
      timeline: timeline(recorder, run.elapsedMs, plan.warmupS * 1000),
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

  let limiterRun: LimiterRun | undefined;
  if (opts.limiter && !stoppedEarly) {
    // The limiter is judged against the keys' limits: found now if the plan did not need them.
    const known = limits ?? (opts.embedded && opts.limiterOff ? undefined : await discoverKeyLimits(opts.target, opts.keys, opts.timeoutMs, Date.now() + 120_000));
    const sum = known ? summedLimit(known) : undefined;
    const rate = sum ? Math.max(3, Math.round(sum * LIMITER_FACTOR)) : 3 * EMBEDDED_RATE;
    const basis = sum ? `${LIMITER_FACTOR} × the keys' summed limits (${Math.round(sum * 10) / 10}/s)` : `no key limit known: ${rate}/s`;
    if (known) await restAfter(known);
    log(`limiter: flooding ${opts.keys.length} key(s) at ${rate}/s for ${opts.durationS ?? LIMITER_FLOOD_S} s, then waiting for each to recover`);
    limiterRun = await runLimiter({
      base: opts.target, keys: opts.keys, videoUrl: opts.videoUrl, rate, basis, floodS: opts.durationS ?? LIMITER_FLOOD_S, timeoutS: env.timeoutS,
      maxRequests: env.budget.left(), abortAfterErrors: opts.guards.abortAfterErrors,
    });
    env.budget.spend(limiterRun.requests);
    scenarios.push(limiterRun.result);
  }

  log('billing: reading usage events');
  const billed = await billing(env, opts.billingWaitMs ?? 10_000);
  const results: LoadResults = {
    tool: 'jobcert-load', format: 1, target: opts.target, started_at: startedAt, duration_ms: Math.round(performance.now() - t0),
    settings: {
      scenarios: [...opts.scenarios], connections: opts.connections, duration_s: plan.durationS, warmup_s: plan.warmupS, rate: openRate ?? null,
      timeout_ms: opts.timeoutMs, keys: opts.keys.length, video_url: opts.videoUrl, thresholds: thresholds.map((t) => t.expr),
      caps: { maxDurationS: opts.guards.maxDurationS, maxRequests: opts.guards.maxRequests, abortAfterErrors: opts.guards.abortAfterErrors },
    },
    scenarios, thresholds: thresholds.map((t) => evaluateThreshold(t, data)), billing: billed, stopped_early: stoppedEarly, requests_sent: used,
  };
  return { checks: [...loadChecks(results, recorders), ...(limiterRun ? limiterChecks(limiterRun) : [])], results };
}

/** --find-capacity: the search on the first scenario; its curve and the highest rate that held, as one check. */
async function capacityStage(opts: LoadStageOptions, env: ScenarioEnv, thresholds: readonly Threshold[], limits: readonly KeyLimit[] | undefined, run: { t0: number; startedAt: string; plan: ScenarioPlan; log: (line: string) => void }): Promise<LoadStageOutput> {
  const scenario = opts.scenarios[0] ?? 'poll';
  const sum = limits ? summedLimit(limits) : undefined;
  // With the keys' limits known the search starts well below them and may go past them, to show where they bind.
  const startRate = typeof opts.rate === 'number' ? opts.rate : sum ? Math.max(1, sum * 0.25) : 50;
  const maxRate = sum ? sum * 2 : 100_000;
  const stepS = opts.durationS ?? Math.min(30, Math.max(2, Math.ceil(1100 / startRate)));
  run.log(`capacity search on ${scenario}: from ${Math.round(startRate * 10) / 10}/s, steps of ${run.plan.warmupS} s + ${stepS} s, up to ${maxRate}/s or ${opts.guards.maxDurationS} s`);
  const capacity = await findCapacity(env, {
    scenario, thresholds, startRate, maxRate, warmupS: run.plan.warmupS, stepS, maxSeconds: opts.guards.maxDurationS,
    connections: opts.connections, abortAfterErrors: opts.guards.abortAfterErrors, log: run.log,
  });
  const results: LoadResults = {
    tool: 'jobcert-load', format: 1, target: opts.target, started_at: run.startedAt, duration_ms: Math.round(performance.now() - run.t0),
    settings: {
      scenarios: [scenario], connections: opts.connections, duration_s: stepS, warmup_s: run.plan.warmupS, rate: null,
      timeout_ms: opts.timeoutMs, keys: opts.keys.length, video_url: opts.videoUrl, thresholds: thresholds.map((t) => t.expr),
      caps: { maxDurationS: opts.guards.maxDurationS, maxRequests: opts.guards.maxRequests, abortAfterErrors: opts.guards.abortAfterErrors },
    },
    scenarios: [], thresholds: [], capacity, billing: null, stopped_early: null, requests_sent: opts.guards.maxRequests - env.budget.left(),
  };
  return { checks: [capacityCheck(capacity)], results };
}
