/** The shapes the load stage passes between its modules. */
import type { Endpoint } from '../core/load-results.js';

// Scenario and endpoint names are part of the results the reports draw, so they are declared there.
export { ENDPOINTS, SCENARIO_NAMES, type Endpoint, type ScenarioName } from '../core/load-results.js';

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
