/**
 * The three load scenarios. Each prepares what it needs outside the measured
 * load, then gives every connection a script:
 * - poll: GET /v1/jobs/{id} of jobs created and started beforehand (static
 *   requests, the generator's fast path);
 * - start: POST /v1/jobs/{id}/start, each on a fresh draft created
 *   beforehand, so every start is real work and a real charge;
 * - mixed: per connection, create a draft, start it (with an Idempotency-Key),
 *   poll it three times, list jobs; again and again. A job whose create or
 *   start is refused (a 429 included) is left behind and the loop begins anew:
 *   the generator never waits, so it never retries before a Retry-After.
 * Connection i uses key i mod the number of keys, so load spreads over the keys given.
 */
import { runPhase, type ConnectionScript, type PhaseControl } from './driver.js';
import type { SetupClient } from './http.js';
import type { Ledger } from './ledger.js';
import { requestsFor, START_BODIES, startCredits, type RequestFactory } from './requests.js';
import type { Endpoint, OutgoingRequest, ScenarioName } from './types.js';

export interface ScenarioEnv {
  base: string;
  keys: readonly string[];
  videoUrl: string;
  connections: number;
  /** Warm-up plus measured seconds. */
  totalS: number;
  rate?: number;
  timeoutS: number;
  ledger: Ledger;
  setup: SetupClient;
  /** Requests this scenario may still send, setup included. */
  budget: { left(): number; spend(n: number): void };
  /** A unique prefix for Idempotency-Keys of this run. */
  runId: string;
}

export interface PreparedScenario {
  /** Requests sent while preparing (not measured). */
  setupRequests: number;
  notes: string[];
  script(index: number, control: PhaseControl): ConnectionScript;
}

export interface Scenario {
  name: ScenarioName;
  title: string;
  endpoints: readonly Endpoint[];
  prepare(env: ScenarioEnv): Promise<PreparedScenario>;
}

const JOB_ID = /"id"\s*:\s*"([^"]+)"/;
const idOf = (body: string): string | undefined => JOB_ID.exec(body)?.[1];
const ok = (s: number): boolean => s >= 200 && s < 300;
const keyOf = (env: ScenarioEnv, connection: number): number => connection % env.keys.length;
const factories = (env: ScenarioEnv): RequestFactory[] => env.keys.map((k) => requestsFor(k, env.videoUrl));

/** Polled jobs per key: enough that connections do not all read one record, few enough to cost little on staging. */
export const POLLED_JOBS_PER_KEY = 4;

export const pollScenario: Scenario = {
  name: 'poll',
  title: 'GET /v1/jobs/{job_id} of existing jobs (status polling)',
  endpoints: ['getJob'],
  async prepare(env) {
    const f = factories(env);
    const ids: string[][] = env.keys.map(() => []);
    let sent = 0;
    const perKey = Math.max(0, Math.min(POLLED_JOBS_PER_KEY, Math.floor(env.budget.left() / (2 * env.keys.length))));
    // Every job at once: setting up costs two round trips, however slow the target.
    await Promise.all(env.keys.flatMap((_, k) => Array.from({ length: perKey }, async (_unused, j) => {
      const created = await env.setup.send(f[k]!.createDraft());
      sent++;
      const id = ok(created.status) ? idOf(created.body) : undefined;
      if (!id) return;
      env.ledger.created(id, k);
      env.ledger.startSent(id, startCredits(START_BODIES[j % START_BODIES.length]!));
      const res = await env.setup.send(f[k]!.start(id, j));
      sent++;
      env.ledger.startAnswered(id, res.status);
      ids[k]!.push(id);
    })));
    env.budget.spend(sent);
    if (ids.every((l) => l.length === 0)) throw new ScenarioSetupError('poll: no job could be created to poll (every POST /v1/jobs failed)');
    return {
      setupRequests: sent,
      notes: [`polls ${ids.flat().length} jobs created and started beforehand`],
      script: (i) => {
        const k = ids[keyOf(env, i)]!.length > 0 ? keyOf(env, i) : ids.findIndex((l) => l.length > 0);
        const own = ids[k]!;
        // Each connection starts at another job, so reads spread over the records.
        const order = own.map((_, j) => own[(j + i) % own.length] as string);
        return { kind: 'static', requests: order.map((id) => ({ ...f[k]!.getJob(id), jobId: id })) };
      },
    };
  },
};

export class ScenarioSetupError extends Error {}

export const startScenario: Scenario = {
  name: 'start',
  title: 'POST /v1/jobs/{job_id}/start, each on a fresh draft',
  endpoints: ['startJob'],
  async prepare(env) {
    const f = factories(env);
    const pools: string[][] = env.keys.map(() => []);
    // With a rate, drafts for the whole phase and a margin; without one, as many as the target creates in a
    // third more than the phase's own time (creating costs about what starting does), within half the budget left.
    const wanted = env.rate ? Math.ceil(env.rate * env.totalS * 1.1) + env.connections : Math.floor(env.budget.left() / 2);
    const cap = Math.max(env.connections, Math.min(wanted, Math.floor(env.budget.left() / 2)));
    const run = await runPhase({
      url: env.base, connections: Math.min(env.connections, cap), durationS: env.rate ? env.totalS * 1.2 : env.totalS * 1.33, timeoutS: env.timeoutS, maxRequests: cap,
      ...(env.rate ? { rate: env.rate } : {}),
      script: (i) => {
        const k = keyOf(env, i);
        return {
          kind: 'static', requests: [f[k]!.createDraft()],
          onResponse: (_req, status, body) => {
            const id = ok(status) ? idOf(body) : undefined;
            if (id) { pools[k]!.push(id); env.ledger.created(id, k); }
          },
        };
      },
      observer: { response: () => undefined, error: () => undefined },
    });
    env.budget.spend(run.requestsSent);
    const drafts = pools.reduce((n, p) => n + p.length, 0);
    if (drafts === 0) throw new ScenarioSetupError('start: no draft could be created (every POST /v1/jobs failed)');
    let bodyIndex = 0;
    return {
      setupRequests: run.requestsSent,
      notes: [`${drafts} drafts created beforehand in ${(run.elapsedMs / 1000).toFixed(1)} s`],
      script: (i, control) => {
        const k = keyOf(env, i);
        const pool = pools[k]!;
        const filler: OutgoingRequest = { endpoint: 'getJob', method: 'GET', path: '/health', headers: {}, uncounted: true };
        return {
          kind: 'dynamic',
          next: () => {
            const id = pool.pop();
            if (id === undefined) {
              control.stop('drafts ran out: every draft created beforehand was started');
              return filler;
            }
            const b = bodyIndex++;
            env.ledger.startSent(id, startCredits(START_BODIES[b % START_BODIES.length]!));
            return { ...f[k]!.start(id, b), jobId: id };
          },
          onResponse: (req, status) => {
            // A throttled start changed nothing (RATE-5): the draft is still fresh, so it goes back in the pool.
            if (status === 429 && req.jobId !== undefined) pool.unshift(req.jobId);
          },
        };
      },
    };
  },
};

type Step = 'create' | 'start' | 'poll' | 'list';
export const POLLS_PER_JOB = 3;

export const mixedScenario: Scenario = {
  name: 'mixed',
  title: 'create, start, poll ×3, list per job (a realistic client)',
  endpoints: ['createJob', 'startJob', 'getJob', 'listJobs'],
  async prepare(env) {
    const f = factories(env);
    let bodyIndex = 0;
    return {
      setupRequests: 0,
      notes: [`each connection loops: create a draft, start it (with an Idempotency-Key), poll it ${POLLS_PER_JOB} times, list jobs; a refused create or start begins the loop anew`],
      script: (i) => {
        const k = keyOf(env, i);
        let step: Step = 'create';
        let jobId: string | undefined;
        let idemKey = '';
        let startBody = 0;
        let polls = 0;
        let n = 0;
        return {
          kind: 'dynamic',
          next: () => {
            if (step === 'start' && jobId !== undefined) {
              env.ledger.startSent(jobId, startCredits(START_BODIES[startBody % START_BODIES.length]!));
              return { ...f[k]!.start(jobId, startBody, idemKey), jobId };
            }
            if (step === 'poll' && jobId !== undefined) return { ...f[k]!.getJob(jobId), jobId };
            if (step === 'list') return f[k]!.list();
            return f[k]!.createDraft();
          },
          onResponse: (req, status, body) => {
            if (req.endpoint === 'createJob') {
              const id = ok(status) ? idOf(body) : undefined;
              if (id) {
                env.ledger.created(id, k);
                jobId = id;
                idemKey = `${env.runId}-${i}-${++n}`;
                startBody = bodyIndex++;
                step = 'start';
              }
            } else if (req.endpoint === 'startJob') {
              if (ok(status)) { step = 'poll'; polls = 0; } else step = 'create';
            } else if (req.endpoint === 'getJob') {
              if (++polls >= POLLS_PER_JOB) step = 'list';
            } else step = 'create';
          },
        };
      },
    };
  },
};

export const SCENARIOS: Record<ScenarioName, Scenario> = { poll: pollScenario, start: startScenario, mixed: mixedScenario };
