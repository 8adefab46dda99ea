/**
 * Invalid bodies: a valid body with one targeted violation. The violations are
 * derived from the shape tree of openapi.yaml (wrong type, null, one past a
 * bound, a fraction where an integer belongs, an unknown enum value, too long,
 * a broken URL or prompt, an unknown member at any depth, a missing required
 * one) and from the policy module (every model VAL-2 and VAL-3 forbid, every
 * combination the VAL-4 matrix refuses). What the provider must answer is not
 * written down per mutation: the oracle computes it from the contract, so a
 * case knows its rule, status, code and `error.param`.
 */
import fc from 'fast-check';
import { DEFAULT_POLICY, resolveCreate, resolveStart, type PolicyOptions } from '../policy.js';
import type { CreateJobRequest, StartJobRequest } from '../schemas.js';
import { expectCreate, expectStart, type Expected } from './oracle.js';
import { dottedPath, shapeOf, walk, type BodyKind, type Located, type Path, type Shape } from './shape.js';
import { jobOf, minimalOf, padUrl, URL_MAX, PROMPT_MAX, validCreate, validStartFor, type Json, type ValidOptions } from './valid.js';

export type Category = 'range' | 'type' | 'enum' | 'string' | 'structure' | 'policy';

export interface Mutation {
  /** Stable name, e.g. `start composition.foreground.offset.y above-max`. */
  id: string;
  category: Category;
  /** The member it targets (dotted), for weighting and for the report. */
  target: string;
  describe: string;
  apply(body: Json, videos: readonly string[]): Json;
  /** Start only: the draft the start needs (a create body), when the default draft will not do (VAL-4). */
  draft?: CreateJobRequest;
}

export interface InvalidCase {
  kind: BodyKind;
  body: Json;
  /** For a start: the create body of the draft it is sent to. */
  draft?: CreateJobRequest;
  mutation: string;
  expected: Expected;
}

/**
 * A deep copy with JSON's semantics (what JSON.parse(JSON.stringify(v)) gives:
 * undefined members dropped, undefined items and non-finite numbers null),
 * several times cheaper: every invalid case copies its base body.
 */
const clone = <T>(v: T): T => copyJson(v) as T;
function copyJson(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : null;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((item) => (item === undefined || typeof item === 'function' ? null : copyJson(item)));
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(v)) {
    if (item === undefined || typeof item === 'function') continue;
    // An own `__proto__` member (an unknown-member mutation) stays a member instead of becoming the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: copyJson(item), enumerable: true, writable: true, configurable: true });
    else out[k] = copyJson(item);
  }
  return out;
}
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The shape at a path of the tree (following a given oneOf branch). */
function shapeAt(root: Shape, path: Path, branches: Located['branches'], resolveLast = true): Shape | undefined {
  let node: Shape | undefined = root;
  const at = (p: Path): number | undefined => branches.find((b) => dottedPath(b.at) === dottedPath(p))?.index;
  for (let i = 0; i <= path.length; i++) {
    if (node?.kind === 'oneOf' && (resolveLast || i < path.length)) node = node.options[at(path.slice(0, i)) ?? 0];
    if (i === path.length || !node) break;
    const key = path[i] as string | number;
    node = node.kind === 'object' ? node.props[key as string] : node.kind === 'array' ? node.items : undefined;
  }
  return node;
}

/** Whether `value` is an instance of the branch (the branch's const members match). */
function inBranch(value: Json | undefined, option: Shape): boolean {
  if (!isObject(value) || option.kind !== 'object') return false;
  return Object.entries(option.props).every(([k, s]) => s.kind !== 'enum' || s.values.length !== 1 || value[k] === s.values[0]);
}

/**
 * Sets `value` at `path` (undefined deletes), creating what holds it: missing
 * objects as their minimal valid instance, and a oneOf member as an instance
 * of the branch the mutation lives in.
 */
export function setPath(body: Json, path: Path, value: Json | undefined, root: Shape, branches: Located['branches'], videos: readonly string[]): Json {
  const out = clone(body);
  for (const b of branches) {
    const union = shapeAt(root, b.at, branches.filter((x) => x.at.length < b.at.length), false);
    const option = union?.kind === 'oneOf' ? union.options[b.index] : undefined;
    if (!option) continue;
    const parent = b.at.slice(0, -1);
    const holder = getPath(out, parent);
    const key = b.at[b.at.length - 1];
    if (key === undefined || !isObject(holder) && !Array.isArray(holder)) continue;
    const current = (holder as Record<string | number, Json>)[key];
    if (!inBranch(current, option)) (holder as Record<string | number, Json>)[key] = minimalOf(option, videos);
  }
  let node: Json = out;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    const holder = node as Record<string | number, Json>;
    if (holder[key] === undefined || holder[key] === null || typeof holder[key] !== 'object') {
      holder[key] = minimalOf(shapeAt(root, path.slice(0, i + 1), branches) ?? { kind: 'object', props: {}, required: [], closed: true }, videos);
    }
    node = holder[key] as Json;
  }
  const last = path[path.length - 1];
  if (last === undefined) return value === undefined ? {} : value;
  const holder = node as Record<string | number, Json>;
  if (value === undefined) delete holder[last];
  else if (last === '__proto__') Object.defineProperty(holder, last, { value, enumerable: true, writable: true, configurable: true });
  else holder[last] = value;
  return out;
}

function getPath(body: Json, path: Path): Json | undefined {
  let node: Json | undefined = body;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<string | number, Json>)[key] : undefined;
  return node;
}

const fmt = (v: Json): string => { const s = JSON.stringify(v); return s.length > 60 ? `${s.slice(0, 40)}…(${s.length} chars)` : s; };

function set(kind: BodyKind, loc: Located, category: Category, op: string, value: Json, why: string, target = dottedPath(loc.path)): Mutation {
  const root = shapeOf(kind);
  return {
    id: `${kind} ${target} ${op}`, category, target, describe: `${target || 'the body'} = ${fmt(value)} (${why})`,
    apply: (body, videos) => setPath(body, loc.path, value, root, loc.branches, videos),
  };
}

/** Values of another JSON type than the shape's. */
function wrongTypes(shape: Shape): Json[] {
  switch (shape.kind) {
    case 'object': case 'oneOf': return [[], 'x', 1];
    case 'array': return [{}, '0,0,0'];
    case 'integer': case 'number': return ['12', true];
    case 'boolean': return ['true', 0];
    default: return [7, false, ['x']];
  }
}

/** Every targeted violation of one node of the tree. */
function nodeMutations(kind: BodyKind, loc: Located): Mutation[] {
  const { shape, path } = loc;
  const out: Mutation[] = [];
  if (path.length > 0 && shape.kind !== 'oneOf') {
    out.push(set(kind, loc, 'type', 'null', null, 'null is never an omission'));
    wrongTypes(shape).forEach((v, i) => out.push(set(kind, loc, 'type', `wrong-type-${i}`, v, `a ${Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v} where ${shape.kind} belongs`)));
  }
  switch (shape.kind) {
    case 'integer':
      out.push(set(kind, loc, 'range', 'below-min', shape.min - 1, `one below its minimum ${shape.min}`));
      out.push(set(kind, loc, 'range', 'above-max', shape.max + 1, `one above its maximum ${shape.max}`));
      out.push(set(kind, loc, 'range', 'fraction', shape.min + 0.5, 'a fraction where an integer belongs'));
      out.push(set(kind, loc, 'range', 'huge', 1e21, 'far beyond any bound'));
      break;
    case 'number':
      out.push(set(kind, loc, 'range', 'below-min', shape.exclusiveMin ? shape.min : shape.min - 1, shape.exclusiveMin ? `equal to its exclusive minimum ${shape.min}` : `one below its minimum ${shape.min}`));
      out.push(set(kind, loc, 'range', 'above-max', shape.exclusiveMax ? shape.max : shape.max + 1, shape.exclusiveMax ? `equal to its exclusive maximum ${shape.max}` : `one above its maximum ${shape.max}`));
      out.push(set(kind, loc, 'range', 'just-above-max', shape.max + 1e-6, `a millionth above its maximum ${shape.max}`));
      out.push(set(kind, loc, 'range', 'negative', -Math.abs(shape.max), 'negative'));
      out.push(set(kind, loc, 'range', 'huge', 1e300, 'far beyond any bound'));
      break;
    case 'enum': {
      const first = shape.values[0] ?? 'x';
      out.push(set(kind, loc, 'enum', 'unknown', `${first}_unknown`, 'not one of the allowed values'));
      if (first.toUpperCase() !== first) out.push(set(kind, loc, 'enum', 'case', first.toUpperCase(), 'an allowed value in another case'));
      out.push(set(kind, loc, 'enum', 'padded', ` ${first}`, 'an allowed value with a space'));
      out.push(set(kind, loc, 'enum', 'empty', '', 'empty'));
      break;
    }
    case 'string':
      if (shape.name === 'HttpUrl' || shape.name === 'HttpsUrl') {
        const max = shape.maxLength ?? URL_MAX;
        out.push(set(kind, loc, 'string', 'too-long', padUrl('https://media.example.com/clip.mp4', max + 1), `one character over ${max}`));
        out.push(set(kind, loc, 'string', 'ftp', 'ftp://media.example.com/clip.mp4', 'not http(s)'));
        out.push(set(kind, loc, 'string', 'relative', 'media.example.com/clip.mp4', 'no scheme'));
        out.push(set(kind, loc, 'string', 'space', 'https://media example.com/clip.mp4', 'a space in the host'));
        out.push(set(kind, loc, 'string', 'empty', '', 'empty'));
        if (shape.name === 'HttpsUrl') out.push(set(kind, loc, 'string', 'http', 'http://media.example.com/bg.png', 'http where https is required'));
      } else if (shape.name === 'TextPrompt') {
        out.push(set(kind, loc, 'string', 'blank', ' \t\n ', 'blank after trimming'));
        out.push(set(kind, loc, 'string', 'too-long', `  ${'a'.repeat(PROMPT_MAX + 1)}  `, `${PROMPT_MAX + 1} characters after trimming`));
        out.push(set(kind, loc, 'string', 'empty', '', 'empty'));
      } else if (shape.maxLength !== undefined) {
        out.push(set(kind, loc, 'string', 'too-long', 'a'.repeat(shape.maxLength + 1), `over ${shape.maxLength} characters`));
      }
      break;
    case 'array': {
      const item = minimalOf(shape.items, []);
      out.push(set(kind, loc, 'structure', 'too-short', Array.from({ length: Math.max(0, shape.minItems - 1) }, () => item), `fewer than ${shape.minItems} items`));
      out.push(set(kind, loc, 'structure', 'too-long', Array.from({ length: shape.maxItems + 1 }, () => item), `more than ${shape.maxItems} items`));
      break;
    }
    case 'object':
      if (shape.closed) {
        for (const name of ['extra', '__proto__', ...Object.keys(shape.props).slice(0, 1).map((k) => k.toUpperCase())]) {
          const target = dottedPath([...path, name]);
          out.push({ ...set(kind, { ...loc, path: [...path, name] }, 'structure', `unknown-${name}`, 1, 'an unknown member', target), describe: `${target} added (an unknown member)` });
        }
      }
      for (const required of shape.required) {
        const target = dottedPath([...path, required]);
        const root = shapeOf(kind);
        out.push({
          id: `${kind} ${target} missing`, category: 'structure', target, describe: `${target} left out (required)`,
          apply: (body, videos) => setPath(body, [...path, required], undefined, root, loc.branches, videos),
        });
      }
      break;
    default:
      break;
  }
  return out;
}

/** An array item mutation applies to each index, so every channel of a colour can be the broken one. */
function expandItems(kind: BodyKind, m: Located): Located[] {
  const arrayIndex = m.path.findIndex((p) => typeof p === 'number');
  if (arrayIndex < 0) return [m];
  const holder = shapeAt(shapeOf(kind), m.path.slice(0, arrayIndex), m.branches);
  const n = holder?.kind === 'array' ? Math.max(1, holder.minItems) : 1;
  return Array.from({ length: n }, (_, i) => ({ ...m, path: m.path.map((p, j) => (j === arrayIndex ? i : p)) }));
}

/** The policy's refusals, found by asking the policy module about every model and every format × background. */
function policyMutations(kind: BodyKind, policy: PolicyOptions, videos: readonly string[]): Mutation[] {
  const shape = shapeOf(kind) as Extract<Shape, { kind: 'object' }>;
  const models = (shape.props.model as Extract<Shape, { kind: 'enum' }>).values;
  const video = videos[0] ?? 'https://media.example.com/a.mp4';
  const out: Mutation[] = [];
  const m = (id: string, describe: string, apply: Mutation['apply'], draft?: CreateJobRequest): Mutation =>
    ({ id: `${kind} policy ${id}`, category: 'policy', target: id.split(' ')[0] ?? id, describe, apply, ...(draft ? { draft } : {}) });
  const without = (body: Json, ...keys: string[]): Record<string, Json> => {
    const copy = clone(body) as Record<string, Json>;
    for (const k of keys) delete copy[k];
    return copy;
  };
  const createCreate = createShape();
  const backgrounds = (createCreate.props.background as Extract<Shape, { kind: 'oneOf' }>).options.map((o) => minimalOf(o, videos) as Record<string, Json>);
  const formats = (createCreate.props.output_format as Extract<Shape, { kind: 'enum' }>).values;
  if (kind === 'create') {
    for (const model of models) {
      const probe = { video_url: video, model, text_prompt: 'person', auto_start: false } as CreateJobRequest;
      if (resolveCreate(probe, policy).violation?.rule === 'VAL-2') out.push(m(`text_prompt with-${model}`, `text_prompt with model ${model} (VAL-2)`, (b) => ({ ...(b as object), model, text_prompt: 'person' })));
      const started = { video_url: video, model, auto_start: true } as CreateJobRequest;
      if (resolveCreate(started, policy).violation?.rule === 'VAL-3') out.push(m(`text_prompt missing-${model}`, `model ${model} started at once without a text_prompt (VAL-3)`, (b) => ({ ...without(b, 'text_prompt'), model, auto_start: true })));
    }
    for (const output_format of formats) for (const background of backgrounds) {
      const probe = { video_url: video, output_format, background, auto_start: false } as CreateJobRequest;
      if (resolveCreate(probe, policy).violation?.rule === 'VAL-4') out.push(m(`background ${String(background.type)}-${output_format}`, `background ${String(background.type)} with output_format ${output_format} (VAL-4)`, (b) => ({ ...(b as object), output_format, background })));
    }
  } else {
    const draft = { video_url: video, auto_start: false } as CreateJobRequest;
    const job = jobOf(draft, policy);
    for (const model of models) {
      if (resolveStart(job, { model, text_prompt: 'person' } as StartJobRequest, { width: 1920, height: 1080 }, policy).violation?.rule === 'VAL-2') {
        out.push(m(`text_prompt with-${model}`, `text_prompt with model ${model} (VAL-2)`, (b) => ({ ...(b as object), model, text_prompt: 'person' })));
      }
      if (resolveStart(job, { model } as StartJobRequest, { width: 1920, height: 1080 }, policy).violation?.rule === 'VAL-3') {
        out.push(m(`text_prompt missing-${model}`, `model ${model} without a text_prompt (VAL-3)`, (b) => ({ ...without(b, 'text_prompt'), model })));
      }
    }
    if (resolveStart(job, { text_prompt: 'person' } as StartJobRequest, { width: 1920, height: 1080 }, policy).violation?.rule === 'VAL-2') {
      out.push(m('text_prompt job-model', `text_prompt without a model, on a ${job.model} draft (VAL-2)`, (b) => ({ ...without(b, 'model'), text_prompt: 'person' })));
    }
    // VAL-4 on start: a draft the matrix accepts, started with a background it refuses for that format.
    for (const output_format of formats) for (const own of backgrounds) for (const background of backgrounds) {
      const d = { video_url: video, auto_start: false, output_format, background: own } as CreateJobRequest;
      if (resolveCreate(d, policy).violation) continue;
      if (resolveStart(jobOf(d, policy), { background } as StartJobRequest, { width: 1920, height: 1080 }, policy).violation?.rule !== 'VAL-4') continue;
      if (out.some((x) => x.id.endsWith(`background ${String(background.type)}-${output_format}`))) continue;
      out.push(m(`background ${String(background.type)}-${output_format}`, `background ${String(background.type)} on a ${output_format} draft (VAL-4)`, (b) => ({ ...(b as object), background }), d));
    }
  }
  return out;
}

const createShape = (): Extract<Shape, { kind: 'object' }> => shapeOf('create') as Extract<Shape, { kind: 'object' }>;

/** Every targeted violation of a body kind, derived from the contract. */
export function mutationsOf(kind: BodyKind, policy: PolicyOptions = DEFAULT_POLICY, videos: readonly string[] = []): Mutation[] {
  const nodes = walk(shapeOf(kind)).flatMap((loc) => expandItems(kind, loc));
  const seen = new Set<string>();
  return [...nodes.flatMap((loc) => nodeMutations(kind, loc)), ...policyMutations(kind, policy, videos)].filter((x) => (seen.has(x.id) ? false : (seen.add(x.id), true)));
}

/** How often each category is drawn: boundaries first, where off-by-one bugs live. */
export const CATEGORY_WEIGHTS: Record<Category, number> = { range: 10, type: 3, enum: 2, string: 2, structure: 3, policy: 3 };

/**
 * A weighted choice of mutation: a category, then a member of it (each member
 * equally likely, however many ways it can be broken), then one of its
 * violations, where "one past the bound" is drawn three times as often.
 */
export function mutationArb(mutations: readonly Mutation[]): fc.Arbitrary<Mutation> {
  const byCategory = Object.entries(CATEGORY_WEIGHTS).flatMap(([category, weight]) => {
    const inCategory = mutations.filter((x) => x.category === category);
    if (inCategory.length === 0) return [];
    const targets = [...new Set(inCategory.map((x) => x.target.replace(/\.\d+$/, '')))];
    // Built once per member rather than inside chain(): the choice is drawn for every case.
    const opsOf = new Map(targets.map((t) => {
      const ops = inCategory.filter((x) => x.target.replace(/\.\d+$/, '') === t);
      return [t, fc.oneof(...ops.map((op) => ({ arbitrary: fc.constant(op), weight: / (below-min|above-max)$/.test(op.id) ? 3 : 1 })))] as const;
    }));
    const arbitrary = fc.constantFrom(...targets).chain((t) => opsOf.get(t) as fc.Arbitrary<Mutation>);
    return [{ arbitrary, weight }];
  });
  return fc.oneof(...byCategory);
}

export interface InvalidOptions extends ValidOptions {
  policy?: PolicyOptions;
  /** Share of start bodies among the cases (the rest are create bodies). */
  startShare?: number;
}

/** The default draft an invalid start goes to: nothing but the source, not started. */
export const defaultDraft = (videos: readonly string[]): CreateJobRequest => ({ video_url: videos[0] ?? 'https://media.example.com/a.mp4', auto_start: false });

function caseOf(kind: BodyKind, base: Json, mutation: Mutation, opts: InvalidOptions): InvalidCase {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const body = mutation.apply(base, opts.videos);
  if (kind === 'create') return { kind, body, mutation: mutation.describe, expected: expectCreate(body, policy) };
  const draft = mutation.draft ?? defaultDraft(opts.videos);
  return { kind, body, draft, mutation: mutation.describe, expected: expectStart(body, jobOf(draft, policy), policy) };
}

/** Invalid create and start cases, each one violation away from a valid body, with the outcome the contract promises. */
export function invalidCase(opts: InvalidOptions): fc.Arbitrary<InvalidCase> {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const startShare = opts.startShare ?? 0.8;
  const job = jobOf(defaultDraft(opts.videos), policy);
  const base = {
    create: validCreate(opts, policy) as fc.Arbitrary<Json>,
    start: validStartFor(job, opts, policy) as fc.Arbitrary<Json>,
  };
  const arb = (kind: BodyKind): fc.Arbitrary<InvalidCase> =>
    fc.tuple(base[kind], mutationArb(mutationsOf(kind, policy, opts.videos))).map(([b, m]) => caseOf(kind, b, m, opts));
  const weight = Math.round(startShare * 100);
  return fc.oneof({ arbitrary: arb('start'), weight }, { arbitrary: arb('create'), weight: 100 - weight }).filter((c) => c.expected.status !== 200);
}
