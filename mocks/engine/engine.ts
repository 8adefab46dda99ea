/**
 * The mock's transport-free engine: `handle(request) → response`, synchronous,
 * with all state inside. The pipeline runs in SPEC order: request id (OBS-1/5),
 * authentication (AUTH-1..3), rate limit (RATE-1..6), routing from the spec,
 * body parsing (ERR-3), idempotency (IDEM-1..6), the operation, then the
 * response decorations and one log line. Adapters (msw, node:http) only move
 * bytes.
 */
import { randomUUID } from 'node:crypto';
import { validatorFor } from '../../contracts/ajv.js';
import { DEFAULT_POLICY, type PolicyOptions } from '../../contracts/policy.js';
import { findOperation } from '../../contracts/spec.js';
import { DEFAULT_ACCOUNTS } from './accounts.js';
import { looseMatch, misplacedMatch } from './auth-faults.js';
import { parseJsonBody } from './body.js';
import { fail, type Account, type EngineState, type RouteContext, type RouteHandler, type RouteResult } from './context.js';
import { parseFaults, type FaultName } from './faults.js';
import { DEFAULT_FAULT_IDEMPOTENCY_TTL_MS, fingerprint, IdempotencyStore } from './idempotency.js';
import { JobStore } from './jobs.js';
import { DEFAULT_FAULT_LATENCY_MS, withDelay } from './latency.js';
import { overloadDetector } from './overload.js';
import { RateLimiter, type RateDecision, type RateLimitConfig } from './rate-limiter.js';
import { errorResponse } from './respond.js';
import { createJob, getJob, listJobs, startJob } from './routes/jobs.js';
import { getArtifact, getHealth, listUsageEvents } from './routes/misc.js';
import { reshape, reshapes } from './presentation.js';
import { systemClock, type AccountConfig, type Clock, type LogEntry, type LogSink, type MockRequest, type MockResponse } from './types.js';
import { parseVariants, shouldFaultsOf, type VariantName } from './variants.js';

export interface EngineOptions {
  accounts?: readonly AccountConfig[];
  /** `false` switches rate limiting off (load tests of the mock itself). */
  rateLimit?: RateLimitConfig | false;
  processingMs?: number;
  /** Per-source processing time in ms, over `processingMs` (Infinity: never finishes). The onboarding mock builds slow and stuck sources with it. */
  processingMsFor?: (videoUrl: string) => number | undefined;
  clock?: Clock;
  log?: LogSink;
  faults?: readonly string[];
  /** Legal variations (variants.ts): other choices SPEC allows, every MUST rule kept. */
  variants?: readonly string[];
  policy?: PolicyOptions;
  /** Origin used in output_url; defaults to the request's Host. */
  baseUrl?: string;
  maxJobs?: number;
  /** The load-latency fault's delay per response, in ms (default 1000). */
  faultLatencyMs?: number;
  /** How long the idem-short-ttl fault keeps an Idempotency-Key, in ms (default DEFAULT_FAULT_IDEMPOTENCY_TTL_MS). */
  faultIdempotencyTtlMs?: number;
}

/** Generous enough for a quick certification with fuzzing to finish in well under a minute; the variants try smaller ones. */
export const DEFAULT_RATE_LIMIT: RateLimitConfig = { capacity: 60, refillPerSecond: 30 };
export const DEFAULT_PROCESSING_MS = 300;

/** What the variants choose where SPEC lets a provider choose. */
const VARIANT_LIMITS: Partial<Record<VariantName, RateLimitConfig>> = {
  'bucket-large': { capacity: 100, refillPerSecond: 50 },
  'bucket-small': { capacity: 5, refillPerSecond: 5 },
  'bucket-10': { capacity: 10, refillPerSecond: 10 },
  'bucket-tiny': { capacity: 5, refillPerSecond: 2 },
  'bucket-huge': { capacity: 1000, refillPerSecond: 500 },
  'window-limit': { capacity: 40, refillPerSecond: 20, windowMs: 2000 },
  'retry-after-long': { capacity: 20, refillPerSecond: 10, holdMs: 3000 },
  'layered-limit': { capacity: 10, refillPerSecond: 10, layer: { capacity: 80, windowMs: 10_000 } },
};
/** retry-after-padded: Retry-After asks for 1–3 s more than the key needs. */
const paddingSeconds = (): number => 1 + Math.floor(Math.random() * 3);
const VARIANT_PROCESSING_MS: Partial<Record<VariantName, number>> = { 'slow-processing': 3000, 'instant-processing': 0 };
const LATENCY_MS = 200;
/** rate-retry-after-short: each throttled request holds the key this long, while Retry-After says 1 s. */
const UNTOLD_HOLD_MS = 4000;
const IN_PROGRESS_HOLD_MS = 150;
const CLOCK_SKEW_MS = 30_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const HANDLERS: Record<string, RouteHandler> = { createJob, startJob, getJob, listJobs, listUsageEvents, getHealth };
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const IDEMPOTENCY_KEY = /^[!-~]([ -~]*[!-~])?$/;
const CHALLENGE = 'ApiKey realm="jobcert", header="X-Api-Key"';

export interface Engine {
  handle(req: MockRequest): MockResponse;
  readonly faults: ReadonlySet<FaultName>;
  readonly variants: ReadonlySet<VariantName>;
  readonly accounts: readonly AccountConfig[];
  /** The envelope for a request too broken to parse (bad HTTP framing); logged like any other. */
  malformed(reason: string): MockResponse;
  /** Set the origin for output_url once the server knows its port. */
  setBaseUrl(url: string): void;
}

export function createEngine(options: EngineOptions = {}): Engine {
  const variants = parseVariants(options.variants ?? []);
  const baseClock = options.clock ?? systemClock;
  const clock: Clock = variants.has('clock-skew') ? { now: () => baseClock.now() + CLOCK_SKEW_MS } : baseClock;
  const faults = parseFaults([...(options.faults ?? []), ...shouldFaultsOf(variants)]);
  const accountConfigs = options.accounts ?? DEFAULT_ACCOUNTS;
  const accounts = new Map<string, Account>(accountConfigs.map((a) => [a.key, { ...a, balance: a.credits }]));
  const prefix = Math.random().toString(36).slice(2, 8);
  let counter = 0;
  const newId = variants.has('uuid-ids') ? (): string => randomUUID()
    : variants.has('opaque-ids') ? (p: string): string => `${p.slice(0, 2)}.${prefix}:${(++counter).toString(36)}~x`
    : (p: string): string => `${p}${prefix}${(++counter).toString(36)}`;
  let requestCounter = 0;
  const newRequestId = (): string => faults.has('obs-reused-request-ids') ? `req_${prefix}r${requestCounter++ % 4}`
    : variants.has('uuid-ids') ? randomUUID()
    : variants.has('opaque-ids') ? `rq.${prefix}:${(++requestCounter).toString(36)}~r`
    : `req_${prefix}${(++requestCounter).toString(36)}`;
  let baseUrl = options.baseUrl;
  const variantLimit = [...variants].map((v) => VARIANT_LIMITS[v]).find((l) => l !== undefined);
  if (variantLimit && options.rateLimit !== undefined) throw new Error('a rate-limit variant and an explicit rate limit both set the limit; pick one');
  const rateConfig = options.rateLimit === false || faults.has('rate-no-limit') ? undefined : (variantLimit ?? options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const variantProcessing = [...variants].map((v) => VARIANT_PROCESSING_MS[v]).find((ms) => ms !== undefined);
  const reshaping = reshapes(variants);
  const stampDate = variants.has('clock-skew') || variants.has('retry-after-date');
  const limiter = rateConfig ? new RateLimiter(rateConfig, clock, faults.has('rate-no-recovery') ? 60_000 : 0, faults.has('rate-retry-after-short') ? UNTOLD_HOLD_MS : 0) : undefined;
  // rate-no-limit: the limit is still advertised (RateLimit-Policy), never enforced: what a client can tell from a high limit.
  const advertised = faults.has('rate-no-limit') ? new RateLimiter(variantLimit ?? (options.rateLimit || DEFAULT_RATE_LIMIT), clock, 0) : undefined;
  const idempotency = faults.has('idem-short-ttl') ? new IdempotencyStore(clock, undefined, options.faultIdempotencyTtlMs ?? DEFAULT_FAULT_IDEMPOTENCY_TTL_MS) : new IdempotencyStore(clock);
  const log = options.log;
  const overloaded = faults.has('load-5xx-under-load') ? overloadDetector() : undefined;
  const addedLatencyMs = faults.has('load-latency') ? (options.faultLatencyMs ?? DEFAULT_FAULT_LATENCY_MS) : 0;

  const state: EngineState = {
    jobs: new JobStore({
      processingMs: variantProcessing ?? options.processingMs ?? DEFAULT_PROCESSING_MS, maxJobs: options.maxJobs ?? 1_000_000, faults, newId,
      chargeOnCompletion: variants.has('charge-on-completion'),
      ...(log ? { log } : {}), ...(options.processingMsFor ? { processingMsFor: options.processingMsFor } : {}),
    }),
    accounts,
    faults,
    variants,
    // VAL-3 leaves a pro draft without a prompt to the provider: accepted by default, rejected by the variant.
    policy: {
      ...(options.policy ?? DEFAULT_POLICY),
      ...(variants.has('no-prompt-policy') ? { requirePromptForPro: false } : {}),
      proDraftWithoutPrompt: variants.has('pro-draft-rejected') ? 'reject' : 'accept',
    },
    baseUrl: (req) => baseUrl ?? `http://${req.headers.host ?? '127.0.0.1'}`,
  };

  function render(result: RouteResult, requestId: string): MockResponse {
    return 'error' in result ? errorResponse(result.error, requestId, faults) : result;
  }

  function authenticate(req: MockRequest): Account | { error: RouteResult } {
    const key = req.headers['x-api-key'];
    const challenge: Record<string, string> = faults.has('auth-no-challenge') ? {} : { 'www-authenticate': CHALLENGE };
    if (key === undefined) return misplacedMatch(req, accounts, faults) ?? { error: fail({ code: faults.has('auth-missing-as-invalid') ? 'invalid_api_key' : 'missing_api_key', message: 'X-Api-Key header is required', headers: challenge }) };
    const account = accounts.get(key) ?? looseMatch(key, accounts, faults) ?? (faults.has('auth-accept-any-key') && key.trim() !== '' ? accounts.values().next().value : undefined);
    if (!account) return { error: fail({ code: 'invalid_api_key', message: 'X-Api-Key is not a valid key', headers: challenge }) };
    return account;
  }

  /** auth-validate-first fault: what a provider that validates before authenticating would answer. */
  function preAuthLeak(req: MockRequest, pathname: string): RouteResult | undefined {
    const found = findOperation(req.method, pathname);
    if (!found) return fail({ code: 'not_found', message: `no route ${req.method} ${pathname}` });
    if (req.method !== 'POST') return found.params.job_id ? fail({ code: 'not_found', message: 'Job not found' }) : undefined;
    const parsed = parseJsonBody(req, false, false);
    if (!parsed.ok) return fail(parsed.error);
    const validate = validatorFor(found.op.operationId === 'createJob' ? 'CreateJobRequest' : 'StartJobRequest');
    return validate(parsed.value) ? undefined : fail({ code: 'invalid_request', message: 'invalid request body' });
  }

  function addRateHeaders(headers: Record<string, string>, decision: RateDecision | undefined): void {
    if (advertised && !faults.has('rate-no-headers')) headers['ratelimit-policy'] = advertised.policyHeader();
    if (!decision || !limiter || faults.has('rate-no-headers')) return;
    headers.ratelimit = `"default";r=${decision.remaining};t=${decision.resetSeconds}`;
    headers['ratelimit-policy'] = limiter.policyHeader();
  }

  const notFoundRoute = (req: MockRequest, pathname: string): RouteResult => fail({ code: 'not_found', message: `no route ${req.method} ${pathname}` });

  /**
   * Runs the pipeline; what the log line needs goes into `out`. Hot path: no
   * object spreads and fixed-shape objects, which V8 keeps fast (the mock must
   * stay near a bare server's throughput, see bench/mock.ts).
   */
  function dispatch(req: MockRequest, requestId: string, now: number, out: Outcome): MockResponse {
    const q = req.url.indexOf('?');
    const pathname = q === -1 ? req.url : req.url.slice(0, q);
    const ctx: RouteContext = { req, requestId, now, account: undefined, params: NO_PARAMS, query: q === -1 ? NO_QUERY : new URLSearchParams(req.url.slice(q + 1)), body: undefined, touchedJobId: undefined, state };

    if ((req.method === 'GET' || req.method === 'HEAD') && pathname.startsWith('/artifacts/')) return render(getArtifact(ctx), requestId);
    const isApi = pathname === '/v1' || pathname.startsWith('/v1/');
    const isHealth = pathname === '/health' && !faults.has('auth-health-needs-key');
    if (!isApi && !isHealth && pathname !== '/health') return render(notFoundRoute(req, pathname), requestId);

    if (!isHealth) {
      const auth = authenticate(req);
      if (!('balance' in auth)) {
        const leak = faults.has('auth-validate-first') ? preAuthLeak(req, pathname) : undefined;
        return render(leak ?? auth.error, requestId);
      }
      ctx.account = out.account = auth;
      if (limiter) {
        out.rate = limiter.take(faults.has('rate-shared-bucket') ? '*' : auth.name);
        if (!out.rate.allowed) return throttled(ctx, out.rate, pathname);
      }
    }

    const found = findOperation(req.method === 'HEAD' ? 'GET' : req.method, pathname);
    if (!found) return render(notFoundRoute(req, pathname), requestId);
    ctx.params = found.params;
    out.jobId = found.params.job_id;
    if (variants.has('uuid-ids') && found.params.job_id !== undefined && !UUID.test(found.params.job_id)) {
      return render(fail({ code: 'invalid_request', message: 'job_id must be a UUID', param: 'job_id' }), requestId);
    }
    const handler = HANDLERS[found.op.operationId] as RouteHandler;
    if (req.method !== 'POST') return render(handler(ctx), requestId);

    const parsed = parseJsonBody(req, faults.has('err-415-as-400'), faults.has('err-500-on-bad-json'));
    if (!parsed.ok) return render(fail(parsed.error), requestId);
    ctx.body = parsed.value;

    const idemKey = req.headers['idempotency-key'];
    if (idemKey === undefined || faults.has('idem-replay-ignored')) {
      const res = render(handler(ctx), requestId);
      if (ctx.touchedJobId !== undefined) out.jobId = ctx.touchedJobId;
      return res;
    }
    if (idemKey.length > 255 || !IDEMPOTENCY_KEY.test(idemKey)) {
      return render(fail({ code: 'invalid_request', message: 'Idempotency-Key must be 1–255 printable ASCII characters', param: 'Idempotency-Key' }), requestId);
    }
    const scope = faults.has('idem-global-keys') ? '*' : auth(ctx).name;
    const print = faults.has('idem-reuse-replays') ? 'any' : fingerprint(req.method, pathname, parsed.value, parsed.raw);
    const seen = idempotency.lookup(scope, idemKey, print);
    if (seen.kind === 'mismatch') return render(fail({ code: 'idempotency_key_reused', message: 'this Idempotency-Key was used with another request' }), requestId);
    if (seen.kind === 'in_progress') return render(fail({ code: 'idempotency_in_progress', message: 'a request with this Idempotency-Key is in progress' }), requestId);
    if (seen.kind === 'replay') {
      const res = replayOf(seen.response, requestId);
      if (!faults.has('idem-no-replay-header')) res.headers['idempotent-replayed'] = 'true';
      out.jobId = jobIdOf(res) ?? out.jobId;
      return res;
    }
    idempotency.begin(scope, idemKey, print);
    const res = render(handler(ctx), requestId);
    if (ctx.touchedJobId !== undefined) out.jobId = ctx.touchedJobId;
    // idem-in-progress: the key stays in progress until the original's answer has gone out.
    const hold = variants.has('idem-in-progress') ? IN_PROGRESS_HOLD_MS : 0;
    idempotency.finish(scope, idemKey, print, stored(res.status) ? copyResponse(res) : null, hold);
    withDelay(res, hold);
    return res;
  }

  /** IDEM-1: 2xx answers are stored for replay; a 4xx other than 429 may be (the variant) or be judged afresh (the default); 5xx and 429 never (IDEM-6). */
  function stored(status: number): boolean {
    return (status >= 200 && status < 300) || (variants.has('idem-stores-4xx') && status >= 400 && status < 500 && status !== 429);
  }

  /** 429 (RATE-1/2); under rate-side-effect the start still runs; under idem-stores-errors the 429 is remembered. */
  function throttled(ctx: RouteContext, asked: RateDecision, pathname: string): MockResponse {
    const headers: Record<string, string> = {};
    const decision = variants.has('retry-after-padded') ? { ...asked, retryAfterSeconds: asked.retryAfterSeconds + paddingSeconds() } : asked;
    if (!faults.has('rate-no-retry-after')) {
      // The HTTP-date form names the end of the wait, rounded up to its whole second.
      headers['retry-after'] = variants.has('retry-after-date') ? new Date(Math.ceil((ctx.now + decision.retryAfterSeconds * 1000) / 1000) * 1000).toUTCString() : String(decision.retryAfterSeconds);
    }
    const res = render(fail({ code: 'rate_limited', message: `rate limit exceeded; retry in ${decision.retryAfterSeconds} s`, headers }), ctx.requestId);
    if (ctx.req.method === 'POST') {
      const found = findOperation('POST', pathname);
      const parsed = parseJsonBody(ctx.req, false, false);
      if (found && parsed.ok && faults.has('rate-side-effect')) {
        ctx.params = found.params;
        ctx.body = parsed.value;
        HANDLERS[found.op.operationId]?.(ctx);
      }
      const idemKey = ctx.req.headers['idempotency-key'];
      if (found && parsed.ok && idemKey !== undefined && faults.has('idem-stores-errors')) {
        const print = fingerprint('POST', pathname, parsed.value, parsed.raw);
        idempotency.begin(auth(ctx).name, idemKey, print);
        idempotency.finish(auth(ctx).name, idemKey, print, copyResponse(res));
      }
    }
    return res;
  }

  return {
    faults,
    variants,
    accounts: accountConfigs,
    setBaseUrl(url) { baseUrl = url.replace(/\/+$/, ''); },
    malformed(reason) {
      const requestId = newRequestId();
      const res = errorResponse({ code: 'invalid_request', message: reason }, requestId, faults);
      res.headers['x-request-id'] = requestId;
      log?.({ time: new Date(clock.now()).toISOString(), level: 'warn', msg: reason, request_id: requestId, status: res.status });
      return res;
    },
    handle(req) {
      const now = clock.now();
      const clientId = req.headers['x-request-id'];
      const requestId = clientId !== undefined && CLIENT_REQUEST_ID.test(clientId) && !faults.has('obs-no-echo') ? clientId : newRequestId();
      const out: Outcome = { account: undefined, jobId: undefined, rate: undefined };
      let res: MockResponse;
      try {
        res = overloaded?.(now) && req.url.startsWith('/v1/')
          ? errorResponse({ code: 'internal_error', message: 'the service is overloaded' }, requestId, faults)
          : dispatch(req, requestId, now, out);
      } catch (err) {
        // A bug in the mock must still answer in the envelope; ERR-3 makes it visible as a 5xx.
        log?.({ time: new Date(now).toISOString(), level: 'error', msg: `mock bug: ${err instanceof Error ? err.stack : String(err)}`, request_id: requestId });
        res = errorResponse({ code: 'internal_error', message: 'internal error in the mock' }, requestId, faults);
      }
      addRateHeaders(res.headers, out.rate);
      if (!(faults.has('obs-no-request-id-on-errors') && res.status >= 400)) res.headers['x-request-id'] = requestId;
      if (reshaping) reshape(res, req, variants);
      if (stampDate) res.headers.date = new Date(Math.floor(now / 1000) * 1000).toUTCString();
      if (variants.has('latency')) withDelay(res, LATENCY_MS);
      if (req.method === 'HEAD') res.body = null;
      withDelay(res, addedLatencyMs);
      if (log) {
        const entry: LogEntry = {
          time: new Date(now).toISOString(), level: res.status >= 500 ? 'error' : res.status >= 400 ? 'warn' : 'info', msg: 'request',
          request_id: requestId, method: req.method, path: req.url.split('?', 1)[0] ?? req.url, status: res.status,
        };
        if (out.account) entry.account = out.account.name;
        if (out.jobId && !faults.has('obs-logs-without-job-id')) entry.job_id = out.jobId;
        log(entry);
      }
      return res;
    },
  };
}

/** What the log line and the response decorations need to know about a request. */
interface Outcome { account: Account | undefined; jobId: string | undefined; rate: RateDecision | undefined }

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_QUERY = new URLSearchParams();

function auth(ctx: RouteContext): Account {
  if (!ctx.account) throw new Error('route needs an authenticated account');
  return ctx.account;
}

/** Stored replays are copied in and out, so later decorations never touch the stored one. */
function copyResponse(res: MockResponse): MockResponse {
  return { status: res.status, headers: { ...res.headers }, body: res.body };
}

/**
 * A replay is a response of its own (IDEM-1): the stored status, headers and
 * body, but a replayed error body carries the replay's request id (OBS-2).
 */
function replayOf(original: MockResponse, requestId: string): MockResponse {
  const res = copyResponse(original);
  if (res.status >= 400 && typeof res.body === 'string') {
    const body = JSON.parse(res.body) as { error?: { request_id?: string } };
    if (body.error) body.error.request_id = requestId;
    res.body = JSON.stringify(body);
  }
  return res;
}

/** The job a successful POST created or started, for the log line (OBS-4). */
function jobIdOf(res: MockResponse): string | undefined {
  if (res.status !== 200 || typeof res.body !== 'string') return undefined;
  const match = /"id":"([^"]+)"/.exec(res.body);
  return match?.[1];
}
