/**
 * The request side of conformance.ts: one request a client would send, checked
 * against the spec before it goes out. The operation exists, the key is there
 * when the operation needs one, path/query/header parameters match their
 * schemas, a POST body is JSON that validates against the operation's request
 * schema and passes the policy (VAL-2/3/4). The load scenarios and the k6
 * export are held to it, so load never measures a provider's 400s.
 */
import { compileInline, validatorFor } from './ajv.js';
import type { Violation } from './conformance.js';
import { resolveCreate, resolveStart, DEFAULTS, type OutputFormat } from './policy.js';
import type { CreateJobRequest, StartJobRequest } from './schemas.js';
import { findOperation, resolveRef, type JsonSchema } from './spec.js';

export interface OutgoingRequestShape {
  method: string;
  /** Path and query, e.g. `/v1/jobs?limit=5`. */
  path: string;
  /** Any case; compared lower-cased. */
  headers: Record<string, string | undefined>;
  /** The body as sent (text), if any. */
  body?: string;
}

/** For a start: the draft's output format, which the compatibility matrix (VAL-4) needs. */
export interface RequestContext { outputFormat?: OutputFormat }

interface Parameter { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: JsonSchema; $ref?: string }
const paramValidators = new Map<JsonSchema, (v: unknown) => boolean>();

function validParam(schema: JsonSchema, value: string): boolean {
  let fn = paramValidators.get(schema);
  if (!fn) {
    const compiled = compileInline(schema);
    fn = (v) => compiled(v) as boolean;
    paramValidators.set(schema, fn);
  }
  // Query and path values arrive as text; a numeric schema gets the number they spell.
  const type = (schema as { type?: unknown }).type;
  const asNumber = (type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return fn(asNumber);
}

export function checkRequest(req: OutgoingRequestShape, context: RequestContext = {}): Violation[] {
  const [pathname = '', query = ''] = req.path.split('?', 2);
  const found = findOperation(req.method, pathname);
  const where = `${req.method} ${pathname}`;
  if (!found) return [{ where, message: 'no operation of contracts/openapi.yaml has this method and path' }];
  const { op, params } = found;
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const out: Violation[] = [];
  if (op.requiresKey && !headers['x-api-key']) out.push({ where, message: 'X-Api-Key is missing (AUTH-1)' });

  const searchParams = new URLSearchParams(query);
  const declared = ((op.operation as { parameters?: Parameter[] }).parameters ?? []).map((p) => (p.$ref ? resolveRef<Parameter>(p.$ref) : p));
  for (const p of declared) {
    const value = p.in === 'path' ? params[p.name] : p.in === 'query' ? searchParams.get(p.name) ?? undefined : headers[p.name.toLowerCase()];
    if (value === undefined) {
      if (p.required) out.push({ where, message: `required ${p.in} parameter ${p.name} is missing` });
    } else if (p.schema && !validParam(p.schema, value)) out.push({ where, message: `${p.in} parameter ${p.name}: ${JSON.stringify(value)} does not match its schema` });
  }
  for (const name of searchParams.keys()) {
    if (!declared.some((p) => p.in === 'query' && p.name === name)) out.push({ where, message: `query parameter ${name} is not in the spec` });
  }

  const bodyRef = op.operation.requestBody?.content?.['application/json']?.schema?.$ref;
  if (req.method !== 'POST' || typeof bodyRef !== 'string') return out;
  if (!/^application\/json\b/i.test(headers['content-type'] ?? '')) out.push({ where, message: `content-type ${headers['content-type'] ?? 'missing'}: a body must be application/json` });
  let body: unknown;
  try {
    body = JSON.parse(req.body ?? '{}');
  } catch {
    return [...out, { where, message: 'the body is not JSON' }];
  }
  const validate = validatorFor(bodyRef, 'all');
  if (!validate(body)) {
    for (const e of validate.errors ?? []) out.push({ where, message: `body${e.instancePath.replace(/\//g, '.')} ${e.message ?? 'is invalid'}` });
    return out;
  }
  const violation = op.operationId === 'createJob'
    ? resolveCreate(body as CreateJobRequest).violation
    : op.operationId === 'startJob'
      ? resolveStart({ model: DEFAULTS.model, output_format: context.outputFormat ?? DEFAULTS.output_format, background: DEFAULTS.background }, body as StartJobRequest, { width: 1920, height: 1080 }).violation
      : undefined;
  if (violation) out.push({ where, message: `${violation.rule}: ${violation.message}` });
  return out;
}
