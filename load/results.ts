/** The load stage's results: what load-results.json holds and the reports' LOAD section draws. */
import type { BillingResult } from './billing.js';
import type { LoadCaps } from './guards.js';
import type { EndpointMetrics, PercentilePoint, TimelineBucket } from './metrics.js';
import type { ThresholdResult } from './thresholds.js';
import type { ScenarioName } from './types.js';

export interface ScenarioResult {
  name: ScenarioName;
  title: string;
  /** ran: to the end; stopped: ended early (stop_reason); setup-failed: could not prepare; not-run: an earlier scenario stopped the stage. */
  status: 'ran' | 'stopped' | 'setup-failed' | 'not-run';
  stop_reason: string | null;
  notes: string[];
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
  billing: (BillingResult & { status: 'checked' }) | { status: 'error'; message: string } | null;
  stopped_early: string | null;
  requests_sent: number;
}
