/**
 * VAL-5's metamorphic relation: spellings of one composition that differ only
 * by defaults written out or left out, and by the order of keys. A provider
 * must store the same normalized composition for each (the policy module's
 * `normalizeComposition` is what "the same" is).
 */
import type { NormalizedComposition, StartJobRequest } from '../schemas.js';
import { normalizeComposition } from '../policy.js';
import type { Json } from './valid.js';

export type Composition = NonNullable<StartJobRequest['composition']>;
export interface Size { width: number; height: number }

export const SPELLINGS = ['as-generated', 'defaults-spelled-out', 'defaults-left-out', 'keys-reversed', 'spelled-out-reversed'] as const;
export type Spelling = (typeof SPELLINGS)[number];

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function reversed(v: Json): Json {
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.keys(v).reverse().map((k) => [k, reversed(v[k] as Json)]));
}

/** Drops every leaf equal to its default, then every object left empty. */
function withoutDefaults(v: Json, defaults: Json): Json | undefined {
  if (!isObject(v)) return JSON.stringify(v) === JSON.stringify(defaults) ? undefined : v;
  const out: Record<string, Json> = {};
  for (const [k, child] of Object.entries(v)) {
    const kept = withoutDefaults(child, isObject(defaults) ? (defaults[k] as Json) : null);
    if (kept !== undefined) out[k] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The composition member of a start body spelled one way; undefined means the
 * body has no composition at all (allowed only when every leaf is a default:
 * a start without composition keeps the draft's own, which is the default).
 */
export function spell(composition: Composition, how: Spelling, source: Size): Json | undefined {
  const full = normalizeComposition(composition, source) as unknown as Json;
  const defaults = normalizeComposition(undefined, source) as unknown as Json;
  switch (how) {
    case 'as-generated': return composition as Json;
    case 'defaults-spelled-out': return full;
    case 'defaults-left-out': return withoutDefaults(composition as Json, defaults) ?? {};
    case 'keys-reversed': return reversed(composition as Json);
    case 'spelled-out-reversed': return reversed(full);
  }
}

/** The spelling that differs most from `how`: the one a metamorphic comparison sends next. */
export const OPPOSITE: Record<Spelling, Spelling> = {
  'as-generated': 'defaults-spelled-out', 'defaults-spelled-out': 'defaults-left-out', 'defaults-left-out': 'spelled-out-reversed',
  'keys-reversed': 'defaults-spelled-out', 'spelled-out-reversed': 'defaults-left-out',
};

/** What VAL-5 makes the provider store for a composition. */
export function stored(composition: Composition | undefined, source: Size): NormalizedComposition {
  return normalizeComposition(composition, source);
}
