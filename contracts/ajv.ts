/**
 * JSON Schema validators compiled from contracts/openapi.yaml with ajv (2020-12,
 * the dialect of OpenAPI 3.1). The mock validates request bodies with these, and
 * the suites validate every response with them, so both read the same contract.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { spec, type JsonSchema } from './spec.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the callable is its `.default`.
const addFormats = ajvFormats.default.default;

const ROOT_ID = 'jobcert:openapi';

/** Rewrites `#/components/schemas/X` to `#/$defs/X` so the schemas live in one JSON Schema root. */
function rewriteRefs(node: unknown, base = ''): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, base));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', `${base}#/$defs/`) : rewriteRefs(v, base);
    }
    return out;
  }
  return node;
}

function createAjv(allErrors: boolean): Ajv2020 {
  const instance = new Ajv2020({ strict: true, allErrors, allowUnionTypes: true });
  addFormats(instance);
  // OpenAPI annotations that are not JSON Schema keywords.
  instance.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
  instance.addSchema({ $id: ROOT_ID, $defs: rewriteRefs(spec.components.schemas) as Record<string, JsonSchema> });
  return instance;
}

/** Request validation stops at the first error (fast, names one field); conformance reports want them all. */
const instances = { first: createAjv(false), all: undefined as Ajv2020 | undefined };
const caches = { first: new Map<string, ValidateFunction>(), all: new Map<string, ValidateFunction>() };

function instance(mode: 'first' | 'all'): Ajv2020 {
  return mode === 'first' ? instances.first : (instances.all ??= createAjv(true));
}

/** Validator of a component schema, by name (`StartJobRequest`) or by `#/components/schemas/…` ref. */
export function validatorFor(nameOrRef: string, mode: 'first' | 'all' = 'first'): ValidateFunction {
  const name = nameOrRef.replace('#/components/schemas/', '');
  let fn = caches[mode].get(name);
  if (!fn) {
    fn = instance(mode).getSchema(`${ROOT_ID}#/$defs/${name}`);
    if (!fn) throw new Error(`no schema ${name} in contracts/openapi.yaml`);
    caches[mode].set(name, fn);
  }
  return fn;
}

/** Validator of an inline schema that may `$ref` the spec's components (parameters, headers). */
export function compileInline(schema: JsonSchema): ValidateFunction {
  return instance('all').compile(rewriteRefs(schema, ROOT_ID) as JsonSchema);
}

/**
 * The request field an error points at, dotted (`composition.canvas.width`):
 * the deepest failing location wins, so a bad member inside a `oneOf` branch is
 * named rather than the union as a whole.
 */
export function errorParam(errors: ErrorObject[] | null | undefined): string | undefined {
  if (!errors || errors.length === 0) return undefined;
  const located = errors.map((e) => {
    const segments = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const extra = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty
      : e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : undefined;
    if (extra !== undefined) segments.push(extra);
    return { segments, error: e };
  });
  located.sort((a, b) => b.segments.length - a.segments.length);
  const best = located[0];
  return best && best.segments.length > 0 ? best.segments.join('.') : undefined;
}

/** One readable sentence for the error `errorParam` picked. */
export function errorMessage(errors: ErrorObject[] | null | undefined): string {
  const param = errorParam(errors);
  const deepest = [...(errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
  if (!deepest) return 'invalid request body';
  if (deepest.keyword === 'additionalProperties') return `unknown field ${param ?? ''}`.trim();
  if (deepest.keyword === 'required') return `${param ?? 'field'} is required`;
  return `${param ?? 'body'} ${deepest.message ?? 'is invalid'}`;
}
