/**
 * Checks one observed exchange against the spec: the status is documented for
 * the operation, the content type and body match, the required headers are
 * there. The mock's tests use it, and certify runs it on every response it sees.
 */
import { compileInline, validatorFor } from './ajv.js';
import { findOperation, resolveRef, spec, type HeaderObject, type JsonSchema, type ResponseObject } from './spec.js';

export interface ObservedResponse {
  method: string;
  /** Path with or without query. */
  path: string;
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string | undefined>;
  body: unknown;
  /** The raw text, for content that is not JSON. */
  text?: string;
}

/** `rule`: the SPEC rule this violation breaks, when one rule owns it (its family judges it, not SCHEMA). */
export interface Violation { where: string; message: string; rule?: string }

/** Headers a rule owns: a missing X-Request-Id is OBS-1's, a 429 without a valid Retry-After RATE-2's. */
const HEADER_RULES: Record<string, string> = { 'x-request-id': 'OBS-1', 'retry-after': 'RATE-2' };

const headerValidators = new Map<string, (v: unknown) => boolean>();

function headerValidator(name: string, header: HeaderObject): (v: unknown) => boolean {
  let fn = headerValidators.get(name);
  if (!fn) {
    const compiled = header.schema ? compileInline(header.schema) : () => true;
    fn = (v: unknown) => compiled(v) as boolean;
    headerValidators.set(name, fn);
  }
  return fn;
}

/**
 * A job that stores what a start should have refused or normalized shows it in
 * its body: an incomplete or out-of-range composition is VAL-5's (what the job
 * stores has every field), another stored request value VAL-1's.
 */
function storedValueRule(instancePath: string): string | undefined {
  const path = instancePath.replace(/^\/jobs\/\d+/, '');
  if (path.startsWith('/composition')) return 'VAL-5';
  if (/^\/(preview_duration|background|text_prompt)(\/|$)/.test(path)) return 'VAL-1';
  return undefined;
}

/** Violations of the spec by one response; an empty list means it conforms. Unknown routes are not the spec's business. */
export function checkResponse(res: ObservedResponse): Violation[] {
  const pathname = res.path.split('?', 1)[0] ?? res.path;
  const found = findOperation(res.method === 'HEAD' ? 'GET' : res.method, pathname);
  if (!found) return [];
  const { op } = found;
  const where = `${op.operationId} ${res.status}`;
  const documented = op.operation.responses[String(res.status)] ?? op.operation.responses.default;
  if (!documented) {
    // A 401 where no key is needed is AUTH-5's; a 5xx, ERR-3's.
    const rule = res.status === 401 && !op.requiresKey ? 'AUTH-5' : res.status >= 500 ? 'ERR-3' : undefined;
    return [{ where, message: `status ${res.status} is not documented for ${op.operationId} (documented: ${Object.keys(op.operation.responses).join(', ')})`, ...(rule ? { rule } : {}) }];
  }
  const spec = documented.$ref ? resolveRef<ResponseObject>(documented.$ref) : documented;
  const out: Violation[] = [];

  for (const [name, raw] of Object.entries(spec.headers ?? {})) {
    const header = raw.$ref ? resolveRef<HeaderObject>(raw.$ref) : raw;
    const value = res.headers[name.toLowerCase()];
    const rule = HEADER_RULES[name.toLowerCase()];
    const tag = rule ? { rule } : {};
    if (value === undefined) {
      if (header.required) out.push({ where, message: `required header ${name} is missing`, ...tag });
    } else if (!headerValidator(name, header)(value)) out.push({ where, message: `header ${name}: ${JSON.stringify(value)} does not match its schema`, ...tag });
  }

  const media = spec.content ? Object.entries(spec.content) : [];
  if (media.length > 0 && res.method !== 'HEAD') {
    // The error envelope of a non-2xx answer is ERR-1's.
    const tag = res.status >= 400 ? { rule: 'ERR-1' } : {};
    const contentType = res.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
    const entry = media.find(([type]) => type === contentType);
    if (!entry) {
      out.push({ where, message: `content type ${contentType ?? 'missing'} is not documented (${media.map(([t]) => t).join(', ')})`, ...tag });
    } else if (entry[1].schema?.$ref) {
      const validate = validatorFor(entry[1].schema.$ref as string, 'all');
      if (!validate(res.body)) {
        for (const e of validate.errors ?? []) {
          const rule = tag.rule ?? storedValueRule(e.instancePath);
          out.push({ where, message: `body${e.instancePath.replace(/\//g, '.')} ${e.message ?? 'is invalid'}`, ...(rule ? { rule } : {}) });
        }
      }
    }
  }
  return out;
}

/** The parts of a schema that say which members and items it names. */
interface Naming { $ref?: string; properties?: Record<string, Naming>; items?: Naming; oneOf?: Naming[]; anyOf?: Naming[]; allOf?: Naming[] }

const deref = (schema: Naming): Naming => (schema.$ref ? deref(resolveRef<Naming>(schema.$ref)) : schema);

/** Every branch a value of this schema may follow: a union names the members of all of them. */
function branches(schema: Naming): Naming[] {
  const s = deref(schema);
  const parts = [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])];
  return [s, ...parts.flatMap(branches)];
}

function projectOnto(value: unknown, schemas: Naming[]): unknown {
  if (Array.isArray(value)) {
    const items = schemas.flatMap((s) => (s.items ? [s.items] : []));
    return items.length === 0 ? value : value.map((v) => projectOnto(v, items.flatMap(branches)));
  }
  if (!value || typeof value !== 'object') return value;
  const named = new Map<string, Naming[]>();
  for (const s of schemas) for (const [k, v] of Object.entries(s.properties ?? {})) named.set(k, [...(named.get(k) ?? []), ...branches(v)]);
  // A schema that names no members (error.details) says nothing to cut: the value is kept whole.
  if (named.size === 0) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = named.get(k);
    if (sub) out[k] = projectOnto(v, sub);
  }
  return out;
}

/**
 * The members of a response value that the spec's schema names, at every depth
 * (`specNamed('Job', body)`, `specNamed('NormalizedComposition', c)`). A
 * response may carry members SPEC does not name, at any depth (SPEC §1), so a
 * check comparing what it predicts with what it observed compares this view:
 * an unknown member is neither a difference nor a failure.
 */
export function specNamed(nameOrRef: string, value: unknown): unknown {
  const name = nameOrRef.replace('#/components/schemas/', '');
  const schema = spec.components.schemas[name] as JsonSchema | undefined;
  if (!schema) throw new Error(`no schema ${name} in contracts/openapi.yaml`);
  return projectOnto(value, branches(schema as Naming));
}
