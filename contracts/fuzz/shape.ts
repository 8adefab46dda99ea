/**
 * The request bodies' JSON Schemas of contracts/openapi.yaml, read into a small
 * tree the fuzzer walks: every object, its members (required or not, closed or
 * not), every enum and const, every numeric bound, string pattern and length,
 * array length and oneOf branch. The valid generators and the targeted
 * mutations are built from this tree, so they follow the spec when it changes.
 */
import { spec, type JsonSchema } from '../spec.js';

export type Shape =
  | { kind: 'object'; name?: string; props: Record<string, Shape>; required: string[]; closed: boolean }
  | { kind: 'oneOf'; name?: string; options: Shape[] }
  | { kind: 'enum'; name?: string; values: string[] }
  | { kind: 'integer'; name?: string; min: number; max: number }
  | { kind: 'number'; name?: string; min: number; exclusiveMin: boolean; max: number; exclusiveMax: boolean }
  | { kind: 'string'; name?: string; pattern?: string; maxLength?: number }
  | { kind: 'boolean'; name?: string }
  | { kind: 'array'; name?: string; items: Shape; minItems: number; maxItems: number };

const REF = '#/components/schemas/';

function num(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/** Reads one schema node; `name` is the component it came from (HttpUrl, TextPrompt, …), which domain overrides key on. */
function read(schema: JsonSchema, name?: string): Shape {
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = ref.replace(REF, '');
    const next = spec.components.schemas[target];
    if (!next) throw new Error(`unresolvable $ref ${ref}`);
    return read(next, target);
  }
  const named = name !== undefined ? { name } : {};
  if (Array.isArray(schema.oneOf)) return { kind: 'oneOf', ...named, options: (schema.oneOf as JsonSchema[]).map((s) => read(s)) };
  if (Array.isArray(schema.enum)) return { kind: 'enum', ...named, values: (schema.enum as unknown[]).map(String) };
  if (schema.const !== undefined) return { kind: 'enum', ...named, values: [String(schema.const)] };
  switch (schema.type) {
    case 'object': {
      const props = Object.fromEntries(Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([k, s]) => [k, read(s)]));
      return { kind: 'object', ...named, props, required: (schema.required as string[] | undefined) ?? [], closed: schema.additionalProperties === false };
    }
    case 'integer':
      return { kind: 'integer', ...named, min: num(schema.minimum, Number.MIN_SAFE_INTEGER), max: num(schema.maximum, Number.MAX_SAFE_INTEGER) };
    case 'number': {
      const exclusiveMin = typeof schema.exclusiveMinimum === 'number';
      const exclusiveMax = typeof schema.exclusiveMaximum === 'number';
      return {
        kind: 'number', ...named,
        min: exclusiveMin ? (schema.exclusiveMinimum as number) : num(schema.minimum, -Number.MAX_VALUE), exclusiveMin,
        max: exclusiveMax ? (schema.exclusiveMaximum as number) : num(schema.maximum, Number.MAX_VALUE), exclusiveMax,
      };
    }
    case 'string':
      return {
        kind: 'string', ...named,
        ...(typeof schema.pattern === 'string' ? { pattern: schema.pattern } : {}),
        ...(typeof schema.maxLength === 'number' ? { maxLength: schema.maxLength } : {}),
      };
    case 'boolean':
      return { kind: 'boolean', ...named };
    case 'array': {
      const items = read((schema.items ?? {}) as JsonSchema);
      return { kind: 'array', ...named, items, minItems: num(schema.minItems, 0), maxItems: num(schema.maxItems, 64) };
    }
    default:
      throw new Error(`the fuzzer does not know the schema ${JSON.stringify(schema).slice(0, 120)}; teach contracts/fuzz/shape.ts`);
  }
}

export type BodyKind = 'create' | 'start';
export const SCHEMA_OF: Record<BodyKind, string> = { create: 'CreateJobRequest', start: 'StartJobRequest' };

const cache = new Map<BodyKind, Shape>();
export function shapeOf(kind: BodyKind): Shape {
  let shape = cache.get(kind);
  if (!shape) {
    const schema = spec.components.schemas[SCHEMA_OF[kind]];
    if (!schema) throw new Error(`no ${SCHEMA_OF[kind]} in contracts/openapi.yaml`);
    cache.set(kind, (shape = read(schema, SCHEMA_OF[kind])));
  }
  return shape;
}

/** A member path, e.g. ['composition', 'canvas', 'width'] or ['background', 'color', 2]. */
export type Path = readonly (string | number)[];
export const dottedPath = (path: Path): string => path.join('.');

/**
 * Every node of a shape with its path. A node inside a oneOf branch names the
 * branch it lives in (`branches`: which option at which path), so a mutation
 * there first puts an instance of that branch in place.
 */
export interface Located { path: Path; shape: Shape; branches: readonly { at: Path; index: number }[] }

export function walk(shape: Shape, path: Path = [], branches: Located['branches'] = [], out: Located[] = []): Located[] {
  out.push({ path, shape, branches });
  if (shape.kind === 'object') for (const [k, s] of Object.entries(shape.props)) walk(s, [...path, k], branches, out);
  if (shape.kind === 'oneOf') shape.options.forEach((s, index) => walk(s, path, [...branches, { at: path, index }], out));
  if (shape.kind === 'array') walk(shape.items, [...path, 0], branches, out);
  return out;
}
