// The extra-members-deep variant (SPEC §1: responses may carry members beyond
// those named, at any depth): every object of every JSON answer gets members
// SPEC does not name, of every JSON type, while every member SPEC names stays as
// it was and every answer still matches contracts/openapi.yaml.
import { describe, expect, it } from 'vitest';
import { checkResponse } from '../../contracts/conformance.js';
import { reshape } from '../../mocks/engine/presentation.js';
import type { MockResponse } from '../../mocks/engine/types.js';
import type { VariantName } from '../../mocks/engine/variants.js';
import { KEYS, setup, VIDEO, type Reply } from './harness.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const jsonType = (v: Json): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

const DEEP: VariantName[] = ['extra-members-deep'];
const FAILING_VIDEO = 'https://media.example.com/clips/fail.mp4?duration=5';

/** One answer of every kind the API gives, from an engine with the given variants. */
function tour(variants: VariantName[]): Record<string, { method: string; path: string; reply: Reply }> {
  const h = setup({ variants });
  const out: Record<string, { method: string; path: string; reply: Reply }> = {};
  const call = (name: string, method: string, path: string, opts: Parameters<typeof h.call>[2] = {}): Reply => {
    const reply = h.call(method, path, opts);
    out[name] = { method, path, reply };
    return reply;
  };
  const draft = call('create', 'POST', '/v1/jobs', { body: { video_url: VIDEO, auto_start: false, background: { type: 'color', color: [1, 2, 3] } } }).json.id as string;
  call('draft', 'GET', `/v1/jobs/${draft}`);
  call('start', 'POST', `/v1/jobs/${draft}/start`, { body: { composition: { foreground: { offset: { x: 5 } } } } });
  const failing = h.draft({ video_url: FAILING_VIDEO });
  h.start(failing);
  h.advance(5000);
  call('completed', 'GET', `/v1/jobs/${draft}`);
  call('failed', 'GET', `/v1/jobs/${failing}`);
  call('list', 'GET', '/v1/jobs?limit=1');
  call('events', 'GET', '/v1/usage/events');
  call('health', 'GET', '/health', { key: null });
  call('invalid', 'POST', `/v1/jobs/${draft}/start`, { body: { composition: { canvas: { width: 1 } } } });
  call('not-found', 'GET', '/v1/jobs/job_missing');
  call('unauthenticated', 'GET', '/v1/jobs', { key: null });
  call('not-startable', 'POST', `/v1/jobs/${draft}/start`, { body: {} });
  return out;
}

/** Every object node of a body with its JSON-pointer-like location. */
function objects(value: Json, where = ''): Array<[string, Obj]> {
  if (Array.isArray(value)) return value.flatMap((v, i) => objects(v, `${where}/${i}`));
  if (!isObj(value)) return [];
  return [[where || '/', value], ...Object.entries(value).flatMap(([k, v]) => objects(v, `${where}/${k}`))];
}

/** The observed value cut down to the members the reference value has, at every depth. */
function project(observed: Json, reference: Json): Json {
  if (Array.isArray(reference) && Array.isArray(observed)) return observed.map((v, i) => (i < reference.length ? project(v, reference[i]!) : v));
  if (isObj(reference) && isObj(observed)) return Object.fromEntries(Object.keys(reference).filter((k) => k in observed).map((k) => [k, project(observed[k]!, reference[k]!)]));
  return observed;
}

function at(body: Json, pointer: string): Obj {
  const found = objects(body).find(([w]) => w === pointer);
  if (!found) throw new Error(`no object at ${pointer}`);
  return found[1];
}

/** reshape() on a copy of a plain answer: the same answer, decorated. */
function decorate(method: string, path: string, reply: Reply, variants: VariantName[] = DEEP): Json {
  const res: MockResponse = { status: reply.status, headers: { ...reply.headers }, body: reply.text };
  reshape(res, { method, url: path }, new Set(variants));
  return JSON.parse(res.body as string) as Json;
}

describe('extra-members-deep (variants.ts)', () => {
  const plain = tour([]);
  const deep = tour(DEEP);

  it('§1: every object at every depth of every JSON answer carries members SPEC does not name', () => {
    for (const [name, { method, path, reply }] of Object.entries(plain)) {
      const decorated = decorate(method, path, reply);
      for (const [where, node] of objects(reply.json as Json)) {
        const extras = Object.keys(at(decorated, where)).filter((k) => !(k in node));
        expect(extras.length, `${name} ${where}`).toBeGreaterThan(0);
      }
    }
  });

  it('§1: never changes or removes a member SPEC names', () => {
    for (const [name, { method, path, reply }] of Object.entries(plain)) {
      for (const variants of [DEEP, ['extra-members-deep', 'extra-members'], ['extra-members-deep', 'minimal-job', 'rfc3339-offsets']] as VariantName[][]) {
        const decorated = decorate(method, path, reply, variants);
        const reference = variants.length === 1 ? reply.json as Json : decorate(method, path, reply, variants.filter((v) => v !== 'extra-members-deep'));
        expect(project(decorated, reference), `${name} with ${variants.join(', ')}`).toEqual(reference);
      }
    }
  });

  it('§1: decorating is idempotent, so a stored replay decorated again is unchanged', () => {
    for (const [name, { method, path, reply }] of Object.entries(deep)) {
      expect(decorate(method, path, { ...reply, text: JSON.stringify(reply.json) }), name).toEqual(reply.json);
    }
  });

  it('§1: the named depths get the named extras: history, background, composition, canvas, foreground, offset, job error', () => {
    const job = deep.completed!.reply.json as Obj;
    const history = job.history as Obj[];
    expect(history.length).toBe(3);
    for (const entry of history) expect(entry).toMatchObject({ actor: 'api', reason: null });
    expect(job.background).toMatchObject({ type: 'color', color: [1, 2, 3], source: 'request' });
    const composition = job.composition as Obj;
    expect(composition).toMatchObject({ version: 2 });
    expect(composition.canvas).toMatchObject({ width: 1920, height: 1080, unit: 'px' });
    expect(composition.foreground).toMatchObject({ anchor: 'center', scale: 1, rotation: 0 });
    expect((composition.foreground as Obj).offset).toMatchObject({ x: 5, y: 0, unit: 'px', dpi: 72 });
    const failed = deep.failed!.reply.json as Obj;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: expect.any(String), message: expect.any(String), retryable: true });
    expect((failed.history as Obj[]).at(-1)).toMatchObject({ status: 'failed', reason: 'processing_error' });
  });

  it('§1: envelopes get extras: list, usage, errors (top level and inside error), health, create and start answers', () => {
    expect(deep.list!.reply.json).toMatchObject({ jobs: [expect.objectContaining({ priority: 0 })], has_more: true, next_cursor: 'offset:1' });
    const events = deep.events!.reply.json as Obj;
    expect((events.events as Obj[]).length).toBeGreaterThan(0);
    for (const e of events.events as Obj[]) expect(e).toMatchObject({ type: 'charge', unit: 'credits' });
    expect(events).toMatchObject({ has_more: false, next_cursor: null });
    expect(deep.invalid!.reply.json).toMatchObject({ api_version: expect.any(String), error: { code: 'invalid_request', param: 'composition.canvas.width', param_path: ['composition', 'canvas', 'width'] } });
    for (const name of ['not-found', 'unauthenticated', 'not-startable']) expect(deep[name]!.reply.json, name).toMatchObject({ meta: { deprecated: false }, error: { severity: 'error' } });
    expect(deep.health!.reply.json).toMatchObject({ status: 'ok', version: expect.any(String) });
    expect(deep.create!.reply.json).toMatchObject({ success: true, status: 'created', job_url: expect.any(String) });
    expect(deep.start!.reply.json).toMatchObject({ success: true, status: 'processing', message: 'Job started', warnings: [] });
  });

  it('§1: the extras are of every JSON type: string, number, boolean, null, object, array', () => {
    const types = new Set<string>();
    for (const [name, { reply }] of Object.entries(deep)) {
      for (const [where, node] of objects(reply.json as Json)) {
        const reference = objects(plain[name]!.reply.json as Json).find(([w]) => w === where)?.[1] ?? {};
        for (const [k, v] of Object.entries(node)) if (!(k in reference)) types.add(jsonType(v));
      }
    }
    expect([...types].sort()).toEqual(['array', 'boolean', 'null', 'number', 'object', 'string']);
  });

  it('§1: every decorated answer still conforms to contracts/openapi.yaml', () => {
    for (const variants of [DEEP, ['extra-members-deep', 'extra-members', 'minimal-job']] as VariantName[][]) {
      for (const [name, { method, path, reply }] of Object.entries(tour(variants))) {
        expect(checkResponse({ method, path, status: reply.status, headers: reply.headers, body: reply.json, text: reply.text }), `${variants.join('+')}: ${name}`).toEqual([]);
      }
    }
  });

  it('IDEM-1 with §1: a replayed start carries the same extras as its original', () => {
    const h = setup({ variants: DEEP });
    const id = h.draft();
    const headers = { 'idempotency-key': 'deep-1' };
    const first = h.start(id, {}, { headers });
    const replay = h.start(id, {}, { headers });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json).toEqual(first.json);
    expect(h.call('GET', `/v1/jobs/${id}`, { key: KEYS.primary }).json.history).toHaveLength(2);
  });
});
