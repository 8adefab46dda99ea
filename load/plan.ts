/**
 * How hard and how long each scenario loads the target: the open model's
 * arrival rate (or the closed model, when asked), and a duration long enough
 * for the thresholds to be judged. The rate comes, in this order, from the
 * user's stages or --rate; the embedded mock's fixed rate when its limiter is
 * off; or the load keys' discovered limits, summed, times a safety factor, so
 * that the load stays under what the keys are allowed.
 */
import type { LoadModel } from '../core/load-results.js';
import { constantPlan, peakRate, planSeconds, type ArrivalPlan, type RateStage } from './arrival.js';
import { summedLimit, type KeyLimit } from './limits.js';

/** Share of the keys' summed limits the default plan offers. */
export const SAFETY_FACTOR = 0.8;
/** The embedded mock with its limiter off: a rate it serves with room to spare on 2 cores. */
export const EMBEDDED_RATE = 400;
/** Non-429 answers a scenario aims for by default: a p99 needs 1,000; a tenth more covers a few errors. */
export const TARGET_ANSWERS = 1100;
/** Shortest and longest default measured seconds per scenario (a --duration or the caps decide otherwise). */
export const MIN_DURATION_S = 2;

export interface RateChoice {
  /** 'closed': as fast as answers come (autocannon). */
  rate?: number | 'closed';
  stages?: readonly RateStage[];
}

export interface ScenarioPlan {
  model: LoadModel;
  /** Open model only: the arrivals of the whole phase (warm-up included). */
  arrivals?: ArrivalPlan;
  warmupS: number;
  durationS: number;
}

export interface PlanInput extends RateChoice {
  /** Measured seconds per scenario the user asked for; undefined: long enough for TARGET_ANSWERS. */
  durationS?: number;
  warmupS: number;
  /** The embedded mock with its limiter off. */
  embeddedUnlimited: boolean;
  /** Discovered limits of the load keys (undefined: not discovered, the rate is known otherwise). */
  limits?: readonly KeyLimit[];
  /** Measured seconds one scenario may take at most (the caps, shared among the scenarios). */
  maxDurationS: number;
}

/** The rate the default plan offers, and in words where it came from. */
export function defaultRate(input: PlanInput): { rate: number; source: LoadModel['source']; basis: string } {
  if (input.embeddedUnlimited) return { rate: EMBEDDED_RATE, source: 'embedded', basis: `the embedded mock's fixed rate (its limiter is off): ${EMBEDDED_RATE}/s` };
  const limits = input.limits ?? [];
  if (limits.length === 0) return { rate: 10, source: 'fallback', basis: 'no key limit could be discovered: 10/s' };
  const sum = summedLimit(limits);
  const rate = Math.max(1, Math.round(sum * SAFETY_FACTOR * 10) / 10);
  const each = limits.map((l) => `key #${l.key + 1}: ${l.limited ? `${l.perSecond}/s (its discovered refill)` : `no 429 up to ${l.perSecond}/s`}`).join(', ');
  return { rate, source: limits.every((l) => l.limited) ? 'discovered' : 'fallback', basis: `${SAFETY_FACTOR} × the ${limits.length} load key${limits.length === 1 ? '' : 's'}' summed limits (${each}) = ${rate}/s` };
}

/** Measured seconds that give TARGET_ANSWERS at `rate`, within the caps. */
export function durationFor(rate: number, maxDurationS: number): number {
  return Math.max(1, Math.min(maxDurationS, Math.max(MIN_DURATION_S, Math.ceil(TARGET_ANSWERS / rate))));
}

export function planScenario(input: PlanInput): ScenarioPlan {
  if (input.rate === 'closed') {
    const durationS = input.durationS ?? Math.min(input.maxDurationS, 5);
    return { model: { kind: 'closed', rate: null, source: 'closed', basis: 'closed model (--closed-loop): each connection sends when its last answer came; latency leaves out queueing' }, warmupS: input.warmupS, durationS };
  }
  if (input.stages && input.stages.length > 0) {
    // The user's stages are the whole phase; the warm-up is their first seconds.
    const arrivals: ArrivalPlan = { startRate: 0, stages: input.stages };
    const total = planSeconds(arrivals);
    const warmupS = Math.min(input.warmupS, Math.max(0, total - 1));
    return {
      model: { kind: 'open', rate: peakRate(arrivals), start_rate: 0, stages: input.stages.map((s) => ({ duration_s: s.durationS, target: s.target })), source: 'flag', basis: `the stages given (--stages), peak ${peakRate(arrivals)}/s` },
      arrivals, warmupS, durationS: total - warmupS,
    };
  }
  const chosen = typeof input.rate === 'number' ? { rate: input.rate, source: 'flag' as const, basis: `--rate ${input.rate}` } : defaultRate(input);
  const durationS = input.durationS ?? durationFor(chosen.rate, input.maxDurationS);
  return {
    model: { kind: 'open', rate: chosen.rate, source: chosen.source, basis: chosen.basis },
    arrivals: constantPlan(chosen.rate, input.warmupS + durationS), warmupS: input.warmupS, durationS,
  };
}

/** Parses k6-style stages, `30s:50,1m:50,10s:0` (duration:target rate). */
export function parseStages(raw: string): RateStage[] {
  const stages = raw.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)?:(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw new Error(`--stages: "${part}" is not duration:rate (e.g. 30s:50, 1m:50, 10s:0)`);
    const n = Number(m[1]);
    const durationS = m[2] === 'm' ? n * 60 : m[2] === 'ms' ? n / 1000 : n;
    if (durationS <= 0) throw new Error(`--stages: "${part}": a stage lasts more than 0 s`);
    return { durationS, target: Number(m[3]) };
  });
  if (stages.length === 0) throw new Error('--stages: give at least one duration:rate');
  if (stages.every((s) => s.target === 0)) throw new Error('--stages: every stage has rate 0: nothing would be sent');
  return stages;
}
