// The FUZZ family's generators cannot drift from the contract: they are read
// from openapi.yaml, every valid body passes ajv, zod and the policy, every
// targeted violation is one the contract refuses, and the outcome the oracle
// predicts for each case is exactly what the mock (which enforces the same
// contract) answers. The raw breakage templates allow what the mock answers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validatorFor } from '../../contracts/ajv.js';
import { historyProblem, type ModelJob } from '../../contracts/fuzz/lifecycle.js';
import { invalidCase, mutationsOf, type InvalidCase } from '../../contracts/fuzz/invalid.js';
import { expectCreate, expectStart, outcomesOf, type Expected } from '../../contracts/fuzz/oracle.js';
import { namesField } from '../../contracts/fuzz/param.js';
import { RAW_TEMPLATES, rawCase } from '../../contracts/fuzz/raw.js';
import { shapeOf, walk, type Shape } from '../../contracts/fuzz/shape.js';
import { SPELLINGS, spell, stored, type Composition } from '../../contracts/fuzz/spellings.js';
import { jobOf, validCreate, validOf, validStartFor } from '../../contracts/fuzz/valid.js';
import { DEFAULT_POLICY, normalizeComposition, resolveCreate, resolveStart } from '../../contracts/policy.js';
import { CreateJobRequest, StartJobRequest } from '../../contracts/schemas.js';
import { spec } from '../../contracts/spec.js';
import { setup, VIDEO } from '../mock/harness.js';

const videos = [VIDEO];
const opts = { videos };
const SOURCE = { width: 1920, height: 1080 };
const leaves = (kind: 'create' | 'start'): string[] => walk(shapeOf(kind)).filter((l) => l.path.length > 0).map((l) => l.path.join('.'));

describe('the shape tree is read from openapi.yaml', () => {
  it('has every member of the request schemas, with the spec\'s bounds and enums', () => {
    for (const [kind, name] of [['create', 'CreateJobRequest'], ['start', 'StartJobRequest']] as const) {
      const shape = shapeOf(kind) as Extract<Shape, { kind: 'object' }>;
      expect(Object.keys(shape.props).sort()).toEqual(Object.keys((spec.components.schemas[name] as { properties: object }).properties).sort());
      expect(shape.closed).toBe(true);
    }
    const canvas = (spec.components.schemas.Canvas as { properties: { width: { minimum: number; maximum: number } } }).properties.width;
    const width = walk(shapeOf('start')).find((l) => l.path.join('.') === 'composition.canvas.width')?.shape;
    expect(width).toMatchObject({ kind: 'integer', min: canvas.minimum, max: canvas.maximum });
    expect(leaves('start')).toEqual(expect.arrayContaining(['composition.foreground.offset.y', 'background.color.0', 'background.image_url', 'preview_duration']));
  });
});

describe('valid bodies', () => {
  const creates = fc.sample(validCreate(opts), { numRuns: 1500, seed: 11 });
  const draft = { video_url: VIDEO, auto_start: false };
  const starts = fc.sample(validStartFor(jobOf(draft), opts), { numRuns: 1500, seed: 12 });

  it('pass ajv, zod and the policy', () => {
    for (const b of creates) {
      expect(validatorFor('CreateJobRequest')(b), JSON.stringify(b)).toBe(true);
      expect(CreateJobRequest.safeParse(b).success).toBe(true);
      expect(resolveCreate(b).violation).toBeUndefined();
    }
    for (const b of starts) {
      expect(validatorFor('StartJobRequest')(b), JSON.stringify(b)).toBe(true);
      expect(StartJobRequest.safeParse(b).success).toBe(true);
      expect(resolveStart(jobOf(draft), b, SOURCE).violation).toBeUndefined();
    }
  });

  it('cover every enum value, both bounds of every number, every composition leaf present and left out, unicode prompts and 2048-character URLs', () => {
    const seen = (bodies: unknown[], path: string): unknown[] => bodies.map((b) => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), b));
    for (const l of walk(shapeOf('start'))) {
      if (l.shape.kind === 'enum' && l.branches.length === 0) expect(new Set(seen(starts, l.path.join('.'))), l.path.join('.')).toEqual(new Set([...l.shape.values, undefined]));
      if ((l.shape.kind === 'integer' || l.shape.kind === 'number') && l.branches.length === 0) {
        const values = seen(starts, l.path.join('.'));
        expect(values, `${l.path.join('.')} at its maximum`).toContain(l.shape.max);
        expect(values, `${l.path.join('.')} left out`).toContain(undefined);
        if (l.shape.kind === 'integer') expect(values, `${l.path.join('.')} at its minimum`).toContain(l.shape.min);
      }
    }
    const compositions = starts.map((s) => s.composition).filter((c): c is Composition => c !== undefined);
    // Each leaf present or left out on its own (SPEC §1): every combination of a canvas's and an offset's members, and of a foreground's.
    const keysOf = (o: object | undefined): string => (o === undefined ? '-' : Object.keys(o).sort().join('+'));
    expect([...new Set(compositions.map((c) => keysOf(c.canvas)))].sort()).toEqual(['', '-', 'height', 'height+width', 'width']);
    expect([...new Set(compositions.map((c) => keysOf(c.foreground?.offset)))].sort()).toEqual(['', '-', 'x', 'x+y', 'y']);
    expect(new Set(compositions.map((c) => keysOf(c.foreground))).size).toBe(9);
    expect(creates.some((c) => c.text_prompt !== undefined && /[^\x00-\x7f]/.test(c.text_prompt)), 'a unicode prompt').toBe(true);
    expect(creates.some((c) => c.video_url.length === 2048) || creates.some((c) => (c.webhook_url ?? '').length === 2048), 'a URL of the maximum length').toBe(true);
    expect(new Set(creates.map((c) => c.background?.type)).size).toBe(4);
  });

  it('the mock accepts every one of them (the oracle says 200 and so does the provider the contract describes)', () => {
    const h = setup();
    for (const b of creates.slice(0, 300)) {
      expect(expectCreate(b).status).toBe(200);
      expect(h.call('POST', '/v1/jobs', { body: { ...b, auto_start: false } }).status, JSON.stringify(b)).toBe(200);
    }
    for (const b of starts.slice(0, 300)) {
      expect(expectStart(b, jobOf(draft)).status).toBe(200);
      expect(h.start(h.draft(), b).status, JSON.stringify(b)).toBe(200);
    }
  });
});

describe('targeted violations', () => {
  it('exist for every member: null and wrong types, both bounds, unknown members of every object, every required member, every enum, the policy', () => {
    for (const kind of ['create', 'start'] as const) {
      const ids = new Set(mutationsOf(kind, DEFAULT_POLICY, videos).map((m) => m.id));
      for (const l of walk(shapeOf(kind))) {
        const at = l.path.join('.');
        if (l.path.length > 0 && l.shape.kind !== 'oneOf') expect(ids.has(`${kind} ${at} null`), `${kind} ${at} null`).toBe(true);
        if (l.shape.kind === 'integer' || l.shape.kind === 'number') for (const op of ['below-min', 'above-max']) expect(ids.has(`${kind} ${at} ${op}`), `${kind} ${at} ${op}`).toBe(true);
        if (l.shape.kind === 'enum') expect(ids.has(`${kind} ${at} unknown`), `${kind} ${at} unknown`).toBe(true);
        if (l.shape.kind === 'object' && l.shape.closed) expect(ids.has(`${kind} ${[...l.path, 'extra'].join('.')} unknown-extra`), `${kind} ${at}.extra`).toBe(true);
        if (l.shape.kind === 'object') for (const r of l.shape.required) expect(ids.has(`${kind} ${[...l.path, r].join('.')} missing`), `${kind} ${at}.${r} missing`).toBe(true);
      }
    }
    const policy = mutationsOf('start', DEFAULT_POLICY, videos).filter((m) => m.category === 'policy').map((m) => m.describe);
    expect(policy).toEqual(expect.arrayContaining(['model pro without a text_prompt (VAL-3)', 'text_prompt with model light (VAL-2)', 'background transparent on a mp4 draft (VAL-4)']));
    // Without the prompt policy, pro without a prompt is no violation.
    expect(mutationsOf('start', { requirePromptForPro: false }, videos).some((m) => /VAL-3/.test(m.describe))).toBe(false);
  });

  it('each is refused by the contract, and the mock answers exactly what the oracle predicts: status, code and a param naming the field', () => {
    const cases: InvalidCase[] = fc.sample(invalidCase({ videos, startShare: 0.7 }), { numRuns: 1200, seed: 21 });
    const h = setup();
    const drafts = new Map<string, string>();
    const rules = new Set<string>();
    for (const c of cases) {
      expect(c.expected.status, c.mutation).not.toBe(200);
      const schema = validatorFor(c.kind === 'create' ? 'CreateJobRequest' : 'StartJobRequest');
      if (c.expected.rule === 'VAL-1') expect((c.kind === 'create' ? CreateJobRequest : StartJobRequest).safeParse(c.body).success, `zod agrees: ${c.mutation}`).toBe(false);
      else expect(schema(c.body), `only the policy refuses it: ${c.mutation}`).toBe(true);
      rules.add(c.expected.rule);
      let r;
      if (c.kind === 'create') r = h.call('POST', '/v1/jobs', { body: c.body });
      else {
        const key = JSON.stringify(c.draft);
        const id = drafts.get(key) ?? h.draft(c.draft as Record<string, unknown>);
        drafts.set(key, id);
        r = h.start(id, c.body);
      }
      const label = `${c.kind} ${JSON.stringify(c.body).slice(0, 200)} (${c.mutation})`;
      expect([r.status, r.json?.error?.code], label).toEqual([c.expected.status, c.expected.code]);
      if (c.expected.params) expect(c.expected.params.some((p) => namesField(r.json.error.param, p)), `${label}: param ${r.json.error.param} vs ${c.expected.params.join(', ')}`).toBe(true);
    }
    expect([...rules].sort()).toEqual(['VAL-1', 'VAL-2', 'VAL-3', 'VAL-4']);
  });
});

describe('choices SPEC leaves open (contracts/choices.ts): the oracle predicts the set', () => {
  const matches = (r: { status: number; json?: { error?: { code?: string; param?: unknown } } }, e: Expected): boolean =>
    r.status === e.status && (e.code === undefined || r.json?.error?.code === e.code) && (!e.params || e.params.some((p) => namesField(r.json?.error?.param, p)));

  it('VAL-3: a pro draft without a prompt may be accepted or refused (400 invalid_request naming text_prompt); with a prompt, only accepted', () => {
    const draft = { video_url: VIDEO, model: 'pro', auto_start: false } as CreateJobRequest;
    const e = expectCreate(draft);
    expect(outcomesOf(e).map((o) => [o.status, o.code ?? null, o.rule])).toEqual([[200, null, 'VAL-1'], [400, 'invalid_request', 'VAL-3']]);
    expect(e.alternatives?.[0]?.choice).toBe('VAL-3 pro draft without a prompt');
    expect(outcomesOf(expectCreate({ ...draft, text_prompt: 'person' }))).toHaveLength(1);
    expect(outcomesOf(expectCreate(draft, { requirePromptForPro: false }))).toHaveLength(1);
    // A body one violation away from that base may be refused for either fault.
    expect(expectCreate({ ...draft, output_format: 'avi' } as unknown as CreateJobRequest).params).toEqual(expect.arrayContaining(['output_format', 'text_prompt']));
  });

  it('every answer of the mock and of the variant that takes the other side is in the predicted set, and both sides are taken', () => {
    const creates = fc.sample(validCreate({ videos, overrides: { auto_start: fc.constant(false) } }), { numRuns: 400, seed: 51 });
    const invalid = fc.sample(invalidCase({ videos, startShare: 0 }), { numRuns: 600, seed: 52 });
    const taken = new Set<string>();
    for (const variants of [[], ['pro-draft-rejected']]) {
      const h = setup({ variants });
      for (const body of [...creates, ...invalid.map((c) => c.body as CreateJobRequest)]) {
        const e = expectCreate(body);
        const r = h.call('POST', '/v1/jobs', { body });
        const hit = outcomesOf(e).find((o) => matches(r, o));
        expect(hit, `${variants.join('+') || 'the mock'}: ${JSON.stringify(body).slice(0, 160)} got ${r.status} ${r.text.slice(0, 120)}; predicted ${outcomesOf(e).map((o) => o.status).join(' or ')}`).toBeDefined();
        if (e.alternatives) taken.add(hit === e ? 'main' : 'alternative');
      }
    }
    expect([...taken].sort()).toEqual(['alternative', 'main']);
  });
});

describe('raw breakage', () => {
  it('every template gets an answer it allows from the mock, on create and (where it may go there) on start', () => {
    const h = setup();
    const id = h.draft();
    const samples = fc.sample(rawCase(validCreate({ videos, overrides: { auto_start: fc.constant(false) } })), { numRuns: 600, seed: 31 });
    const seen = new Set<string>();
    for (const c of samples) {
      seen.add(c.template.id);
      const headers: Record<string, string> = c.payload.contentType === null ? {} : { 'content-type': c.payload.contentType };
      const r = h.call('POST', c.endpoint === 'create' ? '/v1/jobs' : `/v1/jobs/${id}/start`, { raw: c.payload.body, headers });
      expect(c.template.statuses, `${c.template.id} on ${c.endpoint}: ${r.status} ${r.text.slice(0, 120)}`).toContain(r.status);
    }
    expect(h.job(id).json.status, 'no raw case started the shared draft').toBe('created');
    expect([...seen].sort()).toEqual(RAW_TEMPLATES.map((t) => t.id).sort());
  });
});

describe('spellings of a composition (VAL-5)', () => {
  it('every spelling normalizes to the same stored composition', () => {
    const compositions = fc.sample(validOf((shapeOf('start') as Extract<Shape, { kind: 'object' }>).props.composition as Shape, opts) as fc.Arbitrary<Composition>, { numRuns: 500, seed: 41 });
    for (const c of compositions) {
      const want = stored(c, SOURCE);
      for (const how of SPELLINGS) expect(normalizeComposition(spell(c, how, SOURCE) as Composition | undefined, SOURCE), `${how} of ${JSON.stringify(c)}`).toEqual(want);
    }
  });
});

describe('the lifecycle model (LIFE-1, LIFE-4)', () => {
  const job = (charges: number, source: 'ok' | 'failing' = 'failing'): ModelJob => ({ id: 'j', owner: 'primary', source, model: 'original', phase: 'running', charges: Array.from({ length: charges }, () => 1) });
  it('accepts the histories SPEC allows and names the rule each wrong one breaks', () => {
    expect(historyProblem(job(2), ['created', 'processing', 'failed', 'processing'], 'processing')).toBeUndefined();
    expect(historyProblem(job(2), ['created', 'processing', 'failed', 'processing', 'failed'], 'failed')).toBeUndefined();
    expect(historyProblem(job(1, 'ok'), ['created', 'completed'], 'completed')?.rule).toBe('LIFE-1');
    expect(historyProblem(job(1, 'ok'), ['created', 'processing', 'completed', 'completed'], 'completed')?.rule).toBe('LIFE-4');
    expect(historyProblem(job(1), ['created', 'processing', 'processing'], 'processing')?.rule).toBe('LIFE-4');
    expect(historyProblem(job(1, 'ok'), ['created', 'processing', 'failed'], 'failed')?.rule).toBe('LIFE-1');
  });
});
