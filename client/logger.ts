/**
 * The structured log hook (CLI-9, CLI-10). Every event names what support needs
 * to find the request on the provider's side: request_id, job_id, error code.
 * Events never carry the API key: the client logs paths, never headers.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogEventName =
  | 'request' // one attempt answered (debug)
  | 'retry' // an attempt failed transiently; the client waits and tries again
  | 'error' // the client gives up on a request (the error it ends on, CLI-9)
  | 'job.created'
  | 'job.started' // job id, model and output format (CLI-10)
  | 'job.completed'
  | 'job.failed' // job id and error code (CLI-8, CLI-9)
  | 'job.timeout'
  | 'download';

export interface LogEvent {
  level: LogLevel;
  event: LogEventName;
  msg: string;
  method?: string;
  path?: string;
  status?: number;
  attempt?: number;
  delay_ms?: number;
  request_id?: string;
  job_id?: string;
  code?: string;
  model?: string;
  output_format?: string;
}

export type Logger = (event: LogEvent) => void;

export const silentLogger: Logger = () => undefined;

/** One JSON line per event on stderr (a worker's log, as SPEC §4 reads it). */
export const jsonLinesLogger = (write: (line: string) => void = (l) => process.stderr.write(l)): Logger =>
  (event) => write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
