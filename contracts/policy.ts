/**
 * The cross-field rules JSON Schema cannot say (VAL-2, VAL-3, VAL-4, VAL-5), the
 * pricing table and the compatibility matrix. The mock enforces them and the
 * suites predict expected outcomes with them, so both share this one module.
 */
import type { Background, CreateJobRequest, NormalizedComposition, StartJobRequest } from './schemas.js';

export type Model = 'original' | 'light' | 'pro' | 'human';
export type OutputFormat = 'webm' | 'mov' | 'mp4' | 'gif' | 'webp' | 'png_sequence';

export const DEFAULTS = {
  model: 'original' as Model,
  output_format: 'webm' as OutputFormat,
  background: { type: 'transparent' } as Background,
  auto_start: true,
  anchor: 'center' as const,
  scale: 1,
  offset: { x: 0, y: 0 },
};

/** Credits per billed minute (SPEC §1, Usage). */
export const CREDITS_PER_MINUTE: Record<Model, number> = { original: 60, light: 45, pro: 180, human: 45 };

/** Billed duration = min(preview, video), rounded up to whole seconds; credits = ceil(rate × s / 60). */
export function creditsFor(model: Model, videoSeconds: number, previewDuration?: number): number {
  const seconds = Math.ceil(Math.min(previewDuration ?? Number.POSITIVE_INFINITY, videoSeconds));
  return Math.ceil((CREDITS_PER_MINUTE[model] * seconds) / 60);
}

/** Formats that carry an alpha channel. */
export const ALPHA_FORMATS: ReadonlySet<OutputFormat> = new Set(['webm', 'mov', 'webp', 'png_sequence', 'gif']);

export interface CompatibilityRule {
  id: string;
  /** Returns a message when the combination is unsupported. */
  violates(combo: { model: Model; output_format: OutputFormat; background: Background }): string | undefined;
}

/** The default compatibility matrix (VAL-4). Add a rule here and both mock and suites follow. */
export const COMPATIBILITY_MATRIX: readonly CompatibilityRule[] = [
  {
    id: 'transparent-needs-alpha',
    violates: ({ background, output_format }) =>
      background.type === 'transparent' && !ALPHA_FORMATS.has(output_format)
        ? `a transparent background needs an alpha-capable output_format (${[...ALPHA_FORMATS].join(', ')}), not ${output_format}`
        : undefined,
  },
];

export interface PolicyViolation {
  status: 400 | 422;
  code: 'invalid_request' | 'unsupported_combination';
  param: string;
  message: string;
  rule: 'VAL-2' | 'VAL-3' | 'VAL-4';
}

export interface PolicyOptions {
  /** VAL-3 is "the policy that requires a prompt"; a provider may be configured without it. */
  requirePromptForPro: boolean;
  /**
   * VAL-3: "A draft created with pro and no prompt may be rejected at create or
   * accepted, the prompt then being required at its start: both are conformant."
   * The mock accepts (the default); the `pro-draft-rejected` variant rejects.
   * The oracle predicts both (contracts/choices.ts).
   */
  proDraftWithoutPrompt?: 'accept' | 'reject';
}
export const DEFAULT_POLICY: PolicyOptions = { requirePromptForPro: true };

/** The reading that refuses the most: a body it accepts is accepted by every reading (cases that test something else use it). */
export const strictestReading = (policy: PolicyOptions): PolicyOptions =>
  (policy.requirePromptForPro ? { ...policy, proDraftWithoutPrompt: 'reject' } : policy);

/**
 * Every reading of the policy that SPEC allows a provider configured with
 * `policy`: the oracle predicts the union of their outcomes.
 */
export function policyReadings(policy: PolicyOptions): PolicyOptions[] {
  if (!policy.requirePromptForPro || policy.proDraftWithoutPrompt !== undefined) return [policy];
  return [{ ...policy, proDraftWithoutPrompt: 'accept' }, { ...policy, proDraftWithoutPrompt: 'reject' }];
}

/** VAL-2: an explicit text_prompt needs the effective model to be pro. */
function checkPromptAllowed(model: Model, explicitPrompt: string | undefined): PolicyViolation | undefined {
  if (explicitPrompt !== undefined && model !== 'pro') {
    return { status: 400, code: 'invalid_request', param: 'text_prompt', rule: 'VAL-2', message: `text_prompt is only allowed with model pro, not ${model}` };
  }
  return undefined;
}

/** VAL-3: starting with pro needs a non-blank prompt. */
function checkPromptPresent(model: Model, prompt: string | undefined, options: PolicyOptions): PolicyViolation | undefined {
  if (options.requirePromptForPro && model === 'pro' && (prompt === undefined || prompt.trim() === '')) {
    return { status: 400, code: 'invalid_request', param: 'text_prompt', rule: 'VAL-3', message: 'model pro needs a non-blank text_prompt' };
  }
  return undefined;
}

function checkMatrix(combo: { model: Model; output_format: OutputFormat; background: Background }): PolicyViolation | undefined {
  for (const rule of COMPATIBILITY_MATRIX) {
    const message = rule.violates(combo);
    if (message) return { status: 422, code: 'unsupported_combination', param: 'background', rule: 'VAL-4', message };
  }
  return undefined;
}

/** Settings a job is created with, defaults filled in. */
export interface CreateSettings {
  model: Model;
  output_format: OutputFormat;
  background: Background;
  text_prompt?: string;
  auto_start: boolean;
}

/** Create-time policy: VAL-2 and VAL-4 always; VAL-3 when the job starts at once, and for a draft only under the reading that rejects it (a draft may get its prompt at start). */
export interface Resolved<T> { settings: T; violation?: PolicyViolation }

function resolved<T>(settings: T, violation: PolicyViolation | undefined): Resolved<T> {
  return violation ? { settings, violation } : { settings };
}

export function resolveCreate(body: CreateJobRequest, options: PolicyOptions = DEFAULT_POLICY): Resolved<CreateSettings> {
  const settings: CreateSettings = {
    model: body.model ?? DEFAULTS.model,
    output_format: body.output_format ?? DEFAULTS.output_format,
    background: body.background ?? DEFAULTS.background,
    auto_start: body.auto_start ?? DEFAULTS.auto_start,
  };
  if (body.text_prompt !== undefined) settings.text_prompt = body.text_prompt.trim();
  const promptNeededNow = settings.auto_start || options.proDraftWithoutPrompt === 'reject';
  return resolved(settings, checkPromptAllowed(settings.model, body.text_prompt)
    ?? (promptNeededNow ? checkPromptPresent(settings.model, settings.text_prompt, options) : undefined)
    ?? checkMatrix(settings));
}

export interface JobSettings {
  model: Model;
  output_format: OutputFormat;
  background: Background;
  composition: NormalizedComposition;
  text_prompt?: string;
  preview_duration?: number;
}

/**
 * The settings a start runs with: the body over the job's own (model,
 * background, prompt, composition), composition normalized leaf by leaf
 * (VAL-5), then VAL-2/3/4.
 * A job's stored prompt carries over only while the effective model is pro.
 */
export function resolveStart(
  job: Omit<JobSettings, 'composition' | 'preview_duration'> & { composition?: StartJobRequest['composition'] },
  body: StartJobRequest,
  source: { width: number; height: number },
  options: PolicyOptions = DEFAULT_POLICY,
): Resolved<JobSettings> {
  const model = body.model ?? job.model;
  const prompt = body.text_prompt !== undefined ? body.text_prompt.trim() : model === 'pro' ? job.text_prompt : undefined;
  const settings: JobSettings = {
    model,
    output_format: job.output_format,
    background: body.background ?? job.background,
    // SPEC §1: a start without composition keeps the job's current one, normalized.
    composition: normalizeComposition(body.composition ?? job.composition, source),
  };
  if (prompt !== undefined) settings.text_prompt = prompt;
  if (body.preview_duration !== undefined) settings.preview_duration = body.preview_duration;
  return resolved(settings, checkPromptAllowed(model, body.text_prompt)
    ?? checkPromptPresent(model, prompt, options)
    ?? checkMatrix(settings));
}

/** VAL-5: every member present; omitted ones take the defaults, the canvas the source video's size. */
export function normalizeComposition(
  input: StartJobRequest['composition'],
  source: { width: number; height: number },
): NormalizedComposition {
  const fg = input?.foreground;
  return {
    canvas: { width: input?.canvas?.width ?? source.width, height: input?.canvas?.height ?? source.height },
    foreground: {
      anchor: fg?.anchor ?? DEFAULTS.anchor,
      scale: fg?.scale ?? DEFAULTS.scale,
      offset: { x: fg?.offset?.x ?? DEFAULTS.offset.x, y: fg?.offset?.y ?? DEFAULTS.offset.y },
    },
  };
}

/** LIFE-6: the media type an artifact of each format is served with. */
export const MEDIA_TYPES: Record<OutputFormat, string> = {
  webm: 'video/webm', mov: 'video/quicktime', mp4: 'video/mp4', gif: 'image/gif', webp: 'image/webp', png_sequence: 'application/zip',
};
export const FILE_EXTENSIONS: Record<OutputFormat, string> = {
  webm: 'webm', mov: 'mov', mp4: 'mp4', gif: 'gif', webp: 'webp', png_sequence: 'zip',
};
