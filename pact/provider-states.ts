/**
 * Provider states, set up through the public API only, with the reference
 * client (so setup traffic keeps the client rules too: it honours 429s and
 * paces its polling). Each state returns the values the pact injects into its
 * request (`${job_id}`, `${video_url}`, `${idempotency_key}`).
 */
import { randomUUID } from 'node:crypto';
import { createClient, createRateGate, JobFailedError, type JobsClient, type Logger, type RateGate } from '../client/index.js';
import { STATES, type StateName } from './contract.js';
import { exhaustRateLimit, type Exhausted } from './rate-limit.js';

export interface StateConfig {
  target: string;
  keys: { primary: string; broke?: string };
  videoUrl: string;
  failingVideoUrl?: string;
  jobTimeoutS: number;
  requestTimeoutMs: number;
  logger?: Logger;
}

/** The state needs something the run was not given; the interaction is reported as skipped. */
export class StateSkipped extends Error {
  override name = 'StateSkipped';
}

type Injected = Record<string, string>;
export interface StateHandler { setup(): Promise<Injected>; teardown?(): Promise<void> }

/** The 429 state and the request filter share this: the filter re-exhausts the key right before the verified request. */
export interface ThrottleControl {
  active: boolean;
  /** Makes sure the key is throttled now (the bucket may refill between setup and request). */
  rethrottle(): Promise<Exhausted>;
  /** Requests still in flight from the last burst. */
  inFlight: Promise<unknown>[];
}

export interface ProviderStates {
  handlers: Record<StateName, StateHandler>;
  throttle: ThrottleControl;
  gate: RateGate;
  /** Starts the jobs of the completed and failed states at once, so they process while other interactions run. */
  warmUp(): void;
}

export function providerStates(config: StateConfig): ProviderStates {
  /** The primary key's gate: the setup client and the request filter honour each other's 429s (CLI-12). */
  const gate = createRateGate();
  const clientFor = (apiKey: string, rateGate?: RateGate): JobsClient => createClient({
    ...(rateGate ? { rateGate } : {}),
    baseUrl: config.target, apiKey, retry: { attemptTimeoutMs: config.requestTimeoutMs, deadlineMs: Math.max(30_000, config.requestTimeoutMs * 3) },
    ...(config.logger ? { logger: config.logger } : {}),
  });
  const primary = clientFor(config.keys.primary, gate);
  const broke = config.keys.broke ? clientFor(config.keys.broke) : undefined;
  const jobTimeoutMs = config.jobTimeoutS * 1000;
  const exhaustLimits = { concurrency: 20, maxRequests: 200, maxMs: 10_000, requestTimeoutMs: config.requestTimeoutMs };

  const draft = async (client: JobsClient, extra: object = {}): Promise<string> =>
    (await client.createJob({ video_url: config.videoUrl, auto_start: false, ...extra })).id;

  const throttle: ThrottleControl = {
    active: false,
    inFlight: [],
    async rethrottle() {
      const now = await exhaustRateLimit(config.target, config.keys.primary, exhaustLimits);
      // A second wave, not awaited, meets the verified request at the provider and takes any token that refills meanwhile.
      throttle.inFlight.push(exhaustRateLimit(config.target, config.keys.primary, { ...exhaustLimits, maxRequests: exhaustLimits.concurrency }));
      return now;
    },
  };

  /** A started job's id, created once: by warmUp, or by the first state that needs it. */
  const once = (videoUrl: () => string): (() => Promise<string>) => {
    let job: Promise<string> | undefined;
    return () => (job ??= primary.createJob({ video_url: videoUrl() }).then((r) => r.id));
  };
  const completedJob = once(() => config.videoUrl);
  const failedJob = once(() => config.failingVideoUrl as string);

  const handlers: Record<StateName, StateHandler> = {
    [STATES.video]: { setup: async () => ({ video_url: config.videoUrl }) },
    [STATES.draft]: { setup: async () => ({ job_id: await draft(primary) }) },
    [STATES.mp4Draft]: { setup: async () => ({ job_id: await draft(primary, { output_format: 'mp4', background: { type: 'color', color: [0, 0, 0] } }) }) },
    [STATES.started]: { setup: async () => ({ job_id: (await primary.createJob({ video_url: config.videoUrl })).id }) },
    [STATES.completed]: {
      async setup() {
        const id = await completedJob();
        await primary.waitForJob(id, { timeoutMs: jobTimeoutMs });
        return { job_id: id };
      },
    },
    [STATES.failed]: {
      async setup() {
        if (!config.failingVideoUrl) throw new StateSkipped('needs --failing-video-url (a source that fails processing)');
        const id = await failedJob();
        const outcome = await primary.waitForJob(id, { timeoutMs: jobTimeoutMs }).then(() => 'completed', (e: unknown) => e);
        if (!(outcome instanceof JobFailedError)) throw new Error(`the failing source did not fail: the job ended ${outcome instanceof Error ? `with ${outcome.message}` : String(outcome)}`);
        return { job_id: id };
      },
    },
    [STATES.brokeDraft]: {
      async setup() {
        if (!broke) throw new StateSkipped('needs --broke-api-key (a key with no credits)');
        return { job_id: await draft(broke) };
      },
    },
    [STATES.keyUsed]: {
      async setup() {
        const id = await draft(primary);
        // Unique per run: idempotency keys live 24 h, and a rerun must not meet its own earlier key.
        const key = `jobcert-pact-${randomUUID()}`;
        await primary.startJob(id, { model: 'light' }, { idempotencyKey: key });
        return { job_id: id, idempotency_key: key };
      },
    },
    [STATES.throttled]: {
      async setup() {
        const result = await exhaustRateLimit(config.target, config.keys.primary, exhaustLimits);
        if (!result.throttled) throw new Error(`no 429 within ${result.sent} requests in ${exhaustLimits.maxMs / 1000} s: the key's rate limit could not be exhausted (RATE-1)`);
        throttle.active = true;
        return {};
      },
      async teardown() {
        throttle.active = false;
        await Promise.allSettled(throttle.inFlight.splice(0));
        // Wait out the throttle before the next interaction: the client honours Retry-After (bounded by its deadline).
        await primary.listJobs({ limit: 1 });
      },
    },
  };
  return {
    handlers, throttle, gate,
    warmUp() {
      // Errors surface in the state that needs the job; here they are only kept from going unhandled.
      completedJob().catch(() => undefined);
      if (config.failingVideoUrl) failedJob().catch(() => undefined);
    },
  };
}
