/**
 * Metamorphic properties: relations between requests rather than fixed
 * answers. VAL-5: spelling defaults out, leaving them out or reordering keys
 * stores the same composition. IDEM-1: a replay equals its original (status,
 * body, media type) and has no effect of its own.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { shapeOf, type Shape } from '../../contracts/fuzz/shape.js';
import { OPPOSITE, SPELLINGS, spell, stored, type Composition, type Size, type Spelling } from '../../contracts/fuzz/spellings.js';
import { jobOf, validOf, type Json } from '../../contracts/fuzz/valid.js';
import { NormalizedComposition, type CreateJobRequest, type StartJobRequest } from '../../contracts/schemas.js';
import { expectServed, settledCharges, statusesOf } from '../lib/api.js';
import type { Reply } from '../lib/client.js';
import { broken, fail } from '../lib/errors.js';
import { FUZZ_RULES } from './catalogue.js';
import { compact, type FuzzContext, type FuzzProperty } from './runner.js';
import { send } from './send.js';
import { policyOf, validPairs, videosOf } from './payloads.js';
import { strictestReading } from '../../contracts/policy.js';
import { replayMismatch } from '../../contracts/replay.js';
import { specNamed } from '../../contracts/conformance.js';

const startPath = (id: string): string => `/v1/jobs/${encodeURIComponent(id)}/start`;
const jobPath = (id: string): string => `/v1/jobs/${encodeURIComponent(id)}`;

export function compositionArb(): fc.Arbitrary<Composition> {
  const start = shapeOf('start') as Extract<Shape, { kind: 'object' }>;
  return validOf(start.props.composition as Shape, { videos: [] }, ['composition']) as fc.Arbitrary<Composition>;
}

export function normalizationProperty(ctx: FuzzContext): FuzzProperty<[Composition, Spelling]> {
  const { client, config } = ctx;
  const video = videosOf(config)[0] as string;
  let source: Size | undefined;
  let representationNoted = false;

  const draft = async (): Promise<string> => {
    const r = await send(client, 'POST', '/v1/jobs', { body: { video_url: video, auto_start: false } });
    expectServed(r, 'creating a draft');
    if (typeof r.json?.id !== 'string') broken('OBS-3', `POST /v1/jobs answered without a job id: ${r.text.slice(0, 160)}`);
    return r.json.id as string;
  };
  const read = async (id: string): Promise<Record<string, any>> => {
    const r = await send(client, 'GET', jobPath(id));
    expectServed(r, `reading job ${id}`);
    return r.json as Record<string, any>;
  };
  /** Starts a fresh draft with one spelling and reads back what it stored. */
  const storedFor = async (composition: Composition, how: Spelling): Promise<{ body: Record<string, Json>; stored: unknown }> => {
    const id = await draft();
    if (!source) {
      // A draft's stored composition is the normalized default (VAL-5): its canvas is the source's size.
      const canvas = (await read(id)).composition?.canvas;
      if (!Number.isInteger(canvas?.width) || !Number.isInteger(canvas?.height)) broken('VAL-5', `a draft's stored composition has no canvas size: ${compact(canvas)}`);
      source = { width: canvas.width as number, height: canvas.height as number };
    }
    const spelled = spell(composition, how, source);
    const body: Record<string, Json> = spelled === undefined ? { model: 'light' } : { model: 'light', composition: spelled };
    const r: Reply = await send(client, 'POST', startPath(id), { body });
    expectServed(r, `starting a draft with ${compact(body)}`);
    // What SPEC names of it: the stored composition may carry more members at any depth (§1), which neither prediction nor spelling decides.
    return { body, stored: specNamed('NormalizedComposition', (await read(id)).composition) };
  };

  return {
    check: 'fuzz.normalization', rules: FUZZ_RULES['fuzz.normalization'],
    arbitrary: fc.tuple(compositionArb(), fc.constantFrom(...SPELLINGS)),
    kind: ([, how]) => how,
    show: ([c, how]) => `composition ${compact(c)} spelled ${how} (and ${OPPOSITE[how]})`,
    async run([composition, how]) {
      const first = await storedFor(composition, how);
      if (!NormalizedComposition.safeParse(first.stored).success) {
        fail(`a start with ${compact(first.body)} stored the composition ${compact(first.stored)}, not a complete one (VAL-5: every member, omitted ones filled)`);
      }
      const predicted = stored(composition, source as Size);
      if (JSON.stringify(sorted(first.stored)) === JSON.stringify(sorted(predicted))) return;
      // Not what the defaults predict: a provider may store its own representation (say, rounded), but then the same for every spelling.
      const other = OPPOSITE[how];
      const second = await storedFor(composition, other);
      if (JSON.stringify(sorted(second.stored)) !== JSON.stringify(sorted(first.stored))) {
        fail(`two spellings of one composition were stored differently: ${compact(first.body)} → ${compact(first.stored)}, but ${compact(second.body)} → ${compact(second.stored)} (VAL-5; the defaults predict ${compact(predicted)})`);
      }
      if (!representationNoted) {
        representationNoted = true;
        ctx.note(`the stored composition differs from the values sent (${compact(first.stored)} for ${compact(predicted)}), the same for every spelling`);
      }
    },
  };
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
  return v;
}

/** What a replay may differ in: only its per-response headers (request id, date, rate-limit state); the media type is compared without parameters. */
const mediaType = (r: Reply): string => (r.headers.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';

type ReplayCase = { kind: 'create'; create: CreateJobRequest } | { kind: 'start'; create: CreateJobRequest; start: StartJobRequest };

export function replayProperty(ctx: FuzzContext): FuzzProperty<ReplayCase> {
  const { client, config } = ctx;
  // Pairs every reading accepts: a replay is judged here, not VAL-3's choice for pro drafts.
  const policy = strictestReading(policyOf(config));
  const pairs = validPairs(config, policy);
  const arbitrary: fc.Arbitrary<ReplayCase> = fc.tuple(pairs, fc.boolean()).map(([[c, s], keyedStart]) =>
    keyedStart && c.auto_start === false ? { kind: 'start', create: c, start: s } : { kind: 'create', create: { ...c, auto_start: false } });
  const same = (first: Reply, again: Reply, what: string): void => {
    const mismatch = replayMismatch(first, again);
    if (mismatch?.rule === 'IDEM-1') fail(`${what}: ${mismatch.message}`);
    if (mismatch) broken(mismatch.rule, `${what}: ${mismatch.message}`);
    if (mediaType(again) !== mediaType(first)) fail(`${what}: the replay is ${mediaType(again)}, the original ${mediaType(first)}`);
    if (again.headers.get('idempotent-replayed') !== 'true') fail(`${what}: the replay carries Idempotent-Replayed ${JSON.stringify(again.headers.get('idempotent-replayed'))}, not true`);
  };
  return {
    check: 'fuzz.replay', rules: FUZZ_RULES['fuzz.replay'],
    arbitrary,
    kind: (c) => `${c.kind}s`,
    show: (c) => (c.kind === 'create' ? `POST /v1/jobs ${compact(c.create)} twice with one Idempotency-Key` : `a draft ${compact(c.create)}, then POST /v1/jobs/{id}/start ${compact(c.start)} twice with one Idempotency-Key`),
    async run(c) {
      const headers = { 'Idempotency-Key': `jobcert-fuzz-${randomUUID()}` };
      if (c.kind === 'create') {
        const first = await send(client, 'POST', '/v1/jobs', { body: c.create, headers });
        expectServed(first, `POST /v1/jobs ${compact(c.create)}`);
        same(first, await send(client, 'POST', '/v1/jobs', { body: c.create, headers }), `POST /v1/jobs ${compact(c.create)} with one Idempotency-Key`);
        return;
      }
      if (!jobOf(c.create, policy)) return;
      const draft = await send(client, 'POST', '/v1/jobs', { body: c.create });
      expectServed(draft, `POST /v1/jobs ${compact(c.create)}`);
      const id = draft.json?.id as string;
      const first = await send(client, 'POST', startPath(id), { body: c.start, headers });
      expectServed(first, `POST /v1/jobs/{id}/start ${compact(c.start)}`);
      same(first, await send(client, 'POST', startPath(id), { body: c.start, headers }), `POST /v1/jobs/{id}/start ${compact(c.start)} with one Idempotency-Key`);
      const job = await send(client, 'GET', jobPath(id));
      expectServed(job, `reading job ${id}`);
      const runs = statusesOf(job.json as Record<string, unknown>).filter((s) => s === 'processing').length;
      if (runs !== 1) fail(`after a start and its replay the job's history has ${runs} processing transitions (${statusesOf(job.json as Record<string, unknown>).join(' → ')}): the replay started it again`);
      // A charge may come when the run ends (charge timing, contracts/choices.ts): a second one is seen at once, a missing one only then.
      const charges = await settledCharges(client, id, config.jobTimeoutS);
      if (charges.length !== 1) fail(`after a start and its replay the job has ${charges.length} charge events once its run ended: ${charges.length > 1 ? 'the replay charged again' : 'one start must be charged once'}`);
    },
  };
}
