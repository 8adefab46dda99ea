/**
 * Runs one load phase with autocannon's programmatic API: keep-alive
 * connections, pipelining 1, an optional overall rate, a request cap and a
 * hard deadline. Each connection gets its own script (a closure, set with
 * `setupClient` + `setRequests`), so a connection can carry state from one
 * response to its next request (create → start → poll) without autocannon's
 * per-loop context resets. Latency is timed here, from building a request
 * (autocannon writes it in the same tick) to its parsed response.
 */
import type { EventEmitter } from 'node:events';
// Loaded when a phase runs: most jobcert runs have no LOAD stage, and its module graph is a fifth of a certify run's start-up.
import type autocannon from 'autocannon';
import type { Endpoint, OutgoingRequest } from './types.js';

/**
 * What one connection sends. `static`: a fixed list, cycled, built into bytes
 * once (autocannon's fast path, near wrk's rate). `dynamic`: the next request
 * is decided from the last response (a created job is then started); each is
 * built as it goes out, which costs about a third of the generator's rate.
 */
export type ConnectionScript =
  | { kind: 'static'; requests: readonly OutgoingRequest[]; onResponse?(req: OutgoingRequest, status: number, body: string): void }
  | {
    kind: 'dynamic';
    /** The next request; called once per request, right before it is written. */
    next(): OutgoingRequest;
    /** The response to the request `next` returned last. */
    onResponse?(req: OutgoingRequest, status: number, body: string): void;
  };

export type ErrorKind = 'timeout' | 'connection';

export interface PhaseObserver {
  /**
   * Every response. `rawHeaders` is autocannon's object (original case); pass it to `lowerCased` only
   * for the responses you keep, so the rest cost nothing more.
   */
  response(req: OutgoingRequest, status: number, latencyMs: number, tMs: number, body: string, rawHeaders: unknown): void;
  /** A request that got no response: the connection failed or the request timed out. */
  error(endpoint: Endpoint | undefined, kind: ErrorKind, tMs: number, message: string): void;
}

export interface PhaseControl {
  /** Ends the phase early; the first reason given is kept. */
  stop(reason: string): void;
}

export interface PhaseOptions {
  /** Origin of the target, e.g. http://127.0.0.1:4010. */
  url: string;
  connections: number;
  /** Wall time of the phase, warm-up included. */
  durationS: number;
  /** Overall requests per second (autocannon's overallRate); omitted: each connection sends as soon as its previous response arrives. */
  rate?: number;
  /** At most this many requests in the phase. */
  maxRequests?: number;
  /** Per-request timeout in seconds (autocannon's unit). */
  timeoutS: number;
  script(index: number, control: PhaseControl): ConnectionScript;
  observer: PhaseObserver;
}

export interface PhaseRun {
  startedAt: string;
  elapsedMs: number;
  /** Set when the phase ended before its duration: a stop() reason, the request cap, or the deadline. */
  stopReason?: string;
  requestsSent: number;
}

/** Header names as autocannon hands them over (original case, repeated ones as arrays). */
export function lowerCased(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  // The raw form the parser gives ([name, value, name, value, …]): repeated names are joined, as in the object form.
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const k = String(headers[i]).toLowerCase();
      out[k] = out[k] === undefined ? String(headers[i + 1]) : `${out[k]}, ${String(headers[i + 1])}`;
    }
    return out;
  }
  for (const [k, v] of Object.entries((headers ?? {}) as Record<string, unknown>)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

/** The request autocannon sends, carrying the one it was built from. */
interface Built { jobcert?: OutgoingRequest }

/**
 * autocannon hands a response to a request's onResponse only after turning its
 * raw headers into an object (lodash, every response), which cost a static
 * phase about a tenth of its rate. The client's own hook is given the raw
 * headers instead; the recorder turns them into an object only for the answers
 * it keeps. Internal to autocannon (lib/requestIterator.js): checked at run time,
 * so a version without it falls back to onResponse.
 */
function takeRawResponses(client: autocannon.Client, answer: (req: OutgoingRequest, status: number, body: string, rawHeaders: unknown) => void): boolean {
  const iterator = (client as unknown as { requestIterator?: { recordBody?: unknown } }).requestIterator;
  if (!iterator || typeof iterator.recordBody !== 'function') return false;
  iterator.recordBody = (request: Built | undefined, status: number, body: string, rawHeaders: unknown): void => {
    if (request?.jobcert) answer(request.jobcert, status, body, rawHeaders);
  };
  return true;
}

export async function runPhase(opts: PhaseOptions): Promise<PhaseRun> {
  // Loaded before the phase's clock starts: the import is no part of the load.
  const { default: autocannon } = await import('autocannon');
  return runPhaseWith(autocannon, opts);
}

function runPhaseWith(autocannon: typeof import('autocannon'), opts: PhaseOptions): Promise<PhaseRun> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  let stopReason: string | undefined;
  let sent = 0;
  let index = 0;
  // Filled right after autocannon() returns; scripts only call stop() from callbacks, which come later.
  let instance: autocannon.Instance | undefined;
  const control: PhaseControl = {
    stop(reason) {
      stopReason ??= reason;
      instance?.stop();
    },
  };

  // autocannon calls a request's onResponse and then, in the same tick, emits 'response' with its
  // own timing for that client; the request travels from one to the other through this variable.
  let answeredReq: OutgoingRequest | undefined;
  let answeredBody = '';
  let answeredHeaders: unknown;

  const setupClient = (client: autocannon.Client): void => {
    const script = opts.script(index++, control);
    let inflight: OutgoingRequest | undefined;
    const answer = (req: OutgoingRequest, status: number, body: string, headers: unknown): void => {
      answeredReq = req;
      answeredBody = body;
      answeredHeaders = headers;
      script.onResponse?.(req, status, body);
    };
    if (script.kind === 'static') {
      inflight = script.requests[0];
      const raw = takeRawResponses(client, answer);
      client.setRequests(script.requests.map((r) => ({
        method: r.method, path: r.path, headers: { ...r.headers }, body: r.body ?? '', jobcert: r,
        ...(raw ? {} : { onResponse: (status: number, body: string, _c: object, headers: unknown) => answer(r, status, body, headers) }),
      })));
    } else {
      let current: OutgoingRequest | undefined;
      client.setRequests([{
        setupRequest: (req) => {
          const out = script.next();
          inflight = current = out;
          req.method = out.method;
          req.path = out.path;
          // A fresh object: autocannon adds Content-Length to the one it is given.
          req.headers = { ...out.headers };
          req.body = out.body ?? '';
          return req;
        },
        onResponse: (status, body, _context, headers) => { if (current) answer(current, status, body, headers); },
      }]);
    }
    // The client emits these (autocannon/lib/httpClient.js); @types/autocannon lists only headers, body and response.
    const events = client as unknown as EventEmitter;
    events.on('request', () => { sent++; });
    events.on('timeout', () => opts.observer.error(inflight?.endpoint, 'timeout', performance.now() - t0, `no response within ${opts.timeoutS} s`));
    events.on('connError', (err: Error & { code?: string }) => opts.observer.error(inflight?.endpoint, 'connection', performance.now() - t0, err.code ?? err.message));
  };

  return new Promise<PhaseRun>((resolve, reject) => {
    // autocannon's own deadline is the duration; this one covers a phase that cannot wind down (a hung target).
    const deadline = setTimeout(() => control.stop('deadline: the phase did not end on time'), (opts.durationS + opts.timeoutS + 5) * 1000);
    instance = autocannon({
      url: opts.url,
      // autocannon splits maxOverallRequests over the connections; a connection whose share is 0 would have no cap at all.
      connections: opts.maxRequests ? Math.max(1, Math.min(opts.connections, opts.maxRequests)) : opts.connections,
      duration: opts.durationS,
      pipelining: 1,
      timeout: opts.timeoutS,
      // A stop() takes effect on autocannon's next sample tick; 200 ms keeps an early stop prompt.
      sampleInt: 200,
      ...(opts.rate ? { overallRate: opts.rate } : {}),
      ...(opts.maxRequests ? { maxOverallRequests: opts.maxRequests } : {}),
      setupClient,
      skipAggregateResult: true,
    }, (err) => {
      clearTimeout(deadline);
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      const elapsedMs = performance.now() - t0;
      if (!stopReason && opts.maxRequests && sent >= opts.maxRequests && elapsedMs < opts.durationS * 1000 - 250) stopReason = `request cap of ${opts.maxRequests} reached`;
      resolve({ startedAt, elapsedMs, requestsSent: sent, ...(stopReason ? { stopReason } : {}) });
    });
    instance.on('response', (_client: autocannon.Client, status: number, _bytes: number, latencyMs: number) => {
      const req = answeredReq;
      answeredReq = undefined;
      if (req) opts.observer.response(req, status, latencyMs, performance.now() - t0, answeredBody, answeredHeaders);
    });
  });
}
