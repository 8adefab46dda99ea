/** createJob, startJob, getJob, listJobs: the operations of contracts/openapi.yaml over the JobStore. */
import { errorMessage, errorParam, validatorFor } from '../../../contracts/ajv.js';
import { creditsFor, CREDITS_PER_MINUTE, normalizeComposition, resolveCreate, resolveStart, type JobSettings, type Model, type PolicyViolation } from '../../../contracts/policy.js';
import type { FaultName } from '../faults.js';
import type { CreateJobRequest, StartJobRequest } from '../../../contracts/schemas.js';
import { fail, type Account, type RouteContext, type RouteHandler, type RouteResult } from '../context.js';
import { DEFAULT_COMPOSITION, SOURCE_SIZE, videoSeconds, type JobRecord, type JobStatus } from '../jobs.js';
import { json } from '../respond.js';

const validateCreate = validatorFor('CreateJobRequest');
const validateStart = validatorFor('StartJobRequest');

/** VAL-1 under the val-* faults: drop unknown fields or out-of-range numbers before validating. */
function relaxed(body: unknown, ctx: RouteContext): unknown {
  const { faults } = ctx.state;
  if (!faults.has('val-unknown-fields-accepted') && !faults.has('val-ranges-unchecked') && !faults.has('val-offset-y-off-by-one')) return body;
  // Copy only the objects the faults below change: a deep clone of a hostile body (5,000 nested objects) would
  // overflow the stack, and the schema must still see whatever else was sent, untouched.
  const shallow = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : undefined);
  const copy = shallow(body);
  if (!copy) return body;
  const composition = shallow(copy.composition);
  if (composition) {
    copy.composition = composition;
    for (const k of ['canvas', 'foreground'] as const) { const part = shallow(composition[k]); if (part) composition[k] = part; }
    const foreground = composition.foreground as Record<string, unknown> | undefined;
    const offset = shallow(foreground?.offset);
    if (foreground && offset) foreground.offset = offset;
  }
  if (faults.has('val-offset-y-off-by-one')) {
    // A bound written as |y| > 7681: one past it on either side passes.
    const offset = (copy.composition as { foreground?: { offset?: Record<string, unknown> } } | undefined)?.foreground?.offset;
    if (offset && (offset.y === 7681 || offset.y === -7681)) offset.y = Math.sign(offset.y) * 7680;
  }
  if (faults.has('val-unknown-fields-accepted')) {
    for (const k of Object.keys(copy)) if (!['video_url', 'model', 'output_format', 'background', 'text_prompt', 'webhook_url', 'auto_start', 'composition', 'preview_duration'].includes(k)) delete copy[k];
  }
  if (faults.has('val-ranges-unchecked')) {
    // Clamp into range so the schema passes while the stored value is what was sent.
    const clamp = (o: Record<string, unknown> | undefined, k: string, lo: number, hi: number): void => {
      if (o && typeof o[k] === 'number') o[k] = Math.min(hi, Math.max(lo, o[k] as number));
    };
    const comp = copy.composition as Record<string, Record<string, unknown> | undefined> | undefined;
    clamp(comp?.canvas, 'width', 16, 7680);
    clamp(comp?.canvas, 'height', 16, 4320);
    clamp(comp?.foreground, 'scale', 0.001, 10);
    clamp(copy, 'preview_duration', 0.001, 60);
  }
  return copy;
}

function invalid(validate: typeof validateCreate, ctx: RouteContext): RouteResult {
  if (ctx.state.faults.has('err-500-on-wrong-type') && validate.errors?.some((e) => e.keyword === 'type')) {
    return fail({ code: 'internal_error', message: 'Cannot read properties of a value of the wrong type' });
  }
  return fail({ code: 'invalid_request', message: errorMessage(validate.errors), param: errorParam(validate.errors) ?? 'body' });
}

/** The VAL-2/3/4 faults switch one policy rule off. */
const WAIVING_FAULT: Record<PolicyViolation['rule'], FaultName> = {
  'VAL-2': 'val-prompt-any-model', 'VAL-3': 'val-pro-without-prompt', 'VAL-4': 'val-transparent-mp4',
};
function waived(violation: PolicyViolation, faults: ReadonlySet<FaultName>): boolean {
  return faults.has(WAIVING_FAULT[violation.rule]);
}

/** The source's size (SPEC §3); under val-canvas-default-wrong an omitted canvas takes another. */
const WRONG_SOURCE_SIZE = { width: 1280, height: 720 } as const;
const sourceSize = (faults: ReadonlySet<FaultName>) => (faults.has('val-canvas-default-wrong') ? WRONG_SOURCE_SIZE : SOURCE_SIZE);

/** SPEC §1 Usage: the credits of a start; the life-bills-* faults misread the formula. */
function startCredits(faults: ReadonlySet<FaultName>, model: Model, videoUrl: string, preview?: number): number {
  const video = videoSeconds(videoUrl);
  if (faults.has('life-bills-ignoring-preview')) return creditsFor(model, video);
  if (faults.has('life-bills-rounded-down')) return Math.ceil((CREDITS_PER_MINUTE[model] * Math.floor(Math.min(preview ?? Number.POSITIVE_INFINITY, video))) / 60);
  return creditsFor(model, video, preview);
}

function enoughCredits(ctx: RouteContext, account: Account, credits: number): boolean {
  return ctx.state.faults.has('life-no-credit-check') || account.balance >= credits;
}

function insufficient(account: Account, credits: number): RouteResult {
  return fail({ code: 'insufficient_credits', message: `this start needs ${credits} credits; ${account.balance} are left` });
}

export const createJob: RouteHandler = (ctx) => {
  const account = ctx.account as Account;
  if (!validateCreate(relaxed(ctx.body, ctx))) return invalid(validateCreate, ctx);
  const body = ctx.body as CreateJobRequest;
  const { settings: s, violation } = resolveCreate(body, ctx.state.policy);
  if (violation && !waived(violation, ctx.state.faults)) return fail({ code: violation.code, message: violation.message, param: violation.param });
  const credits = s.auto_start ? startCredits(ctx.state.faults, s.model, body.video_url) : 0;
  if (s.auto_start && !enoughCredits(ctx, account, credits)) return insufficient(account, credits);
  const job = ctx.state.jobs.create(account.name, {
    model: s.model, output_format: s.output_format, background: s.background, video_url: body.video_url,
    composition: ctx.state.faults.has('val-canvas-default-wrong') ? normalizeComposition(undefined, WRONG_SOURCE_SIZE) : DEFAULT_COMPOSITION, text_prompt: s.text_prompt, webhook_url: body.webhook_url,
  }, ctx.now, ctx.requestId);
  ctx.touchedJobId = job.id;
  if (s.auto_start) {
    account.balance -= credits;
    ctx.state.jobs.start(job, null, credits, ctx.now, ctx.requestId);
  }
  return json(200, { success: ctx.state.faults.has('schema-create-shape') ? 'true' : true, id: job.id, status: s.auto_start ? 'processing' : 'created', message: s.auto_start ? 'Job created and started' : 'Job created' });
};

function ownJob(ctx: RouteContext): JobRecord | undefined {
  const cross = ctx.state.faults.has('auth-cross-key-access');
  return ctx.state.jobs.get(ctx.params.job_id ?? '', cross ? undefined : ctx.account?.name, ctx.now);
}

const notFound = (): RouteResult => fail({ code: 'not_found', message: 'Job not found' });

function invalidStartBody(ctx: RouteContext): RouteResult | undefined {
  if (!validateStart(relaxed(ctx.body, ctx))) return invalid(validateStart, ctx);
  if (ctx.state.faults.has('val-rejects-canvas') && (ctx.body as StartJobRequest).composition?.canvas) {
    return fail({ code: 'invalid_request', message: 'composition.canvas is not supported', param: 'composition.canvas' });
  }
  return undefined;
}

export const startJob: RouteHandler = (ctx) => {
  const account = ctx.account as Account;
  const { faults } = ctx.state;
  // SPEC does not order body validation and job lookup; the lookup-first variant makes the other choice.
  const lookupFirst = ctx.state.variants.has('lookup-first');
  const early = lookupFirst ? undefined : invalidStartBody(ctx);
  if (early) return early;
  const job = ownJob(ctx);
  if (!job) return notFound();
  const restartable = job.status === 'created' || job.status === 'failed';
  if (!restartable && !faults.has('idem-double-charge')) {
    return fail({ code: 'job_not_startable', message: `job is ${job.status}; only created or failed jobs can be started` });
  }
  const late = lookupFirst ? invalidStartBody(ctx) : undefined;
  if (late) return late;
  const body = ctx.body as StartJobRequest;
  if (faults.has('err-500-on-partial-canvas') && body.composition?.canvas?.width !== undefined && body.composition.canvas.height === undefined) {
    return fail({ code: 'internal_error', message: "Cannot read properties of undefined (reading 'height')" });
  }
  const { settings, violation } = resolveStart(job, body, sourceSize(faults), ctx.state.policy);
  if (violation && !waived(violation, faults)) {
    if (faults.has('val-rejected-start-mutates')) {
      if (body.model) job.model = body.model;
      if (body.background) job.background = body.background;
    }
    return fail({ code: violation.code, message: violation.message, param: violation.param });
  }
  const stored = faults.has('val-composition-raw') ? { ...settings, composition: body.composition ?? {} } : settings;
  const formula = startCredits(faults, settings.model, job.video_url, settings.preview_duration);
  const thirdRunOfFailed = job.status === 'failed' && job.history.filter((h) => h.status === 'processing').length === 2;
  const credits = faults.has('idem-third-start-double-charge') && thirdRunOfFailed ? 2 * formula : formula;
  if (!enoughCredits(ctx, account, credits)) return insufficient(account, credits);
  account.balance -= credits;
  ctx.state.jobs.start(job, stored as JobSettings, credits, ctx.now, ctx.requestId);
  const id = faults.has('obs-start-wrong-id') ? `${job.id}_run` : job.id;
  return json(200, faults.has('schema-start-shape') ? { success: true, id, message: 'Job started' } : { success: true, id, status: 'processing', message: 'Job started' });
};

export function jobJson(ctx: RouteContext, job: JobRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: job.id, status: job.status, model: job.model, output_format: job.output_format, video_url: job.video_url,
    background: job.background, composition: job.composition, credits_charged: job.credits_charged,
    created_at: new Date(job.created_at).toISOString(),
    history: job.history.map((h) => ({ status: h.status, at: new Date(h.at).toISOString(), request_id: h.request_id })),
  };
  if (job.text_prompt !== undefined) out.text_prompt = job.text_prompt;
  if (job.preview_duration !== undefined) out.preview_duration = job.preview_duration;
  if (job.started_at !== undefined) out.started_at = new Date(job.started_at).toISOString();
  if (job.completed_at !== undefined) out.completed_at = new Date(job.completed_at).toISOString();
  const { faults } = ctx.state;
  if (job.status === 'completed' || (job.status === 'processing' && faults.has('life-output-url-early'))) {
    out.output_url = `${ctx.state.baseUrl(ctx.req)}${ctx.state.jobs.outputPath(job)}`;
  }
  if (job.status === 'failed' && job.error) out.error = job.error;
  if (faults.has('schema-job-shape')) {
    delete out.created_at;
    out.credits_charged = String(job.credits_charged);
  }
  return out;
}

export const getJob: RouteHandler = (ctx) => {
  const job = ownJob(ctx);
  return job ? json(200, jobJson(ctx, job)) : notFound();
};

const STATUSES = new Set<JobStatus>(['created', 'processing', 'completed', 'failed']);

function intParam(ctx: RouteContext, name: string, fallback: number, min: number, max: number): number | RouteResult {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  const n = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    return fail({ code: 'invalid_request', message: `${name} must be an integer from ${min} to ${max}`, param: name });
  }
  return n;
}

export const listJobs: RouteHandler = (ctx) => {
  const limit = intParam(ctx, 'limit', 20, 1, 100);
  if (typeof limit !== 'number') return limit;
  const offset = intParam(ctx, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  if (typeof offset !== 'number') return offset;
  const status = ctx.query.get('status');
  if (status !== null && !STATUSES.has(status as JobStatus)) {
    return fail({ code: 'invalid_request', message: `status must be one of ${[...STATUSES].join(', ')}`, param: 'status' });
  }
  const account = ctx.account as Account;
  const page = ctx.state.jobs.list(account.name, ctx.now, { limit, offset, ...(status ? { status: status as JobStatus } : {}) });
  return json(200, { jobs: page.jobs.map((j) => jobJson(ctx, j)), limit, offset, total: page.total });
};
