/**
 * The LOAD stage's results: what load-results.json holds and the reports'
 * Load section draws. They live here, under the Compliance document that
 * carries them (`load`), so the report writers need nothing from load/; load/
 * computes them (metrics.ts, thresholds.ts, billing.ts, stage.ts).
 */

export const SCENARIO_NAMES = ['poll', 'start', 'mixed'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The spec's operationIds the scenarios send. */
export const ENDPOINTS = ['createJob', 'startJob', 'getJob', 'listJobs'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export interface LoadCaps {
  /** Warm-up plus measured seconds of every scenario together. */
  maxDurationS: number;
  /** Every request of the stage, setup included. */
  maxRequests: number;
  /** Stop once 5xx responses plus requests without an answer exceed this (per scenario). */
  abortAfterErrors: number;
}

export interface LatencySummary { count: number; min: number; avg: number; p50: number; p90: number; p95: number; p99: number; p999: number; max: number }

export interface Counts {
  /** Responses plus requests that got none. */
  requests: number;
  responses: number;
  ok: number;
  rate_limited: number;
  http_5xx: number;
  /** No answer, or an answer other than 2xx and 429. */
  errors: number;
  timeouts: number;
  connection_errors: number;
  statuses: Record<string, number>;
}

export interface EndpointMetrics extends Counts {
  endpoint: Endpoint | 'all';
  /** Responses per second over the measured window. */
  throughput: number;
  ok_throughput: number;
  rate_limited_share: number;
  error_share: number;
  latency: LatencySummary | null;
}

export interface TimelineBucket { t_s: number; responses: number; rate_limited: number; errors: number; p50: number | null; p99: number | null; max: number | null; warmup: boolean }
export interface PercentilePoint { p: number; ms: number }

/** What a threshold was judged on: the answers in its scope, and how many of them were the limiter's. */
export interface ThresholdSample {
  /** Answered requests in scope (429 included). */
  answers: number;
  /** Answers other than 429: what latency and error figures are made of. */
  non_429: number;
  /** 429 answers over all answers, 0..1. */
  rate_limited_share: number;
  /** The fewest non-429 answers this metric needs (a p99 needs 1,000: ten answers above it). */
  needed: number;
}

export interface ThresholdResult {
  expr: string;
  id: string;
  scope: string;
  /** undefined when there was nothing to measure (no response in scope). */
  measured?: number;
  display: string;
  limit: string;
  /**
   * not-judged: the sample says nothing about the service (more than 5% of the
   * answers were 429, or too few non-429 answers for the metric); `why` says
   * which, and what input would judge it.
   */
  status: 'pass' | 'fail' | 'not-judged';
  /** status === 'pass'. */
  pass: boolean;
  sample: ThresholdSample;
  why?: string;
}

/** How a scenario's load was offered: an open model at a planned arrival rate, or closed (as fast as answers come). */
export interface LoadModel {
  kind: 'open' | 'closed';
  /** Open: requests per second planned for the measured window (the hold rate); closed: null. */
  rate: number | null;
  /** Open: k6-style stages after the start rate. */
  start_rate?: number;
  stages?: { duration_s: number; target: number }[];
  /** Where the rate came from: the flag, the embedded mock's fixed rate, or the keys' discovered limits. */
  source: 'flag' | 'embedded' | 'discovered' | 'fallback' | 'closed';
  /** How the rate was derived, in words (the keys' limits, the safety factor). */
  basis: string;
  /** Open: arrivals that found no free connection within the timeout (counted as timeouts). */
  expired?: number;
  /** Open: the longest a request went out after its scheduled time, ms (generator lag or no free connection). */
  max_send_delay_ms?: number;
}

/** One step of a capacity search: the rate offered, what came back, and whether every threshold held. */
export interface CapacityPoint {
  rate: number;
  /** Non-429 answers per second achieved. */
  achieved: number;
  answers: number;
  non_429: number;
  rate_limited_share: number;
  error_share: number;
  p50: number | null;
  p99: number | null;
  /** pass: every threshold held (judged); fail: one broke; limited: the keys' limit was reached (over 5% 429). */
  verdict: 'pass' | 'fail' | 'limited';
  /** The thresholds that broke, or why it stopped. */
  notes: string[];
}

export interface CapacityResult {
  scenario: ScenarioName;
  /** The highest rate at which every threshold held; null: none did. */
  capacity: number | null;
  /** Why the search stopped: a threshold broke, the keys' limit, or a bound. */
  stopped_by: string;
  points: CapacityPoint[];
}

export interface BillingProblem {
  job_id: string;
  kind: 'not-charged' | 'charged-twice' | 'wrong-credits' | 'charged-without-start';
  detail: string;
  rule: 'IDEM-5' | 'IDEM-1' | 'RATE-5' | 'credits';
}

export interface BillingResult {
  jobs: number;
  started: number;
  unsure: number;
  not_started: number;
  charges: number;
  credits: number;
  problems: BillingProblem[];
}

export interface ScenarioResult {
  /** A service scenario, or the limiter judged apart (`--scenario limiter`). */
  name: ScenarioName | 'limiter';
  title: string;
  /** ran: to the end; stopped: ended early (stop_reason); setup-failed: could not prepare; not-run: an earlier scenario stopped the stage. */
  status: 'ran' | 'stopped' | 'setup-failed' | 'not-run';
  stop_reason: string | null;
  notes: string[];
  /** How the load was offered (open model at a rate, or closed). */
  model?: LoadModel;
  setup_requests: number;
  requests_sent: number;
  started_at: string | null;
  elapsed_ms: number;
  warmup_s: number;
  /** The measured window: from the end of warm-up to the end of the phase. */
  measured_s: number;
  all: EndpointMetrics | null;
  endpoints: EndpointMetrics[];
  timeline: TimelineBucket[];
  percentiles: { endpoint: string; points: PercentilePoint[] }[];
  contract: { sampled: number; violations: number };
  rate_limit: { responses: number; bad_retry_after: number };
}

export interface LoadResults {
  tool: 'jobcert-load';
  format: 1;
  target: string;
  started_at: string;
  duration_ms: number;
  settings: {
    scenarios: ScenarioName[];
    connections: number;
    duration_s: number;
    warmup_s: number;
    /** Overall requests per second; null: each connection sends as soon as its previous answer arrives. */
    rate: number | null;
    timeout_ms: number;
    /** How many API keys the load was spread over (never the keys). */
    keys: number;
    video_url: string;
    thresholds: string[];
    caps: LoadCaps;
  };
  scenarios: ScenarioResult[];
  thresholds: ThresholdResult[];
  /** `jobcert load --find-capacity`: the search and its curve. */
  capacity?: CapacityResult;
  billing: (BillingResult & { status: 'checked' }) | { status: 'error'; message: string } | null;
  stopped_early: string | null;
  requests_sent: number;
}
