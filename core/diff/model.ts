/**
 * What `jobcert diff` reports of two or more runs: the JSON it prints with
 * `--format json` and the Markdown is drawn from. The shape is stable
 * (`format` is bumped when a reader must know of a change); every list is
 * present, empty when there is nothing in it.
 */
import type { CheckResult, Compliance, Status } from '../results.js';

/** A check's result in one run; `absent`: that run did not have the check (older jobcert, --only/--skip, another profile). */
export type Presence = Status | 'absent';

export interface RunRef {
  /** OLD and NEW are the last two runs; earlier ones are `run 1`, `run 2`, … */
  label: string;
  /** The path as given on the command line. */
  source: string;
  started_at: string;
  target: string;
  profile: Compliance['profile'];
  strict: boolean;
  verdict: Compliance['verdict'];
  jobcert_version: string;
  /** null: a document older than report versions. */
  report_version: string | null;
  /** null: a document without provenance (older than it). */
  spec_sha256: string | null;
  openapi_sha256: string | null;
  counts: { total: number; pass: number; fail: number; skip: number; error: number };
}

export interface CheckChange {
  id: string;
  title: string;
  rule_ids: string[];
  level: CheckResult['level'];
  old: Presence;
  new: Presence;
  /** The check's result in every run given, oldest first. */
  history: Presence[];
  /** NEW's message, or OLD's when NEW does not have the check. */
  message: string;
  /** NEW's finding on a failure, or OLD's. */
  finding?: NonNullable<CheckResult['finding']>;
}

export interface FlappingCheck {
  id: string;
  title: string;
  rule_ids: string[];
  history: Presence[];
  /** How many times the result changed from one run to the next (absent runs aside). */
  changes: number;
}

export interface CheckDiff {
  /** Failing in NEW, not failing in OLD (or absent from it): regressions. */
  new_failures: CheckChange[];
  /** Failing in OLD, passing in NEW. */
  fixed: CheckChange[];
  /** Failing in OLD, then skipped, errored or absent in NEW: no longer seen failing, not seen passing either. */
  unobserved: CheckChange[];
  still_failing: CheckChange[];
  /** Absent from OLD, not failing in NEW. */
  new_checks: CheckChange[];
  /** Absent from NEW, not failing in OLD. */
  removed: CheckChange[];
  /** Present in both with another result, neither a failure (pass ↔ skip, error → pass, …). */
  changed: CheckChange[];
  /** Results that changed at least twice over the runs given; empty with two runs (`flapping_judged` false). */
  flapping: FlappingCheck[];
  flapping_judged: boolean;
  /** Checks with the same result in OLD and NEW, the still failing aside. */
  unchanged: number;
}

/** worse / better by pass < incomplete = interrupted < fail; sideways: incomplete ↔ interrupted. */
export type VerdictChange = 'same' | 'better' | 'worse' | 'sideways';

export interface VerdictDiff {
  old: Compliance['verdict'];
  new: Compliance['verdict'];
  change: VerdictChange;
  /** Every run's verdict, oldest first. */
  history: Compliance['verdict'][];
}

export type LatencyResult = 'regression' | 'within-tolerance' | 'improved' | 'not-compared';

export interface LatencyComparison {
  scenario: string;
  /** An operationId, or `all` for the scenario's every request. */
  endpoint: string;
  old_ms: number | null;
  new_ms: number | null;
  /** The non-429 answers each percentile rests on. */
  old_n: number | null;
  new_n: number | null;
  /** NEW minus OLD; null when not compared. */
  delta_ms: number | null;
  /** Relative to OLD, in percent; null when not compared or OLD was 0 ms. */
  delta_pct: number | null;
  result: LatencyResult;
  /** Why it was not compared (a sample too small, a threshold not judged, a scenario that did not run). */
  why?: string;
}

export interface LoadDiff {
  percentile: 'p95';
  /** A regression is more than this much slower, in percent of OLD … */
  tolerance_pct: number;
  /** … and more than this many ms slower. */
  floor_ms: number;
  /** compared: both runs carried LOAD results; otherwise `why` says which did not. */
  status: 'compared' | 'absent';
  why?: string;
  entries: LatencyComparison[];
}

/** The rate limit a run saw (RATE-1), the figures that describe the provider rather than the run. */
export interface RateLimitSeen {
  key: string;
  throttled: boolean;
  requests_before_first_429: number | null;
  refill_per_second: number | null;
  retry_after: string | null;
  retry_after_ms: number | null;
  policy_header: string | null;
  hinted_quota: number | null;
}

export interface RateLimitDiff {
  /** One per run, oldest first; null: the run did not measure the rate limit (not selected, an older document). */
  runs: (RateLimitSeen | null)[];
  changed: boolean;
  /** What changed between consecutive runs that both measured it, in words. */
  changes: string[];
}

export type WarningKind = 'contract' | 'target' | 'profile' | 'strict' | 'selection' | 'mock' | 'provenance' | 'order';

export interface DiffWarning { kind: WarningKind; message: string }

export interface Regression { kind: 'new-failure' | 'verdict' | 'latency'; message: string }

export interface DiffOptions {
  /** Percent, e.g. 20. */
  latencyTolerancePct: number;
  latencyFloorMs: number;
}

export const DEFAULT_DIFF_OPTIONS: DiffOptions = { latencyTolerancePct: 20, latencyFloorMs: 50 };

export interface DiffReport {
  tool: 'jobcert-diff';
  format: 1;
  /** Oldest first; the last two are OLD and NEW. */
  runs: RunRef[];
  verdict: VerdictDiff;
  checks: CheckDiff;
  load: LoadDiff;
  rate_limit: RateLimitDiff;
  warnings: DiffWarning[];
  /** What `--fail-on regression` exits 1 on: new failures, a worse verdict, LOAD regressions beyond the tolerance. */
  regressions: Regression[];
  regressed: boolean;
}

/** A run as diff reads it: the document and where it came from. */
export interface RunInput { source: string; doc: Compliance }
