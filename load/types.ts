/** The shapes the load stage passes between its modules. */

export const SCENARIO_NAMES = ['poll', 'start', 'mixed'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The spec's operationIds the scenarios send. */
export const ENDPOINTS = ['createJob', 'startJob', 'getJob', 'listJobs'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** One request a connection sends; headers carry the key, so it never leaves the process unredacted. */
export interface OutgoingRequest {
  endpoint: Endpoint;
  method: 'GET' | 'POST';
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The job this request reads or starts, for the billing ledger. */
  jobId?: string;
  /** A request sent only to keep a connection busy until the phase stops; left out of every metric. */
  uncounted?: boolean;
}

export interface ReceivedResponse {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: string;
}
