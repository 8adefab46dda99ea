/** What a route handler sees: the request, its identity, and the engine's state. */
import type { PolicyOptions } from '../../contracts/policy.js';
import type { FaultName } from './faults.js';
import type { JobStore } from './jobs.js';
import type { ErrorSpec } from './respond.js';
import type { AccountConfig, MockRequest, MockResponse } from './types.js';
import type { VariantName } from './variants.js';

export interface Account extends AccountConfig { balance: number }

export interface EngineState {
  jobs: JobStore;
  accounts: Map<string, Account>;
  faults: ReadonlySet<FaultName>;
  variants: ReadonlySet<VariantName>;
  policy: PolicyOptions;
  baseUrl(req: MockRequest): string;
}

export interface RouteContext {
  req: MockRequest;
  requestId: string;
  now: number;
  /** Undefined on routes without auth. */
  account: Account | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body of a POST. */
  body: unknown;
  /** Set by a handler that created or started a job, for the log line (OBS-4). */
  touchedJobId: string | undefined;
  state: EngineState;
}

/** A handler answers with a response or an error the engine renders in the envelope. */
export type RouteResult = MockResponse | { error: ErrorSpec };
export type RouteHandler = (ctx: RouteContext) => RouteResult;

export function fail(error: ErrorSpec): { error: ErrorSpec } {
  return { error };
}
