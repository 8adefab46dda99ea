/**
 * zod schemas for every request and response body of contracts/openapi.yaml.
 *
 * They cannot drift from the spec in two ways: each one is asserted, at compile
 * time, to have exactly the type openapi-typescript generated (see the bottom of
 * this file), and tests/contracts/differential.test.ts checks that zod and an ajv
 * validator compiled from the spec accept and reject the same payloads.
 * No `.default()` anywhere: defaults are policy (contracts/policy.ts), and keeping
 * them out keeps zod's input and output types identical to the generated ones.
 */
import { z } from 'zod';
import type { components } from './generated/api.js';

type Schemas = components['schemas'];

// The same patterns as the spec's HttpUrl, HttpsUrl and TextPrompt.
const URL_TAIL = '://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?([/?#][!-~]*)?$';
export const HTTP_URL_PATTERN = new RegExp(`^[Hh][Tt][Tt][Pp][Ss]?${URL_TAIL}`, 'u');
export const HTTPS_URL_PATTERN = new RegExp(`^[Hh][Tt][Tt][Pp][Ss]${URL_TAIL}`, 'u');
export const TEXT_PROMPT_PATTERN = /^\s*\S([\s\S]{0,498}\S)?\s*$/u;

export const Model = z.enum(['original', 'light', 'pro', 'human']);
export const OutputFormat = z.enum(['webm', 'mov', 'mp4', 'gif', 'webp', 'png_sequence']);
export const JobStatus = z.enum(['created', 'processing', 'completed', 'failed']);
export const Anchor = z.enum(['center', 'top-left', 'top', 'top-right', 'left', 'right', 'bottom-left', 'bottom', 'bottom-right']);

export const HttpUrl = z.string().max(2048).regex(HTTP_URL_PATTERN);
export const HttpsUrl = z.string().max(2048).regex(HTTPS_URL_PATTERN);
export const TextPrompt = z.string().regex(TEXT_PROMPT_PATTERN);

export const TransparentBackground = z.strictObject({ type: z.literal('transparent') });
export const ColorBackground = z.strictObject({
  type: z.literal('color'),
  color: z.array(z.int().min(0).max(255)).length(3),
});
export const ImageBackground = z.strictObject({ type: z.literal('image'), image_url: HttpsUrl });
export const Background = z.union([TransparentBackground, ColorBackground, ImageBackground]);
/**
 * The background a job answers with: the same variants, open, because a response
 * may carry members SPEC does not name at any depth (§1); requests stay strict (VAL-1).
 */
export const StoredBackground = z.union([
  z.object({ type: z.literal('transparent') }),
  z.object({ type: z.literal('color'), color: ColorBackground.shape.color }),
  z.object({ type: z.literal('image'), image_url: HttpsUrl }),
]);

const CanvasWidth = z.int().min(16).max(7680);
const CanvasHeight = z.int().min(16).max(4320);
const OffsetAxis = z.int().min(-7680).max(7680);
/** Request forms: every leaf optional on its own (SPEC §1); VAL-5 fills the omitted ones. */
export const Canvas = z.strictObject({ width: CanvasWidth.optional(), height: CanvasHeight.optional() });
export const Offset = z.strictObject({ x: OffsetAxis.optional(), y: OffsetAxis.optional() });
/** Stored forms: every leaf present. */
export const NormalizedCanvas = z.object({ width: CanvasWidth, height: CanvasHeight });
export const NormalizedOffset = z.object({ x: OffsetAxis, y: OffsetAxis });
const Scale = z.number().gt(0).max(10);
export const Foreground = z.strictObject({
  anchor: Anchor.optional(),
  scale: Scale.optional(),
  offset: Offset.optional(),
});
export const Composition = z.strictObject({
  canvas: Canvas.optional(),
  foreground: Foreground.optional(),
});
export const NormalizedComposition = z.object({
  canvas: NormalizedCanvas,
  foreground: z.object({ anchor: Anchor, scale: Scale, offset: NormalizedOffset }),
});

export const CreateJobRequest = z.strictObject({
  video_url: HttpUrl,
  model: Model.optional(),
  output_format: OutputFormat.optional(),
  background: Background.optional(),
  text_prompt: TextPrompt.optional(),
  webhook_url: HttpsUrl.optional(),
  auto_start: z.boolean().optional(),
});

export const StartJobRequest = z.strictObject({
  model: Model.optional(),
  text_prompt: TextPrompt.optional(),
  background: Background.optional(),
  composition: Composition.optional(),
  preview_duration: z.number().gt(0).max(60).optional(),
});

export const JobAccepted = z.object({
  success: z.literal(true),
  id: z.string().min(1),
  status: z.enum(['created', 'processing']),
  message: z.string(),
});

export const HistoryEntry = z.object({
  status: JobStatus,
  at: z.iso.datetime({ offset: true }),
  request_id: z.string().min(1),
});
export const JobError = z.object({ code: z.string(), message: z.string() });

export const Job = z.object({
  id: z.string().min(1),
  status: JobStatus,
  model: Model,
  output_format: OutputFormat,
  video_url: z.string().optional(),
  background: StoredBackground,
  composition: NormalizedComposition,
  text_prompt: z.string().optional(),
  preview_duration: z.number().gt(0).max(60).optional(),
  credits_charged: z.int().min(0),
  output_url: z.url().optional(),
  error: JobError.optional(),
  created_at: z.iso.datetime({ offset: true }),
  started_at: z.iso.datetime({ offset: true }).optional(),
  completed_at: z.iso.datetime({ offset: true }).optional(),
  history: z.array(HistoryEntry),
});

export const JobList = z.object({
  jobs: z.array(Job),
  limit: z.int().min(1).max(100),
  offset: z.int().min(0),
  total: z.int().min(0),
});

export const UsageEvent = z.object({
  id: z.string(),
  type: z.literal('charge'),
  job_id: z.string(),
  credits: z.int().min(0),
  request_id: z.string(),
  at: z.iso.datetime({ offset: true }),
});
export const UsageEventList = z.object({ events: z.array(UsageEvent) });
export const Health = z.object({ status: z.literal('ok') });

export const ErrorCode = z.enum([
  'missing_api_key', 'invalid_api_key', 'insufficient_credits', 'not_found', 'job_not_startable',
  'idempotency_in_progress', 'unsupported_media_type', 'invalid_request', 'unsupported_combination',
  'idempotency_key_reused', 'rate_limited', 'internal_error', 'timeout',
]);
export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  request_id: z.string().min(1),
  param: z.string().optional(),
  details: z.unknown().optional(),
});
export const ErrorResponse = z.object({ error: ErrorBody });

export type ErrorCode = z.infer<typeof ErrorCode>;
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;
export type StartJobRequest = z.infer<typeof StartJobRequest>;
export type Background = z.infer<typeof Background>;
export type NormalizedComposition = z.infer<typeof NormalizedComposition>;
export type Job = z.infer<typeof Job>;

/** zod schema per spec schema name, for tests that walk the spec's components. */
export const schemasByName = {
  CreateJobRequest, StartJobRequest, JobAccepted, Job, JobList, UsageEventList, Health, ErrorResponse,
  Background, StoredBackground, Composition, NormalizedComposition, HistoryEntry, UsageEvent, ErrorBody,
  Canvas, Offset, NormalizedCanvas, NormalizedOffset,
} as const;

// ---- compile-time drift guard: each zod type must equal the generated type exactly ----
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Same<Name extends keyof Schemas & keyof typeof schemasByName> = Equals<
  z.input<(typeof schemasByName)[Name]>,
  Schemas[Name]
>;
export const typeEquality: { [N in keyof typeof schemasByName]: Same<N> extends true ? true : never } = {
  CreateJobRequest: true, StartJobRequest: true, JobAccepted: true, Job: true, JobList: true,
  UsageEventList: true, Health: true, ErrorResponse: true, Background: true, StoredBackground: true, Composition: true,
  NormalizedComposition: true, HistoryEntry: true, UsageEvent: true, ErrorBody: true,
  Canvas: true, Offset: true, NormalizedCanvas: true, NormalizedOffset: true,
};
