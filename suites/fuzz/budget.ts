/**
 * How much the FUZZ family may do: cases (--fuzz-runs, shared among the
 * checks by weight), seconds of searching per check (--fuzz-seconds), and
 * the bounds of shrinking. The quick profile is a PR gate (≥ 300 cases in
 * well under 30 s against the embedded mock); full is a staging run (≥ 5,000).
 */
import type { RunConfig } from '../lib/config.js';
import { FUZZ_CHECKS, type FuzzCheckId } from './catalogue.js';

export type { FuzzCheckId } from './catalogue.js';

/** Share of the case budget per check: cheap one-request cases get most, model sequences (many requests each) a few. */
const SHARE: Record<FuzzCheckId, number> = {
  'fuzz.valid': 0.26, 'fuzz.invalid': 0.41, 'fuzz.raw': 0.1, 'fuzz.rejected-unchanged': 0.07,
  'fuzz.normalization': 0.05, 'fuzz.replay': 0.04, 'fuzz.model': 0.07,
};

export const DEFAULT_RUNS = { quick: 380, full: 5000 } as const;
export const DEFAULT_SECONDS = { quick: 25, full: 600 } as const;
/** Shrinking is bounded by runs of the property and by time; what is found by then is reported (and can be replayed to shrink on). */
export const SHRINK = { quick: { runs: 300, seconds: 30 }, full: { runs: 2000, seconds: 120 } } as const;

export interface Budget { cases: number; seconds: number; shrinkRuns: number; shrinkSeconds: number }

export function budgetFor(check: FuzzCheckId, config: Pick<RunConfig, 'profile' | 'fuzz'>): Budget {
  const total = config.fuzz?.runs ?? DEFAULT_RUNS[config.profile];
  const shrink = SHRINK[config.profile];
  return {
    cases: Math.max(1, Math.round(total * SHARE[check])),
    seconds: config.fuzz?.seconds ?? DEFAULT_SECONDS[config.profile],
    shrinkRuns: shrink.runs,
    shrinkSeconds: shrink.seconds,
  };
}

/** A check's time budget: searching, shrinking, the minimal case replayed, and slack for the gates. */
export function timeoutFor(config: Pick<RunConfig, 'profile' | 'fuzz' | 'jobTimeoutS'>, check: FuzzCheckId): number {
  const b = budgetFor(check, config);
  const waits = check === 'fuzz.model' ? 4 * config.jobTimeoutS : 0;
  return (b.seconds + b.shrinkSeconds + 30 + waits) * 1000;
}

/**
 * `--fuzz-path fuzz.valid:37:2:1`: the check and the fast-check path of the
 * case to replay; a sequence also carries which of its steps ran
 * (`@<replay tag>`), which fast-check needs to rebuild its shrinks.
 */
export function parseFuzzPath(value: string | undefined): { check: FuzzCheckId; path: string; tag?: string } | undefined {
  if (value === undefined) return undefined;
  const m = /^(fuzz\.[a-z-]+):(\d+(?::\d+)*)(?:@([A-Za-z0-9+/=:_-]+))?$/.exec(value.trim());
  if (!m || !(FUZZ_CHECKS as readonly string[]).includes(m[1] as string)) return undefined;
  return { check: m[1] as FuzzCheckId, path: m[2] as string, ...(m[3] ? { tag: m[3] } : {}) };
}
