/** The transport-free shapes the engine speaks; adapters translate HTTP or msw to these. */

export interface MockRequest {
  method: string;
  /** Path and query, e.g. `/v1/jobs?limit=5`. */
  url: string;
  /** Header names lower-cased. A repeated header arrives joined with ", ". */
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array | null;
  /** Set by an adapter that stopped reading past the body limit. */
  bodyTooLarge?: boolean;
}

export interface MockResponse {
  status: number;
  headers: Record<string, string>;
  /** null for HEAD and empty bodies. */
  body: string | Uint8Array | null;
  /** Adapters hold the answer back this long (latency.ts: the latency variant, idem-in-progress, the load-latency fault). */
  delayMs?: number;
}

export interface Clock { now(): number }
export const systemClock: Clock = { now: () => Date.now() };

export interface LogEntry {
  time: string;
  level: 'info' | 'warn' | 'error';
  msg: string;
  request_id?: string;
  method?: string;
  path?: string;
  status?: number;
  /** The account name, never the key (keys are never logged). */
  account?: string;
  job_id?: string;
  event?: string;
}
export type LogSink = (entry: LogEntry) => void;

export interface AccountConfig {
  /** A name for logs and reports; the key itself is never logged. */
  name: string;
  key: string;
  credits: number;
}
