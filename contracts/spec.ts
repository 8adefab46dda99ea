/** Loads contracts/openapi.yaml once; everything spec-derived at run time starts here. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const SPEC_PATH = fileURLToPath(new URL('./openapi.yaml', import.meta.url));

export type JsonSchema = Record<string, unknown>;

interface MediaType { schema?: JsonSchema; examples?: Record<string, { value: unknown }> }
export interface HeaderObject { required?: boolean; schema?: JsonSchema; $ref?: string }
export interface ResponseObject {
  $ref?: string;
  description?: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, MediaType>;
}
export interface OperationObject {
  operationId: string;
  security?: unknown[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, ResponseObject>;
    headers: Record<string, HeaderObject>;
  };
}

export const spec = parse(readFileSync(SPEC_PATH, 'utf8')) as OpenApiDocument;

/** Follows a local `#/components/...` reference. */
export function resolveRef<T>(ref: string): T {
  const parts = ref.replace(/^#\//, '').split('/');
  let node: unknown = spec;
  for (const part of parts) node = (node as Record<string, unknown>)[part];
  if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return node as T;
}

export interface SpecOperation {
  operationId: string;
  method: string;
  path: string;
  /** Matches a concrete path; named groups are the path parameters. */
  pattern: RegExp;
  requiresKey: boolean;
  operation: OperationObject;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

export const operations: SpecOperation[] = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => HTTP_METHODS.has(method))
    .map(([method, operation]) => ({
      operationId: operation.operationId,
      method: method.toUpperCase(),
      path,
      pattern: new RegExp(`^${path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`),
      requiresKey: !(Array.isArray(operation.security) && operation.security.length === 0),
      operation,
    })),
);

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;
/** Paths without parameters resolve with one map lookup; the mock calls this on every request. */
const staticOperations = new Map(operations.filter((o) => !o.path.includes('{')).map((o) => [`${o.method} ${o.path}`, { op: o, params: NO_PARAMS }]));

/** Path parameters arrive percent-encoded (an id with `:` is sent as `%3A`); malformed escapes stay as sent. */
function decodeParams(groups: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(groups)) {
    try { out[k] = decodeURIComponent(v); } catch { out[k] = v; }
  }
  return out;
}

export function findOperation(method: string, pathname: string): { op: SpecOperation; params: Record<string, string> } | undefined {
  const direct = staticOperations.get(`${method} ${pathname}`);
  if (direct) return direct;
  for (const op of operations) {
    if (op.method !== method) continue;
    const match = op.pattern.exec(pathname);
    if (match) return { op, params: decodeParams(match.groups ?? {}) };
  }
  return undefined;
}

/** Every `examples` entry of request and response bodies, for the example test. */
export function specExamples(): { where: string; schemaRef: string; value: unknown }[] {
  const out: { where: string; schemaRef: string; value: unknown }[] = [];
  const collect = (where: string, content: Record<string, MediaType> | undefined): void => {
    for (const media of Object.values(content ?? {})) {
      const ref = media.schema?.$ref;
      if (typeof ref !== 'string') continue;
      for (const [name, ex] of Object.entries(media.examples ?? {})) out.push({ where: `${where} example ${name}`, schemaRef: ref, value: ex.value });
    }
  };
  for (const op of operations) {
    collect(`${op.operationId} request`, op.operation.requestBody?.content);
    for (const [status, res] of Object.entries(op.operation.responses)) {
      const resolved = res.$ref ? resolveRef<ResponseObject>(res.$ref) : res;
      collect(`${op.operationId} ${status}`, resolved.content);
    }
  }
  return out;
}
