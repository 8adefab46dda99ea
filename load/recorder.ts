/**
 * Collects one scenario's responses while the load runs: status, latency and
 * completion time of each (compact arrays, summarized afterwards), RATE-2 on
 * every 429, the contract on a sample of responses (contracts/conformance.ts),
 * evidence of 5xx, and the early stop when 5xx plus requests without an answer
 * pass the bound.
 */
import { checkResponse, type Violation } from '../contracts/conformance.js';
import { findOperation } from '../contracts/spec.js';
import type { Exchange } from '../core/exchange.js';
import { isDelaySeconds, parseRetryAfter } from '../suites/lib/backoff.js';
import { REDACTED } from '../suites/lib/redact.js';
import { lowerCased, type ErrorKind, type PhaseControl, type PhaseObserver } from './driver.js';
import type { Ledger } from './ledger.js';
import { ENDPOINTS, type Endpoint, type OutgoingRequest } from './types.js';

/** Per endpoint: the first few responses, the first of each status, then one in SAMPLE_EVERY, at most SAMPLE_MAX. */
const SAMPLE_FIRST = 5;
const SAMPLE_EVERY = 50;
const SAMPLE_MAX = 200;
const EVIDENCE_MAX = 10;
const BODY_CHARS = 4000;

export interface RecorderOptions {
  scenario: string;
  base: string;
  /** Responses completing before this (ms from the phase start) are warm-up. */
  warmupMs: number;
  /** Stop once 5xx responses plus requests without an answer exceed this. */
  abortAfterErrors: number;
  /** Index 0 is the primary key (shown as such in evidence); the others are load keys. */
  keys: readonly string[];
  ledger?: Ledger;
}

export class ScenarioRecorder implements PhaseObserver {
  // One entry per counted response; completion time and latency in ms.
  readonly t: number[] = [];
  readonly latency: number[] = [];
  readonly status: number[] = [];
  readonly endpoint: number[] = [];
  readonly errors: { t: number; endpoint: number; kind: ErrorKind; message: string }[] = [];
  readonly contract = { sampled: 0, violations: 0, evidence: [] as Exchange[] };
  readonly rateLimit = { responses: 0, badRetryAfter: 0, evidence: [] as Exchange[] };
  readonly serverErrors: Exchange[] = [];
  private readonly seen = new Array<number>(ENDPOINTS.length).fill(0);
  private readonly sampledPer = new Array<number>(ENDPOINTS.length).fill(0);
  private readonly statusesSeen = new Set<number>();
  private trouble = 0;
  private control: PhaseControl | undefined;
  private readonly phaseStart = Date.now();

  constructor(private readonly opts: RecorderOptions) {}

  attach(control: PhaseControl): void {
    this.control = control;
  }

  response(req: OutgoingRequest, status: number, latencyMs: number, tMs: number, body: string, rawHeaders: unknown): void {
    if (req.uncounted) return;
    const ep = ENDPOINTS.indexOf(req.endpoint);
    this.t.push(tMs);
    this.latency.push(latencyMs);
    this.status.push(status);
    this.endpoint.push(ep);
    const n = ++this.seen[ep]!;
    if (req.endpoint === 'startJob' && req.jobId !== undefined) this.opts.ledger?.startAnswered(req.jobId, status);

    let headers: Record<string, string> | undefined;
    if (status === 429) {
      this.rateLimit.responses++;
      headers = lowerCased(rawHeaders);
      // RATE-2: a valid Retry-After at least 1 s ahead: delay-seconds ≥ 1, or an HTTP-date a second or more past the answer's own Date.
      const value = headers['retry-after'];
      const wait = parseRetryAfter(value, headers.date);
      const date = headers.date ? Date.parse(headers.date) : Number.NaN;
      const ok = wait !== undefined && (isDelaySeconds(value) ? wait >= 1000 : Number.isNaN(date) || Date.parse(value as string) - date >= 1000);
      if (!ok) {
        this.rateLimit.badRetryAfter++;
        if (this.rateLimit.evidence.length < EVIDENCE_MAX) this.rateLimit.evidence.push(this.exchange(req, status, latencyMs, tMs, headers, body, [{ where: 'RATE-2', message: `Retry-After ${JSON.stringify(headers['retry-after'] ?? null)} is not a valid delay of at least 1 s` }]));
      }
    }
    if (status >= 500) {
      this.trouble++;
      headers ??= lowerCased(rawHeaders);
      if (this.serverErrors.length < EVIDENCE_MAX) this.serverErrors.push(this.exchange(req, status, latencyMs, tMs, headers, body, []));
      this.checkBound();
    }
    // The first answer of each status is checked too: a 429 or an error among thousands of 200s is the one most likely to break the spec.
    const statusKey = ep * 1000 + status;
    const firstOfStatus = !this.statusesSeen.has(statusKey);
    if (firstOfStatus) this.statusesSeen.add(statusKey);
    if ((n <= SAMPLE_FIRST || n % SAMPLE_EVERY === 0 || firstOfStatus) && this.sampledPer[ep]! < SAMPLE_MAX) {
      this.sampledPer[ep]!++;
      this.contract.sampled++;
      headers ??= lowerCased(rawHeaders);
      let parsed: unknown;
      try { parsed = body === '' ? undefined : JSON.parse(body); } catch { parsed = undefined; }
      const violations = checkResponse({ method: req.method, path: req.path, status, headers, body: parsed, text: body });
      if (violations.length > 0) {
        this.contract.violations++;
        if (this.contract.evidence.length < EVIDENCE_MAX) this.contract.evidence.push(this.exchange(req, status, latencyMs, tMs, headers, body, violations));
      }
    }
  }

  error(endpoint: Endpoint | undefined, kind: ErrorKind, tMs: number, message: string): void {
    this.errors.push({ t: tMs, endpoint: endpoint ? ENDPOINTS.indexOf(endpoint) : -1, kind, message });
    this.trouble++;
    this.checkBound();
  }

  private checkBound(): void {
    if (this.trouble > this.opts.abortAfterErrors) {
      this.control?.stop(`stopped early: ${this.trouble} 5xx responses or requests without an answer passed the bound of ${this.opts.abortAfterErrors}`);
    }
  }

  /** An Exchange as the reports show one: the key replaced, the body cut. */
  private exchange(req: OutgoingRequest, status: number, latencyMs: number, tMs: number, headers: Record<string, string>, body: string, violations: Violation[]): Exchange {
    const reqHeaders = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, k.toLowerCase() === 'x-api-key' ? REDACTED : v]));
    const keyIndex = this.opts.keys.indexOf(req.headers['x-api-key'] ?? '');
    const found = findOperation(req.method, req.path.split('?', 1)[0] ?? req.path);
    return {
      request: { method: req.method, url: this.opts.base + req.path, headers: reqHeaders, ...(req.body !== undefined ? { body: req.body } : {}) },
      response: { status, headers, body: body.length > BODY_CHARS ? `${body.slice(0, BODY_CHARS)}…` : body },
      started_at: new Date(this.phaseStart + tMs - latencyMs).toISOString(),
      time_ms: Math.round(latencyMs),
      ...(headers['x-request-id'] ? { request_id: headers['x-request-id'] } : {}),
      key: keyIndex === 0 ? 'primary' : 'custom',
      violations,
      ...(found ? { operation: `${found.op.method} ${found.op.path}` } : {}),
    };
  }
}
