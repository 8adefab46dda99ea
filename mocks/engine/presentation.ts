/**
 * How the variants that only change the *form* of a response are applied:
 * extra members, fewer optional members, another param syntax, another time
 * format, other content-type spellings, extra headers. One pass over the
 * finished response, so the routes stay as they are and the default path costs
 * nothing (the mock's throughput is benchmarked).
 */
import type { MockResponse } from './types.js';
import type { VariantName } from './variants.js';

const RESHAPING: readonly VariantName[] = ['extra-members', 'extra-members-deep', 'minimal-job', 'param-pointer', 'rfc3339-offsets', 'charset-variants', 'replayed-false'];

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

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * extra-members-deep: members SPEC does not name at every depth, of every JSON
 * type (string, number, boolean, null, object, array). Each is a pure function
 * of the body it decorates, and decorating twice changes nothing, so a replay
 * (IDEM-1: the first response's body) carries the same extras as its original.
 * No extra repeats a request id: a replayed error gets a new one (OBS-2), and an
 * extra copying it would make the replay differ from the original elsewhere.
 */
/** Adds only members the node lacks: neither SPEC's members nor another variant's extras are changed. */
function add(node: Node, extras: Node): void {
  for (const [k, v] of Object.entries(extras)) if (!Object.hasOwn(node, k)) node[k] = v;
}

function deepen(top: Node): void {
  // A failed job has an `error` member too: it is a job, not an error envelope.
  if (Array.isArray(top.history) && typeof top.status === 'string') {
    deepenJob(top);
    return;
  }
  if (isNode(top.error)) {
    const error = top.error;
    add(error, { severity: 'error', hint: null, retryable: error.code === 'rate_limited' });
    if (typeof error.param === 'string') error.param_path = error.param.split(/[./]/).filter((s) => s.length > 0);
    add(top, { api_version: '2026-01-01', status_code: null, meta: { deprecated: false } });
    return;
  }
  if (Array.isArray(top.jobs)) {
    for (const job of top.jobs) if (isNode(job)) deepenJob(job);
    const end = Number(top.offset) + top.jobs.length;
    const more = end < Number(top.total);
    add(top, { has_more: more, next_cursor: more ? `offset:${end}` : null, filters: {}, page: [Number(top.offset), end] });
    return;
  }
  if (Array.isArray(top.events)) {
    top.events.forEach((event, i) => {
      if (isNode(event)) add(event, { unit: 'credits', refundable: false, sequence: i, description: null, line_items: [{ kind: 'minutes' }], meta: { source: 'jobcert-variant' } });
    });
    add(top, { has_more: false, next_cursor: null, count: top.events.length, summary: { currency: 'credits' }, filters: [] });
    return;
  }
  if (top.success === true) {
    add(top, { job_url: `/v1/jobs/${encodeURIComponent(String(top.id))}`, estimated_seconds: 10, queued: top.status === 'processing', warnings: [], queue: null, job: { id: top.id } });
    return;
  }
  if (top.status === 'ok') add(top, { version: '1.4.2', uptime_seconds: 3600, degraded: false, checks: { database: 'ok' }, regions: ['local'], maintenance: null });
}

function deepenJob(job: Node): void {
  add(job, { priority: 0, archived: false, tags: ['jobcert'], project: null, usage: { unit: 'credits' } });
  if (Array.isArray(job.history)) {
    job.history.forEach((entry, i) => {
      if (isNode(entry)) add(entry, { actor: 'api', reason: entry.status === 'failed' ? 'processing_error' : null, sequence: i, automatic: entry.status !== 'created', trace: { span: `s${i}` }, notes: [] });
    });
  }
  if (isNode(job.background)) add(job.background, { source: 'request', opacity: 1, resolved: true, meta: { version: 1 }, layers: [], blur: null });
  const composition = job.composition;
  if (isNode(composition)) {
    add(composition, { version: 2, fit: null, locked: false, guides: [], meta: { normalized: true } });
    if (isNode(composition.canvas)) add(composition.canvas, { unit: 'px', aspect: [16, 9], dpi: 72, color_space: null, transparent: true, meta: {} });
    const foreground = composition.foreground;
    if (isNode(foreground)) {
      add(foreground, { rotation: 0, mask: null, flip: false, crop: { top: 0 }, effects: [], label: 'subject' });
      if (isNode(foreground.offset)) add(foreground.offset, { unit: 'px', dpi: 72, relative: false, origin: null, bounds: [-7680, 7680], meta: { source: 'jobcert-variant' } });
    }
  }
  if (isNode(job.error)) add(job.error, { retryable: true, stage: 'decode', details: { frames: 0 }, causes: [], doc_url: null, attempt: 1 });
}

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
    if (variants.has('extra-members-deep')) deepen(top);
    res.body = JSON.stringify(body);
  }
  if (isJson && variants.has('charset-variants')) res.headers['content-type'] = alternate++ % 2 === 0 ? 'application/json' : 'application/json;charset=UTF-8';
  if (variants.has('extra-members')) Object.assign(res.headers, { 'cache-control': 'no-store', 'server-timing': 'app;dur=1', 'x-powered-by': 'jobcert-variant' });
  if (variants.has('replayed-false') && req.method === 'POST' && res.headers['idempotent-replayed'] === undefined) res.headers['idempotent-replayed'] = 'false';
}
