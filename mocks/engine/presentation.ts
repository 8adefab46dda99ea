/**
 * How the variants that only change the *form* of a response are applied:
 * extra members, fewer optional members, another param syntax, another time
 * format, other content-type spellings, extra headers. One pass over the
 * finished response, so the routes stay as they are and the default path costs
 * nothing (the mock's throughput is benchmarked).
 */
import type { MockResponse } from './types.js';
import type { VariantName } from './variants.js';

const RESHAPING: readonly VariantName[] = ['extra-members', 'minimal-job', 'param-pointer', 'rfc3339-offsets', 'charset-variants', 'replayed-false'];

export function reshapes(variants: ReadonlySet<VariantName>): boolean {
  return RESHAPING.some((v) => variants.has(v));
}

const ISO_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$/;

function walk(value: unknown, visit: (node: Record<string, unknown>) => void): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, visit));
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    for (const k of Object.keys(node)) node[k] = walk(node[k], visit);
    visit(node);
    return node;
  }
  return value;
}

let alternate = 0;

export function reshape(res: MockResponse, req: { method: string; url: string }, variants: ReadonlySet<VariantName>): void {
  const isJson = (res.headers['content-type'] ?? '').startsWith('application/json');
  if (isJson && typeof res.body === 'string' && res.body.length > 0) {
    const body = JSON.parse(res.body) as unknown;
    walk(body, (node) => {
      const isJob = Array.isArray(node.history) && typeof node.status === 'string';
      if (variants.has('rfc3339-offsets')) {
        for (const [k, v] of Object.entries(node)) {
          const m = typeof v === 'string' ? ISO_TIME.exec(v) : null;
          if (m) node[k] = `${m[1]}+00:00`;
        }
      }
      if (variants.has('minimal-job') && isJob) delete node.video_url;
      if (variants.has('minimal-job') && typeof node.message === 'string' && node.success === true) node.message = 'ok';
      if (variants.has('extra-members') && isJob) node.metadata = { source: 'jobcert-variant' };
      if (variants.has('extra-members') && Array.isArray(node.events)) for (const e of node.events as Record<string, unknown>[]) e.unit = 'credits';
    });
    const top = body as Record<string, unknown>;
    const error = top.error as Record<string, unknown> | undefined;
    if (error && variants.has('param-pointer') && typeof error.param === 'string') error.param = `/${error.param.split('.').join('/')}`;
    if (variants.has('extra-members')) {
      if (error) Object.assign(error, { type: 'https://errors.example.com/jobcert', doc_url: 'https://docs.example.com/errors', details: [] });
      else top.links = { self: req.url.split('?', 1)[0] };
      if (Array.isArray(top.jobs)) top.has_more = false;
    }
    res.body = JSON.stringify(body);
  }
  if (isJson && variants.has('charset-variants')) res.headers['content-type'] = alternate++ % 2 === 0 ? 'application/json' : 'application/json;charset=UTF-8';
  if (variants.has('extra-members')) Object.assign(res.headers, { 'cache-control': 'no-store', 'server-timing': 'app;dur=1', 'x-powered-by': 'jobcert-variant' });
  if (variants.has('replayed-false') && req.method === 'POST' && res.headers['idempotent-replayed'] === undefined) res.headers['idempotent-replayed'] = 'false';
}
