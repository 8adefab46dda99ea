/**
 * Valid request bodies, generated from the shape tree of openapi.yaml (shape.ts)
 * and kept valid by the policy module (VAL-2..4): every member present or
 * omitted (each composition leaf on its own), every enum value, numbers at,
 * next to and between their bounds, unicode prompts, long URLs.
 *
 * Three things the schema cannot say come from the target instead of from
 * random strings: the source video is a clip the target can process, and every
 * other URL names a reserved domain (RFC 2606), so nothing a provider may fetch
 * or call back ever points at a real host.
 */
import fc from 'fast-check';
import { resolveCreate, resolveStart, DEFAULT_POLICY, type JobSettings, type PolicyOptions } from '../policy.js';
import type { CreateJobRequest, StartJobRequest } from '../schemas.js';
import { dottedPath, shapeOf, type BodyKind, type Path, type Shape } from './shape.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Policy rules do not depend on the source's size; normalization does, and is not judged here. */
const SOURCE_SIZE_ANY = { width: 1920, height: 1080 };

/** What a member's generator may yield instead of a value: leave the member out. */
export const OMIT: unique symbol = Symbol('omit');
export type Maybe<T> = T | typeof OMIT;

export interface ValidOptions {
  /** Sources the target can process (SPEC §3 on the mock; the user's clips on a real target). */
  videos: readonly string[];
  /** Per member (dotted path): a generator to use instead of the schema's; it may yield OMIT. */
  overrides?: Record<string, fc.Arbitrary<unknown>>;
}

export const URL_MAX = 2048;
export const PROMPT_MAX = 500;

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}$/);
const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,16}$/);
const reservedHost = fc.tuple(fc.array(label, { maxLength: 2 }), fc.constantFrom('example.com', 'example.org', 'media.example.net', 'hooks.example', 'cdn.test')).map(([subs, base]) => [...subs, base].join('.'));

/** Pads a URL to exactly `length` characters with a query member (the query keeps printable ASCII). */
export function padUrl(url: string, length: number): string {
  const sep = url.includes('?') ? '&' : '?';
  const head = `${url}${sep}jobcert_pad=`;
  return head.length >= length ? url : `${head}${'p'.repeat(length - head.length)}`;
}

/** https URLs on reserved domains: short, with port, path and query, upper-case scheme, and exactly the maximum length. */
export const reservedHttpsUrl: fc.Arbitrary<string> = fc.tuple(
  fc.constantFrom('https', 'HTTPS', 'Https'), reservedHost, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined, freq: 4 }),
  fc.array(segment, { maxLength: 4 }), fc.option(fc.stringMatching(/^[A-Za-z0-9=&._-]{1,24}$/), { nil: undefined }),
  fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.constantFrom(URL_MAX, URL_MAX - 1, 512), weight: 1 }),
).map(([scheme, host, port, path, query, padTo]) => {
  const url = `${scheme}://${host}${port ? `:${port}` : ''}/${path.join('/')}${query ? `?${query}` : ''}`;
  return padTo ? padUrl(url, padTo) : url;
});

/** A clip the target can process, sometimes padded with a harmless query member up to the maximum length. */
export function clipUrl(videos: readonly string[]): fc.Arbitrary<string> {
  if (videos.length === 0) throw new Error('no video URL to build bodies with');
  return fc.tuple(fc.constantFrom(...videos), fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.constantFrom(URL_MAX, 300), weight: 1 }))
    .map(([url, padTo]) => (padTo && url.length < padTo ? padUrl(url, padTo) : url));
}

const PADDING = fc.constantFrom('', ' ', '  ', '\t', '\n', ' \n\t ');
/** Prompts of 1–500 characters after trimming: ASCII, unicode (short enough to be under 500 in any count), padded, at the limit. */
export const prompt: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  fc.constantFrom('person, clothing accessories, glowing ring', 'x', 'the dog 🐕 and its ball', 'Frau mit Hut, Café-Schild', '人物と傘', 'رجل يحمل مظلة', 'e\u0301te\u0301 ✨ ne\u0303'),
  fc.tuple(PADDING, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), PADDING)
    .filter(([, core]) => core.trim().length > 0 && [...core.trim()].length <= 120)
    .map(([a, core, b]) => `${a}${core}${b}`),
  fc.tuple(PADDING, fc.constantFrom(1, 2, PROMPT_MAX - 1, PROMPT_MAX), PADDING).map(([a, n, b]) => `${a}${'a'.repeat(n)}${b}`),
);

/** Integers: the bounds and their neighbours often, anything between otherwise. */
function integerIn(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.integer({ min, max }), weight: 3 },
    { arbitrary: fc.constantFrom(min, max), weight: 2 },
    { arbitrary: fc.constantFrom(Math.min(max, min + 1), Math.max(min, max - 1)), weight: 1 },
  );
}

/** Numbers: the inclusive bound, just inside an exclusive one, whole and fractional values between. */
function numberIn(s: Extract<Shape, { kind: 'number' }>): fc.Arbitrary<number> {
  const lo = s.exclusiveMin ? s.min + 1e-6 : s.min;
  const hi = s.exclusiveMax ? s.max - 1e-6 : s.max;
  const whole = Math.ceil(lo) <= Math.floor(hi) ? [fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) })] : [];
  // Whole numbers first: a counterexample shrinks to one (1 rather than 0.000001).
  return fc.oneof(
    { withCrossShrink: true },
    ...whole.map((arbitrary) => ({ arbitrary, weight: 2 })),
    { arbitrary: fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }), weight: 2 },
    { arbitrary: fc.constantFrom(hi, lo, Math.min(hi, lo + 0.001), Math.max(lo, hi - 0.001)), weight: 2 },
  );
}

function stringFor(s: Extract<Shape, { kind: 'string' }>, opts: ValidOptions): fc.Arbitrary<string> {
  if (s.name === 'HttpUrl') return clipUrl(opts.videos);
  if (s.name === 'HttpsUrl') return reservedHttpsUrl;
  if (s.name === 'TextPrompt') return prompt;
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern, 'u')).filter((v) => s.maxLength === undefined || v.length <= s.maxLength);
  return fc.string({ maxLength: s.maxLength ?? 64 });
}

/** Each optional member is left out about 4 times in 10 (shrinking leaves it out). */
const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Maybe<T>> =>
  fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(OMIT), weight: 2 }, { arbitrary: arb, weight: 3 });

/** A valid instance of `shape` (schema-valid only: the policy is applied by the callers). */
export function validOf(shape: Shape, opts: ValidOptions, path: Path = []): fc.Arbitrary<unknown> {
  const override = opts.overrides?.[dottedPath(path)];
  if (override) return override;
  switch (shape.kind) {
    case 'object': {
      const keys = Object.keys(shape.props);
      const members = keys.map((k) => {
        const arb = validOf(shape.props[k] as Shape, opts, [...path, k]);
        return shape.required.includes(k) || opts.overrides?.[dottedPath([...path, k])] ? arb : optional(arb);
      });
      return fc.tuple(...members).map((values) => {
        const out: Record<string, unknown> = {};
        keys.forEach((k, i) => { if (values[i] !== OMIT) out[k] = values[i]; });
        return out;
      });
    }
    case 'oneOf': return fc.oneof({ withCrossShrink: true }, ...shape.options.map((o) => validOf(o, opts, path)));
    case 'enum': return fc.constantFrom(...shape.values);
    case 'integer': return integerIn(shape.min, shape.max);
    case 'number': return numberIn(shape);
    case 'string': return stringFor(shape, opts);
    case 'boolean': return fc.boolean();
    case 'array': return fc.array(validOf(shape.items, opts, [...path, 0]), { minLength: shape.minItems, maxLength: shape.maxItems });
  }
}

/** The smallest valid instance of a shape (required members only), to hold a mutation placed deeper inside. */
export function minimalOf(shape: Shape, videos: readonly string[]): Json {
  switch (shape.kind) {
    case 'object': return Object.fromEntries(shape.required.map((k) => [k, minimalOf(shape.props[k] as Shape, videos)]));
    case 'oneOf': return minimalOf(shape.options[0] as Shape, videos);
    case 'enum': return shape.values[0] as string;
    case 'integer': return Math.max(shape.min, Math.min(shape.max, 0));
    case 'number': return shape.exclusiveMin ? Math.min(shape.max, shape.min + 1) : Math.max(shape.min, Math.min(shape.max, 0));
    case 'string': return shape.name === 'HttpUrl' ? (videos[0] ?? 'https://media.example.com/a.mp4') : shape.name === 'HttpsUrl' ? 'https://media.example.com/a.png' : shape.name === 'TextPrompt' ? 'person' : '';
    case 'boolean': return false;
    case 'array': return Array.from({ length: shape.minItems }, () => minimalOf(shape.items, videos));
  }
}

/** The settings a job is created with (defaults filled), from a valid create body: what a start is judged against. */
export function jobOf(create: CreateJobRequest, policy: PolicyOptions = DEFAULT_POLICY): Omit<JobSettings, 'composition' | 'preview_duration'> {
  const { settings } = resolveCreate(create, policy);
  return { model: settings.model, output_format: settings.output_format, background: settings.background, ...(settings.text_prompt !== undefined ? { text_prompt: settings.text_prompt } : {}) };
}

/**
 * Brings a schema-valid body within the prompt rules the way a client would:
 * a prompt the effective model may not have goes (VAL-2), one it needs comes
 * (VAL-3). Undefined when another rule refuses it (VAL-4). Repairing rather
 * than filtering lets a counterexample shed its model and prompt together.
 */
function repaired<T extends { text_prompt?: string }>(body: T, violation: (b: T) => ReturnType<typeof resolveCreate>['violation']): T | undefined {
  let out = body;
  for (let i = 0; i < 3; i++) {
    const v = violation(out);
    if (!v) return out;
    if (v.rule === 'VAL-2') { out = { ...out }; delete out.text_prompt; }
    else if (v.rule === 'VAL-3') out = { ...out, text_prompt: 'person' };
    else return undefined;
  }
  return undefined;
}

export const repairCreate = (body: CreateJobRequest, policy: PolicyOptions = DEFAULT_POLICY): CreateJobRequest | undefined =>
  repaired(body, (b) => resolveCreate(b, policy).violation);

export const repairStart = (job: ReturnType<typeof jobOf>, body: StartJobRequest, policy: PolicyOptions = DEFAULT_POLICY): StartJobRequest | undefined =>
  repaired(body, (b) => resolveStart(job, b, SOURCE_SIZE_ANY, policy).violation);

const defined = <T>(v: T | undefined): v is T => v !== undefined;

/** Valid create bodies: schema-valid and accepted by the policy (VAL-2, VAL-3, VAL-4). */
export function validCreate(opts: ValidOptions, policy: PolicyOptions = DEFAULT_POLICY): fc.Arbitrary<CreateJobRequest> {
  return (validOf(shapeOf('create'), opts) as fc.Arbitrary<CreateJobRequest>).map((b) => repairCreate(b, policy)).filter(defined);
}

/** Valid start bodies for a job: schema-valid and accepted by the policy for that job. */
export function validStartFor(job: ReturnType<typeof jobOf>, opts: ValidOptions, policy: PolicyOptions = DEFAULT_POLICY): fc.Arbitrary<StartJobRequest> {
  return startBody(opts).map((b) => repairStart(job, b, policy)).filter(defined);
}

/** Schema-valid start bodies; `validStartFor` keeps those the policy accepts for a given job. */
export function startBody(opts: ValidOptions): fc.Arbitrary<StartJobRequest> {
  return validOf(shapeOf('start'), opts) as fc.Arbitrary<StartJobRequest>;
}

export function startAccepted(job: ReturnType<typeof jobOf>, body: StartJobRequest, policy: PolicyOptions = DEFAULT_POLICY): boolean {
  return resolveStart(job, body, SOURCE_SIZE_ANY, policy).violation === undefined;
}

/** Which body a generator is for, and its shape: the mutations need both. */
export function validBody(kind: BodyKind, opts: ValidOptions, policy: PolicyOptions = DEFAULT_POLICY): fc.Arbitrary<Record<string, unknown>> {
  return (kind === 'create' ? validCreate(opts, policy) : startBody(opts)) as fc.Arbitrary<Record<string, unknown>>;
}
