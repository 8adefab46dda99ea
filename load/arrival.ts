/**
 * The open model: requests arrive at a planned rate (k6's arrival-rate
 * executors), whatever the target's answers do. A closed model (autocannon,
 * driver.ts) sends a connection's next request only when its last answer
 * came, so a slow service is offered less load and its latency looks better
 * than a user sees (coordinated omission). Here each request has a scheduled
 * time; its latency runs from that time, so time spent waiting for a free
 * connection, or in a late timer, counts as the user's.
 *
 * The plan is k6's: a start rate, then stages that move linearly to their
 * target rate over their duration (ramp up, hold, ramp down). At most
 * `maxInFlight` requests are out at once, one per virtual user, each with its
 * own script (scenarios.ts) so a create can be followed by its start; an
 * arrival with no free virtual user waits in a queue, and one that waited
 * longer than the timeout is counted as a timeout, never silently dropped.
 */
import http from 'node:http';
import https from 'node:https';
import type { ConnectionScript, PhaseControl, PhaseObserver, PhaseRun } from './driver.js';
import type { OutgoingRequest } from './types.js';

/** One k6 stage: from the rate the previous stage ended at, linearly to `target` over `durationS`. */
export interface RateStage { durationS: number; target: number }

export interface ArrivalPlan {
  /** Requests per second at time 0. */
  startRate: number;
  stages: readonly RateStage[];
}

/** A constant rate for `durationS` seconds: k6's constant-arrival-rate. */
export const constantPlan = (rate: number, durationS: number): ArrivalPlan => ({ startRate: rate, stages: [{ durationS, target: rate }] });

export const planSeconds = (plan: ArrivalPlan): number => plan.stages.reduce((s, x) => s + x.durationS, 0);

/** Requests the plan schedules in all. */
export function plannedArrivals(plan: ArrivalPlan): number {
  let from = plan.startRate;
  let n = 0;
  for (const s of plan.stages) {
    n += ((from + s.target) / 2) * s.durationS;
    from = s.target;
  }
  return Math.floor(n);
}

/** The highest rate the plan reaches. */
export const peakRate = (plan: ArrivalPlan): number => Math.max(plan.startRate, ...plan.stages.map((s) => s.target));

/**
 * When the k-th arrival (0-based) is due, in seconds from the start; undefined
 * past the plan's end. Within a stage the count of arrivals is
 * N(τ) = r0·τ + (r1 − r0)·τ² / 2D, solved for τ.
 */
export function arrivalTime(plan: ArrivalPlan, k: number): number | undefined {
  let from = plan.startRate;
  let before = 0;
  let t0 = 0;
  for (const s of plan.stages) {
    const inStage = ((from + s.target) / 2) * s.durationS;
    if (k < before + inStage) {
      const n = k - before;
      const a = (s.target - from) / (2 * s.durationS);
      const tau = Math.abs(a) < 1e-12 ? n / from : (-from + Math.sqrt(Math.max(0, from * from + 4 * a * n))) / (2 * a);
      return t0 + Math.min(s.durationS, Math.max(0, tau));
    }
    before += inStage;
    t0 += s.durationS;
    from = s.target;
  }
  return undefined;
}

export interface ArrivalOptions {
  /** Origin of the target, e.g. http://127.0.0.1:4010. */
  url: string;
  plan: ArrivalPlan;
  /** Virtual users: at most this many requests out at once (each on a kept-alive connection). */
  maxInFlight: number;
  /** Per request, from its scheduled time: an answer later than this is a timeout. */
  timeoutS: number;
  /** At most this many requests in the phase. */
  maxRequests?: number;
  script(index: number, control: PhaseControl): ConnectionScript;
  observer: PhaseObserver;
  /**
   * How many lanes the virtual users are dealt into (the load keys: user i is in lane i mod lanes).
   * Arrivals go to the lanes in turn, so each key gets its share of the rate; within a lane the user
   * that finished last goes next, so a few users carry a lane's flows (create, start, poll) to the end
   * instead of every user holding one half-done.
   */
  lanes?: number;
}

export interface ArrivalRun extends PhaseRun {
  /** Arrivals that waited for a free virtual user past the timeout and were never sent. */
  expired: number;
  /** The longest a request went out after its scheduled time (a late timer, or no free virtual user), in ms. */
  maxSendDelayMs: number;
}

const RESPONSE_CAP = 4 * 1024 * 1024;

interface Vu { index: number; script: ConnectionScript; cursor: number; busy: boolean }

/** The next request of a virtual user's script. */
function nextOf(vu: Vu): OutgoingRequest {
  if (vu.script.kind === 'dynamic') return vu.script.next();
  const list = vu.script.requests;
  return list[vu.cursor++ % list.length] as OutgoingRequest;
}

/** Virtual users of a phase at `rate`: at least `connections`, enough for half a second of arrivals, at most 1,000. */
export const virtualUsers = (connections: number, rate: number): number => Math.min(1000, Math.max(connections, Math.ceil(rate * 0.5)));

export function runArrivals(opts: ArrivalOptions): Promise<ArrivalRun> {
  const target = new URL(opts.url);
  const lib = target.protocol === 'https:' ? https : http;
  const agent = new lib.Agent({ keepAlive: true, maxSockets: opts.maxInFlight });
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const endS = planSeconds(opts.plan);
  const timeoutMs = opts.timeoutS * 1000;
  let stopReason: string | undefined;
  let stopped = false;
  const control: PhaseControl = { stop(reason) { stopReason ??= reason; stopped = true; } };
  const laneCount = Math.max(1, Math.min(opts.lanes ?? 1, opts.maxInFlight));
  // Each lane's free users as a stack, the first user on top.
  const lanes: Vu[][] = Array.from({ length: laneCount }, () => []);
  for (let i = opts.maxInFlight - 1; i >= 0; i--) lanes[i % laneCount]!.push({ index: i, script: opts.script(i, control), cursor: 0, busy: false });
  let nextLane = 0;
  let freeCount = opts.maxInFlight;
  /** The next lane in turn that has a free user, and that user; undefined when all are busy. */
  const takeFree = (): Vu | undefined => {
    if (freeCount === 0) return undefined;
    for (let tried = 0; tried < laneCount; tried++) {
      const lane = lanes[nextLane]!;
      nextLane = (nextLane + 1) % laneCount;
      const vu = lane.pop();
      if (vu) { freeCount--; return vu; }
    }
    return undefined;
  };
  /** Scheduled times (ms from t0) of arrivals that found no free virtual user. */
  const queue: number[] = [];
  let k = 0;
  let sent = 0;
  let inFlight = 0;
  let expired = 0;
  let maxSendDelayMs = 0;
  let timer: NodeJS.Timeout | undefined;

  return new Promise<ArrivalRun>((resolve) => {
    // A target that never answers cannot hold the phase past its end plus one timeout.
    const deadline = setTimeout(() => { control.stop('deadline: the phase did not end on time'); finishIfDone(); }, (endS + opts.timeoutS + 5) * 1000);
    const finishIfDone = (): void => {
      if (!(stopped || k === -1) || inFlight > 0) return;
      if (timer) clearTimeout(timer);
      clearTimeout(deadline);
      agent.destroy();
      // Arrivals still queued when the phase was stopped were never due to be measured: the stop says why.
      queue.length = 0;
      resolve({ startedAt, elapsedMs: performance.now() - t0, requestsSent: sent, expired, maxSendDelayMs: Math.round(maxSendDelayMs), ...(stopReason ? { stopReason } : {}) });
    };

    const send = (vu: Vu, scheduledMs: number): void => {
      const req = nextOf(vu);
      maxSendDelayMs = Math.max(maxSendDelayMs, performance.now() - t0 - scheduledMs);
      vu.busy = true;
      inFlight++;
      sent++;
      let settled = false;
      const done = (): void => {
        if (settled) return;
        settled = true;
        vu.busy = false;
        inFlight--;
        lanes[vu.index % laneCount]!.push(vu);
        freeCount++;
        pump();
        finishIfDone();
      };
      const left = Math.max(1, timeoutMs - (performance.now() - t0 - scheduledMs));
      const r = lib.request({ protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: req.path, headers: req.headers, agent, timeout: left }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => { if (size < RESPONSE_CAP) { chunks.push(c); size += c.length; } });
        res.on('end', () => {
          if (settled) return;
          const body = Buffer.concat(chunks).toString('utf8');
          const now = performance.now() - t0;
          vu.script.onResponse?.(req, res.statusCode ?? 0, body);
          opts.observer.response(req, res.statusCode ?? 0, now - scheduledMs, now, body, res.headers);
          done();
        });
        res.on('error', (err) => { if (!settled) { opts.observer.error(req.endpoint, 'connection', performance.now() - t0, err.message); done(); } });
      });
      r.on('timeout', () => r.destroy(Object.assign(new Error(`no response within ${opts.timeoutS} s of its scheduled time`), { code: 'TIMEOUT' })));
      r.on('error', (err: Error & { code?: string }) => {
        if (settled) return;
        opts.observer.error(req.endpoint, err.code === 'TIMEOUT' ? 'timeout' : 'connection', performance.now() - t0, err.code === 'TIMEOUT' ? err.message : (err.code ?? err.message));
        done();
      });
      if (req.body !== undefined) r.end(req.body);
      else r.end();
    };

    /** Sends what is due and can go: queued arrivals first, oldest first; arrivals too old to be worth sending expire. */
    const pump = (): void => {
      const now = performance.now() - t0;
      while (queue.length > 0 && now - (queue[0] as number) > timeoutMs) {
        const scheduled = queue.shift() as number;
        expired++;
        opts.observer.error(undefined, 'timeout', now, `not sent: no free connection within ${opts.timeoutS} s of its scheduled time (${Math.round(now - scheduled)} ms)`);
      }
      while (!stopped && queue.length > 0 && freeCount > 0) {
        const vu = takeFree();
        if (!vu) break;
        send(vu, queue.shift() as number);
      }
    };

    const tick = (): void => {
      timer = undefined;
      if (stopped) { finishIfDone(); return; }
      const nowS = (performance.now() - t0) / 1000;
      for (;;) {
        if (opts.maxRequests !== undefined && k >= opts.maxRequests) {
          control.stop(`request cap of ${opts.maxRequests} reached`);
          break;
        }
        const at = arrivalTime(opts.plan, k);
        if (at === undefined) { k = -1; break; }
        if (at > nowS) {
          timer = setTimeout(tick, Math.max(0, (at - nowS) * 1000));
          break;
        }
        k++;
        const scheduled = at * 1000;
        const vu = queue.length === 0 ? takeFree() : undefined;
        if (vu) send(vu, scheduled);
        else queue.push(scheduled);
      }
      pump();
      if (k === -1 || stopped) finishIfDone();
    };

    tick();
  });
}
