/**
 * The payload properties: valid bodies are accepted, invalid ones get exactly
 * the status, code and `error.param` the contract promises, raw breakage gets
 * 400/415 in the error envelope, and a rejected start changes nothing.
 */
import fc from 'fast-check';
import { invalidCase, type InvalidCase } from '../../contracts/fuzz/invalid.js';
import { expectCreate, expectStart, type Expected } from '../../contracts/fuzz/oracle.js';
import { CODE_OF_STATUS, rawCase, type RawCase } from '../../contracts/fuzz/raw.js';
import { shapeOf, type Shape } from '../../contracts/fuzz/shape.js';
import { jobOf, OMIT, repairStart, startBody, validCreate, validOf } from '../../contracts/fuzz/valid.js';
import { strictestReading, type PolicyOptions } from '../../contracts/policy.js';
import type { CreateJobRequest, StartJobRequest } from '../../contracts/schemas.js';
import { specNamed } from '../../contracts/conformance.js';
import { spec } from '../../contracts/spec.js';
import { expectServed } from '../lib/api.js';
import type { Reply } from '../lib/client.js';
import type { KeyRole, RunConfig } from '../lib/config.js';
import { broken, fail } from '../lib/errors.js';
import { DraftPool, payloadKey } from './drafts.js';
import { FUZZ_RULES } from './catalogue.js';
import { compact, type FuzzContext, type FuzzProperty } from './runner.js';
import { codeSaid, judge, noServerError, send, wellFormedError } from './send.js';

export const policyOf = (config: RunConfig): PolicyOptions => ({ requirePromptForPro: config.promptPolicy !== 'off' });
export const videosOf = (config: RunConfig): string[] => config.videos.map((v) => v.url);
const startPath = (id: string): string => `/v1/jobs/${encodeURIComponent(id)}/start`;

const often = <T>(arb: fc.Arbitrary<T>, weight: number): fc.Arbitrary<T | typeof OMIT> =>
  fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(OMIT), weight: 1 }, { arbitrary: arb, weight });

/**
 * Valid create bodies, most of them drafts (`auto_start: false`) so a valid
 * start body follows, and most starts with a composition, where most of the
 * shapes are (each leaf present or not).
 */
export function validPairs(config: RunConfig, policy: PolicyOptions = policyOf(config)): fc.Arbitrary<[CreateJobRequest, StartJobRequest]> {
  const videos = videosOf(config);
  const autoStart = fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }, { arbitrary: fc.constant(OMIT), weight: 1 });
  const composition = often(validOf((shapeOf('start') as Extract<Shape, { kind: 'object' }>).props.composition as Shape, { videos }, ['composition']), 4);
  return fc.tuple(validCreate({ videos, overrides: { auto_start: autoStart } }, policy), startBody({ videos, overrides: { composition } }))
    .map(([c, s]): [CreateJobRequest, StartJobRequest | undefined] => [c, c.auto_start === false ? repairStart(jobOf(c, policy), s, policy) : s])
    .filter((pair): pair is [CreateJobRequest, StartJobRequest] => pair[1] !== undefined);
}

/** A valid pair with what the contract promises for each body, predicted as the case is drawn (with the other cases, not between requests). */
type ValidCase = [CreateJobRequest, StartJobRequest, { create: Expected; start?: Expected }];

export function validProperty(ctx: FuzzContext): FuzzProperty<ValidCase> {
  const { client, config } = ctx;
  const policy = policyOf(config);
  return {
    check: 'fuzz.valid', rules: FUZZ_RULES['fuzz.valid'],
    arbitrary: validPairs(config).map(([c, s]): ValidCase => [c, s, {
      create: expectCreate(c, policy), ...(c.auto_start === false ? { start: expectStart(s, jobOf(c, policy), policy) } : {}),
    }]),
    kind: ([c]) => (c.auto_start === false ? 'drafts started' : 'created and started at once'),
    show: ([c, s]) => (c.auto_start === false ? `POST /v1/jobs ${compact(c)}, then POST /v1/jobs/{id}/start ${compact(s)}` : `POST /v1/jobs ${compact(c)}`),
    async run([c, s, expected]) {
      const created = await send(client, 'POST', '/v1/jobs', { body: c });
      judge(created, expected.create, () => `POST /v1/jobs ${compact(c)}`);
      // A draft refused under a reading SPEC allows (VAL-3's pro draft) has no start to judge.
      if (expected.start === undefined || created.status >= 300) return;
      if (typeof created.json?.id !== 'string') broken('OBS-3', `POST /v1/jobs answered without a job id: ${created.text.slice(0, 160)}`);
      const started = await send(client, 'POST', startPath(created.json.id as string), { body: s });
      judge(started, expected.start, () => `POST /v1/jobs/{id}/start ${compact(s)} on a draft created with ${compact(c)}`);
    },
  };
}

export function invalidProperty(ctx: FuzzContext): FuzzProperty<InvalidCase> {
  const { client, config } = ctx;
  const key = payloadKey(config.keys);
  const drafts = new DraftPool(client, key);
  return {
    check: 'fuzz.invalid', rules: FUZZ_RULES['fuzz.invalid'],
    arbitrary: invalidCase({ videos: videosOf(config), policy: policyOf(config) }),
    kind: (c) => `${c.kind} bodies`,
    show: (c) => `${c.kind === 'create' ? 'POST /v1/jobs' : `POST /v1/jobs/{id}/start on a draft ${compact(c.draft)} with`} ${compact(c.body)} (${c.mutation}); expected ${c.expected.status}${c.expected.code ? ` ${c.expected.code}` : ''}${c.expected.params ? ` naming ${c.expected.params.slice(0, 2).join(' or ')}` : ''} (${c.expected.rule})`,
    async run(c) {
      if (c.kind === 'create') {
        judge(await send(client, 'POST', '/v1/jobs', { body: c.body, key }), c.expected, () => `POST /v1/jobs ${compact(c.body)} (${c.mutation})`);
        return;
      }
      const draft = c.draft as CreateJobRequest;
      const r = await send(client, 'POST', startPath(await drafts.get(draft)), { body: c.body, key });
      if (r.status >= 200 && r.status < 300) drafts.consumed(draft);
      judge(r, c.expected, () => `POST /v1/jobs/{id}/start ${compact(c.body)} (${c.mutation})`);
    },
  };
}

/** Shell-quoted bytes for a report: printable ASCII as is, the rest as \xNN (printf reads it back). */
export function printable(body: string | Uint8Array): string {
  const raw = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const shown = [...raw.subarray(0, 300)].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x5c && b !== 0x25 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
  return `${shown}${raw.byteLength > 300 ? `…(${raw.byteLength} bytes)` : ''}`;
}

export function rawProperty(ctx: FuzzContext): FuzzProperty<RawCase> {
  const { client, config } = ctx;
  const key = payloadKey(config.keys);
  const drafts = new DraftPool(client, key);
  const draft = { video_url: videosOf(config)[0] as string, auto_start: false } as CreateJobRequest;
  // Bodies every reading accepts: raw breakage is judged here, not VAL-3's choice for pro drafts.
  const bodies = validCreate({ videos: videosOf(config), overrides: { auto_start: fc.constant(false) } }, strictestReading(policyOf(config)));
  return {
    check: 'fuzz.raw', rules: FUZZ_RULES['fuzz.raw'],
    arbitrary: rawCase(bodies),
    kind: (c) => `${c.endpoint === 'create' ? 'creates' : 'starts'}`,
    show: (c) => `POST ${c.endpoint === 'create' ? '/v1/jobs' : '/v1/jobs/{id}/start'} with ${c.template.describe} (${c.template.id}), Content-Type ${c.payload.contentType ?? 'none'}, body bytes: ${printable(c.payload.body)}; allowed ${c.template.statuses.join(' or ')}`,
    async run(c) {
      const path = c.endpoint === 'create' ? '/v1/jobs' : startPath(await drafts.get(draft));
      // Without a Content-Type a string body would get fetch's text/plain: bytes go as they are.
      const raw = c.payload.contentType === null && typeof c.payload.body === 'string' ? new TextEncoder().encode(c.payload.body) : c.payload.body;
      const r: Reply = await send(client, 'POST', path, { raw, contentType: c.payload.contentType, key });
      if (c.endpoint === 'start' && r.status < 300) drafts.consumed(draft);
      const what = `POST ${c.endpoint === 'create' ? '/v1/jobs' : '/v1/jobs/{id}/start'} with ${c.template.describe}`;
      noServerError(r, what);
      if (!c.template.statuses.includes(r.status)) broken(c.template.rule, `${what}: expected ${c.template.statuses.join(' or ')}, got ${r.status}${codeSaid(r)}: ${r.text.slice(0, 160)}`);
      if (r.status < 400) return;
      const e = wellFormedError(r, what);
      const code = CODE_OF_STATUS[r.status];
      if (code && e.code !== code) broken(c.template.rule, `${what}: ${r.status} must carry ${code}, got ${e.code}`);
    },
  };
}

/** The members of a job SPEC names (openapi.yaml's Job), at every depth: a rejected start must leave every one as it was; members SPEC does not name may change. */
const JOB_MEMBERS = Object.keys((spec.components.schemas.Job as { properties: Record<string, unknown> }).properties);
const pick = (job: Record<string, unknown>): Record<string, unknown> => specNamed('Job', job) as Record<string, unknown>;

function differences(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return JOB_MEMBERS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => `${k}: ${compact(before[k], 120)} → ${compact(after[k], 120)}`);
}

export function rejectedProperty(ctx: FuzzContext): FuzzProperty<InvalidCase> {
  const { client, config } = ctx;
  const key: KeyRole = 'primary';
  const drafts = new DraftPool(client, key);
  const snapshots = new Map<string, Record<string, unknown>>();
  const read = async (id: string): Promise<Record<string, unknown>> => {
    const r = await send(client, 'GET', `/v1/jobs/${encodeURIComponent(id)}`, { key });
    expectServed(r, `reading job ${id}`);
    return pick(r.json as Record<string, unknown>);
  };
  return {
    check: 'fuzz.rejected-unchanged', rules: FUZZ_RULES['fuzz.rejected-unchanged'],
    arbitrary: invalidCase({ videos: videosOf(config), policy: policyOf(config), startShare: 1 }),
    kind: (c) => (c.expected.rule === 'VAL-1' ? 'refused by the schema' : 'refused by the policy'),
    show: (c) => `POST /v1/jobs/{id}/start ${compact(c.body)} (${c.mutation}) on a draft ${compact(c.draft)}, then GET /v1/jobs/{id}`,
    async run(c) {
      const draft = c.draft as CreateJobRequest;
      const id = await drafts.get(draft);
      const before = snapshots.get(id) ?? await read(id);
      snapshots.set(id, before);
      const r = await send(client, 'POST', startPath(id), { body: c.body, key });
      if (r.status < 300) {
        drafts.consumed(draft);
        broken(c.expected.rule, `the start ${compact(c.body)} (${c.mutation}) was accepted (${r.status}), so nothing was rejected`);
      }
      noServerError(r, () => `POST /v1/jobs/{id}/start ${compact(c.body)}`);
      const after = await read(id);
      const changed = differences(before, after);
      if (changed.length > 0) {
        snapshots.delete(id);
        drafts.consumed(draft);
        fail(`a start rejected with ${r.status}${codeSaid(r)} (${c.mutation}) changed the job: ${changed.join('; ')}`);
      }
    },
  };
}
