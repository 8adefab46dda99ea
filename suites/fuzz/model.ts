/**
 * Stateful model-based fuzzing (fast-check commands): random sequences of
 * creates, starts (with and without an Idempotency-Key, repeated, after the
 * job settled, concurrent pairs, with the other account's key), reads, lists
 * (filtered, paged) and usage reads over the primary and second keys (and the
 * key without credits), each answer checked against contracts/fuzz/lifecycle.ts,
 * an idempotency ledger and what each key owns (SPEC §1 List and Usage,
 * suites/lib/listing.ts); at the end every job's history and charges are read
 * back. A failure shrinks to the shortest sequence that still fails.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { allowedStatuses, creditsOfStart, historyProblem, observe, startOutcomes, terminalOf, type ModelJob, type Owner, type Source } from '../../contracts/fuzz/lifecycle.js';
import type { Model } from '../../contracts/policy.js';
import { canonicalJson, replayMismatch, type Answer } from '../../contracts/replay.js';
import { errorOf, expectServed, missingJobId, statusesOf } from '../lib/api.js';
import { jsonIfUsable, type Client, type Reply } from '../lib/client.js';
import type { RunConfig } from '../lib/config.js';
import { broken } from '../lib/errors.js';
import { judgeFilter, judgeOrder, judgeSize, judgeUnique, judgeUsageFilter, LIST_SPEC, reachedEnd, requireSpec, walkPages, wholeList, type Get as GetReply } from '../lib/listing.js';
import { FUZZ_RULES } from './catalogue.js';
import { parseFuzzPath } from './budget.js';
import { compact, type FuzzContext, type FuzzProperty } from './runner.js';
import { codeSaid, send } from './send.js';

interface IdemEntry { fingerprint: string; answer: Answer; /** 2xx: the provider must have stored it; a 4xx may be stored or not (IDEM-1). */ definite: boolean }

interface World {
  jobs: ModelJob[];
  idem: Map<string, IdemEntry>;
}

interface Real {
  client: Client;
  config: RunConfig;
  owners: Owner[];
  /** Fresh per run of a sequence, so keys never collide with an earlier run's (a provider keeps them 24 h). */
  nonce: string;
}

const PROMPT = 'person';
const MODELS: Model[] = ['original', 'light', 'pro', 'human'];
const jobPath = (id: string): string => `/v1/jobs/${encodeURIComponent(id)}`;
const pick = (w: World, ref: number): ModelJob | undefined => (w.jobs.length ? w.jobs[w.jobs.length - 1 - (ref % w.jobs.length)] : undefined);
const other = (r: Real, owner: Owner): Owner | undefined => r.owners.find((o) => o !== owner && o !== 'broke');
const replayed = (reply: Reply): boolean => reply.headers.get('idempotent-replayed') === 'true';
const jobName = (w: World, job: ModelJob): string => `job#${w.jobs.indexOf(job) + 1}`;

/** A keyed POST against the ledger: a replay, a refusal (IDEM-2), or a fresh request judged by `fresh`. */
async function keyed(r: Real, w: World, owner: Owner, idem: string | undefined, path: string, body: unknown, fresh: (reply: Reply) => void): Promise<Reply> {
  const headers = idem ? { 'Idempotency-Key': `jobcert-fuzz-${r.nonce}-${idem}` } : undefined;
  const reply = await send(r.client, 'POST', path, { body, key: owner, ...(headers ? { headers } : {}) });
  if (!idem) { fresh(reply); return reply; }
  const slot = `${owner}\u0000${idem}`;
  const fingerprint = `POST ${path} ${canonicalJson(body)}`;
  const entry = w.idem.get(slot);
  const what = `POST ${path} ${compact(body)} with Idempotency-Key ${idem}`;
  const remember = (): void => { w.idem.set(slot, { fingerprint, answer: { status: reply.status, json: jsonIfUsable(reply), requestId: reply.requestId }, definite: reply.status >= 200 && reply.status < 300 }); };
  if (!entry) {
    if (replayed(reply)) {
      const elsewhere = [...w.idem.keys()].some((k) => k.endsWith(`\u0000${idem}`));
      broken(elsewhere ? 'IDEM-4' : 'IDEM-1', `${what}: a first use of the key was answered as a replay${elsewhere ? ' (the key was used before by the other account: keys are scoped per API key)' : ''}`);
    }
    fresh(reply);
    remember();
    return reply;
  }
  if (entry.fingerprint !== fingerprint) {
    const reused = reply.status === 422 && errorOf(reply).code === 'idempotency_key_reused';
    if (entry.definite && !reused) broken('IDEM-2', `${what}: the key was used with another request (${entry.fingerprint.slice(0, 120)}), expected 422 idempotency_key_reused, got ${reply.status}`);
    if (!reused) { fresh(reply); remember(); }
    return reply;
  }
  if (entry.definite || replayed(reply)) {
    if (!replayed(reply)) broken('IDEM-1', `${what}: a retry of a request answered ${entry.answer.status} was not replayed (got ${reply.status} without Idempotent-Replayed: true)`);
    const mismatch = replayMismatch(entry.answer, reply);
    if (mismatch) broken(mismatch.rule, `${what}: ${mismatch.message}`);
    return reply;
  }
  // The first answer was not a 2xx: a provider may have kept it or not, so this one may run afresh.
  fresh(reply);
  remember();
  return reply;
}

/** A start answered as the model allows (IDEM-5, LIFE-1, LIFE-5), applied to the model. */
function judgeStart(w: World, job: ModelJob, reply: Reply, model: Model, preview: number, what: string): void {
  if (job.owner === 'broke') {
    if (reply.status !== 402) broken('LIFE-5', `${what}: a key without credits got ${reply.status}, expected 402 insufficient_credits`);
    if (errorOf(reply).code !== 'insufficient_credits') broken('LIFE-5', `${what}: 402 with the code ${errorOf(reply).code}`);
    return;
  }
  const allowed = startOutcomes(job);
  if (reply.status === 200 && allowed.includes('started')) {
    job.phase = 'running';
    job.model = model;
    job.charges.push(creditsOfStart(model, preview));
    return;
  }
  if (reply.status === 409 && allowed.includes('refused')) {
    if (errorOf(reply).code !== 'job_not_startable') broken('IDEM-5', `${what}: 409 with the code ${errorOf(reply).code}, expected job_not_startable`);
    return;
  }
  const state = job.phase === 'created' ? 'a draft' : job.phase === 'running' ? `a started ${job.source === 'ok' ? '' : 'failing '}job (processing or done)` : `a ${terminalOf(job.source)} job`;
  broken(allowed.includes('started') && reply.status === 409 ? 'LIFE-1' : 'IDEM-5', `${what}: starting ${state} answered ${reply.status}${codeSaid(reply)}; allowed: ${allowed.map((a) => (a === 'started' ? '200' : '409 job_not_startable')).join(' or ')}`);
}

/** A read of the job against the model: status (LIFE-1), history (LIFE-1, LIFE-4), credits (IDEM-5). */
function judgeJob(w: World, job: ModelJob, body: Record<string, unknown>): void {
  const name = jobName(w, job);
  // A job of another shape is the SCHEMA family's to report (every response is checked against the spec), not this model's.
  if (typeof body.status !== 'string' || !Array.isArray(body.history) || typeof body.credits_charged !== 'number') {
    broken('SCHEMA', `${name} does not have the shape of a job (status, history, credits_charged): ${compact(body, 200)}`);
  }
  const status = body.status;
  if (!allowedStatuses(job).includes(status)) broken('LIFE-1', `${name} (${job.source} source, ${job.charges.length} accepted starts) is ${status}; the model allows ${allowedStatuses(job).join(' or ')}`);
  observe(job, status);
  const problem = historyProblem(job, statusesOf(body), status);
  if (problem) broken(problem.rule, `${name}: ${problem.message}`);
  const expected = job.charges.reduce((a, b) => a + b, 0);
  // While a run is processing its charge may not be made yet (charge timing: contracts/choices.ts).
  const pending = status === 'processing' ? expected - (job.charges[job.charges.length - 1] ?? 0) : expected;
  if (body.credits_charged !== expected && body.credits_charged !== pending) broken('IDEM-5', `${name}: credits_charged is ${JSON.stringify(body.credits_charged)} after ${job.charges.length} accepted start(s) of ${job.charges.join(' + ') || 0} credits${pending !== expected ? ` (${pending} while the last run is processing)` : ''}`);
}

async function readAndJudge(r: Real, w: World, job: ModelJob): Promise<string> {
  const reply = await send(r.client, 'GET', jobPath(job.id), { key: job.owner });
  expectServed(reply, `reading ${jobName(w, job)}`);
  judgeJob(w, job, reply.json as Record<string, unknown>);
  return String(reply.json?.status);
}

async function usageAndJudge(r: Real, w: World, job: ModelJob): Promise<void> {
  const reply = await send(r.client, 'GET', `/v1/usage/events?job_id=${encodeURIComponent(job.id)}`, { key: job.owner });
  expectServed(reply, 'reading usage events');
  const listed = (reply.json?.events ?? []) as { job_id?: string; credits?: number }[];
  judgeUsageFilter(listed, job.id, `the usage read of ${jobName(w, job)}`);
  const events = listed.filter((e) => e.job_id === job.id);
  const got = JSON.stringify(events.map((e) => e.credits).sort());
  const want = JSON.stringify([...job.charges].sort());
  // SPEC ties one charge to each start, not to a moment (contracts/choices.ts, charge-timing): until the model knows
  // the last run ended, its charge may still be to come; the earlier runs ended before it started, so theirs are due.
  const beforeLast = JSON.stringify(job.charges.slice(0, -1).sort());
  if (got === want || (job.phase === 'running' && got === beforeLast)) return;
  broken('IDEM-5', `${jobName(w, job)}: usage events charge ${JSON.stringify(events.map((e) => e.credits))} for ${job.charges.length} accepted start(s) of ${JSON.stringify(job.charges)} credits (one charge per start, by the formula${job.phase === 'running' ? '; the last may still be to come while its run is processing' : ''})`);
}

/** Polls until the model knows the job terminal (LIFE-3 bounds the wait: not this check's rule). */
async function settle(r: Real, w: World, job: ModelJob): Promise<void> {
  const deadline = Date.now() + r.config.jobTimeoutS * 1000;
  for (let delay = 100; job.phase === 'running'; delay = Math.min(1000, delay * 2)) {
    const status = await readAndJudge(r, w, job);
    if (job.phase !== 'running') return;
    if (Date.now() + delay > deadline) broken('LIFE-3', `${jobName(w, job)} was still ${status} after the ${r.config.jobTimeoutS} s job timeout`);
    await r.client.pause(delay);
  }
}

abstract class Step implements fc.AsyncCommand<World, Real> {
  abstract check(w: Readonly<World>): boolean;
  abstract run(w: World, r: Real): Promise<void>;
  abstract toString(): string;
}

class Create extends Step {
  constructor(readonly owner: Owner, readonly source: Source, readonly model: Model, readonly idem: string | undefined) { super(); }
  check(w: Readonly<World>): boolean { return w.jobs.length < 3; }
  /** The sequence's first drafts are made with this too, before its steps. */
  static async make(w: World, r: Real, c: Create): Promise<void> { await c.run(w, r); }
  async run(w: World, r: Real): Promise<void> {
    const owner = r.owners.includes(this.owner) ? this.owner : 'primary';
    const source = this.source === 'failing' && r.config.failingVideo ? 'failing' : 'ok';
    const video = source === 'failing' ? (r.config.failingVideo as string) : (r.config.videos[0]?.url as string);
    const body = { video_url: video, model: this.model, ...(this.model === 'pro' ? { text_prompt: PROMPT } : {}), auto_start: false };
    await keyed(r, w, owner, this.idem, '/v1/jobs', body, (reply) => {
      expectServed(reply, `creating a draft ${compact(body)}`);
      const id = reply.json?.id;
      if (typeof id !== 'string') broken('OBS-3', `POST /v1/jobs answered without a job id: ${reply.text.slice(0, 160)}`);
      if (w.jobs.some((j) => j.id === id)) broken('IDEM-1', `a create answered with the id of an existing job (${id}) without being a replay`);
      w.jobs.push({ id, owner, source, model: this.model, ...(this.model === 'pro' ? { prompt: PROMPT } : {}), phase: 'created', charges: [] });
    });
  }
  toString(): string { return `create(${this.owner}, ${this.source} source, ${this.model}${this.idem ? `, key ${this.idem}` : ''})`; }
}

class Start extends Step {
  constructor(readonly ref: number, readonly model: Model | undefined, readonly preview: number, readonly idem: string | undefined, readonly settled: boolean) { super(); }
  check(w: Readonly<World>): boolean { return w.jobs.length > 0; }
  async run(w: World, r: Real): Promise<void> {
    const job = pick(w, this.ref) as ModelJob;
    if (this.settled && job.phase === 'running') await settle(r, w, job);
    const effective = this.model ?? job.model;
    const body = { ...(this.model ? { model: this.model } : {}), ...(this.model === 'pro' ? { text_prompt: PROMPT } : {}), preview_duration: this.preview };
    const what = `start of ${jobName(w, job)} ${compact(body)}`;
    const before = job.charges.length;
    await keyed(r, w, job.owner, this.idem, `${jobPath(job.id)}/start`, body, (reply) => judgeStart(w, job, reply, effective, this.preview, what));
    // Each accepted start's charge is read back at once, so a wrong one fails the very step that caused it.
    if (job.charges.length > before) await usageAndJudge(r, w, job);
  }
  toString(): string { return `start(job ${this.ref}, ${this.model ?? 'its model'}, preview ${this.preview} s${this.idem ? `, key ${this.idem}` : ''}${this.settled ? ', once it settled' : ''})`; }
}

class Settle extends Step {
  constructor(readonly ref: number) { super(); }
  check(w: Readonly<World>): boolean { return w.jobs.length > 0; }
  async run(w: World, r: Real): Promise<void> { await settle(r, w, pick(w, this.ref) as ModelJob); }
  toString(): string { return `wait(job ${this.ref} terminal)`; }
}

/**
 * A read of a job's state: by its owner, judged against the model, or by the
 * other key (`cross`), which must not see the job at all (AUTH-4). Without a
 * second key the owner reads.
 */
abstract class Read extends Step {
  constructor(readonly ref: number, readonly cross: boolean) { super(); }
  protected abstract readonly name: string;
  protected abstract byOwner(r: Real, w: World, job: ModelJob): Promise<unknown>;
  protected abstract byStranger(r: Real, w: World, job: ModelJob, stranger: Owner): Promise<void>;
  check(w: Readonly<World>): boolean { return w.jobs.length > 0; }
  async run(w: World, r: Real): Promise<void> {
    const job = pick(w, this.ref) as ModelJob;
    const stranger = other(r, job.owner);
    if (this.cross && stranger) await this.byStranger(r, w, job, stranger);
    else await this.byOwner(r, w, job);
  }
  toString(): string { return `${this.name}(job ${this.ref}${this.cross ? ', with the other key' : ''})`; }
}

class Get extends Read {
  protected readonly name = 'get';
  protected byOwner(r: Real, w: World, job: ModelJob): Promise<string> { return readAndJudge(r, w, job); }
  protected async byStranger(r: Real, w: World, job: ModelJob, stranger: Owner): Promise<void> {
    const reply = await send(r.client, 'GET', jobPath(job.id), { key: stranger });
    if (reply.status !== 404 || errorOf(reply).code !== 'not_found') broken('AUTH-4', `the ${stranger} key read ${jobName(w, job)} of the ${job.owner} key: ${reply.status} (expected 404 not_found)`);
  }
}

class CrossStart extends Step {
  constructor(readonly ref: number) { super(); }
  check(w: Readonly<World>): boolean { return w.jobs.length > 0; }
  async run(w: World, r: Real): Promise<void> {
    const job = pick(w, this.ref) as ModelJob;
    const stranger = other(r, job.owner);
    if (!stranger) return;
    const reply = await send(r.client, 'POST', `${jobPath(job.id)}/start`, { body: { preview_duration: 1 }, key: stranger });
    if (reply.status !== 404 || errorOf(reply).code !== 'not_found') broken('AUTH-4', `the ${stranger} key started ${jobName(w, job)} of the ${job.owner} key: ${reply.status} (expected 404 not_found, and no start)`);
  }
  toString(): string { return `start(job ${this.ref} with the other key)`; }
}

type ListStatus = 'created' | 'processing' | 'completed' | 'failed';
const LIST_PAGES = 3;

/** The model knows the job is in `status` now (no filter: any status); a running job may be processing or done. */
function surelyIn(job: ModelJob, status: ListStatus | undefined): boolean {
  const allowed = allowedStatuses(job);
  return status === undefined || (allowed.length === 1 && allowed[0] === status);
}

/**
 * A walk over a key's list (SPEC §1 List), filtered or not, in pages of
 * `limit`. Each answer is judged alone; across pages only while the list held
 * still, which shows in `total` when the list can only grow (no filter, or a
 * terminal status: the run's other checks add jobs as it goes). When the walk
 * saw the whole list, the model's jobs of that key in that status are all there.
 */
class List extends Step {
  constructor(readonly owner: Owner, readonly status: ListStatus | undefined, readonly limit: number) { super(); }
  check(): boolean { return true; }
  async run(w: World, r: Real): Promise<void> {
    const owner = r.owners.includes(this.owner) ? this.owner : 'primary';
    const due = w.jobs.filter((j) => j.owner === owner && surelyIn(j, this.status));
    const get: GetReply = (path, key) => send(r.client, 'GET', path, { key });
    const pages = await walkPages(get, { ...(this.status ? { status: this.status } : {}), limit: this.limit }, LIST_PAGES, owner);
    for (const page of pages) {
      judgeFilter(page);
      judgeSize(page);
      judgeUnique(page.jobs, `GET ${page.path}`);
      judgeOrder(page.jobs, `GET ${page.path}`);
    }
    const walk = pages.flatMap((p) => p.jobs);
    for (const shown of walk) {
      const job = w.jobs.find((j) => j.id === shown.id);
      if (!job) continue;
      if (job.owner !== owner) broken('AUTH-4', `the ${owner} key's list shows ${jobName(w, job)} of the ${job.owner} key`);
      judgeJob(w, job, shown);
    }
    const growsOnly = this.status === undefined || this.status === 'completed';
    const still = growsOnly && pages.every((p) => p.total === pages[0]?.total);
    const where = `the ${owner} key's list${this.status ? ` (status=${this.status})` : ''} in pages of ${this.limit}`;
    if (still) {
      judgeUnique(walk, where);
      judgeOrder(walk, where);
    }
    const whole = (still && pages.length > 0 && reachedEnd(pages[pages.length - 1]!)) || (pages.length === 1 && wholeList(pages[0]!));
    if (!whole) return;
    const seen = new Set(walk.map((j) => j.id));
    const missing = due.filter((j) => !seen.has(j.id));
    requireSpec(missing.length === 0, LIST_SPEC, 'the list has every job of the key that matches the filter', `${where} gave the whole list (total ${pages[0]?.total}) without ${missing.map((j) => `${jobName(w, j)} (${allowedStatuses(j).join(' or ')})`).join(', ')}`);
  }
  toString(): string { return `list(${this.owner}${this.status ? `, status ${this.status}` : ''}, pages of ${this.limit})`; }
}

class Usage extends Read {
  protected readonly name = 'usage';
  protected byOwner(r: Real, w: World, job: ModelJob): Promise<void> { return usageAndJudge(r, w, job); }
  protected async byStranger(r: Real, w: World, job: ModelJob, stranger: Owner): Promise<void> {
    const filter = (id: string): Promise<Reply> => send(r.client, 'GET', `/v1/usage/events?job_id=${encodeURIComponent(id)}`, { key: stranger });
    const reply = await filter(job.id);
    // What the filter answers for a job the key cannot see is the provider's (contracts/choices.ts, usage-filter):
    // no events, or a 404; AUTH-4 asks that another key's job look exactly like one that does not exist.
    if (reply.status === 404) {
      if (errorOf(reply).code !== 'not_found') broken('AUTH-4', `the ${stranger} key's usage filter on ${jobName(w, job)} of the ${job.owner} key answered 404 ${errorOf(reply).code}, not not_found`);
      const none = await filter(missingJobId(job.id));
      if (none.status !== 404) broken('AUTH-4', `the ${stranger} key's usage filter answers 404 for ${jobName(w, job)} of the ${job.owner} key but ${none.status} for a job that does not exist: another key's job must look like a missing one`);
      return;
    }
    expectServed(reply, 'reading usage events');
    const seen = ((reply.json?.events ?? []) as { job_id?: string }[]).filter((e) => e.job_id === job.id);
    if (seen.length > 0) broken('AUTH-4', `the ${stranger} key sees ${seen.length} usage event(s) of ${jobName(w, job)} of the ${job.owner} key`);
  }
}

class Pair extends Step {
  constructor(readonly ref: number, readonly idem: string | undefined) { super(); }
  check(w: Readonly<World>): boolean { const job = pick(w, this.ref); return job !== undefined && job.phase === 'created' && job.owner !== 'broke'; }
  async run(w: World, r: Real): Promise<void> {
    const job = pick(w, this.ref) as ModelJob;
    const body = { preview_duration: 1 };
    const headers = this.idem ? { 'Idempotency-Key': `jobcert-fuzz-${r.nonce}-${this.idem}-pair-${randomUUID().slice(0, 8)}` } : undefined;
    // Past the gate's pacing, so the two really are concurrent.
    const replies = await Promise.all([0, 1].map(() => send(r.client, 'POST', `${jobPath(job.id)}/start`, { body, key: job.owner, bypassGate: true, ...(headers ? { headers } : {}) })));
    const originals = replies.filter((x) => x.status === 200 && !replayed(x));
    // One key: one effect, whatever the job (IDEM-3). No key: one start from created (IDEM-5), unless the job
    // failed in between, which a provider that processes at once may show: a failed job may be started again.
    const most = this.idem || job.source === 'ok' ? 1 : 2;
    const rule = this.idem ? 'IDEM-3' : 'IDEM-5';
    if (originals.length < 1 || originals.length > most) broken(rule, `two concurrent starts of ${jobName(w, job)} (${job.source} source)${this.idem ? ' with one Idempotency-Key' : ''}: ${replies.map((x) => `${x.status}${replayed(x) ? ' (replay)' : ''}`).join(' and ')}; ${most === 1 ? 'exactly one' : 'one or, once it failed, both'} may start it`);
    for (const x of replies) {
      if (originals.includes(x)) continue;
      if (this.idem && x.status === 200 && JSON.stringify(x.json) !== JSON.stringify(originals[0]?.json)) broken('IDEM-3', `the concurrent duplicate's replay differs from the original: ${x.text.slice(0, 160)}`);
      if (x.status === 409 && !['job_not_startable', ...(this.idem ? ['idempotency_in_progress'] : [])].includes(errorOf(x).code)) broken(rule, `the concurrent duplicate got 409 ${errorOf(x).code}`);
      if (x.status !== 200 && x.status !== 409) broken(rule, `the concurrent duplicate got ${x.status}`);
    }
    job.phase = 'running';
    job.charges.push(...originals.map(() => creditsOfStart(job.model, 1)));
    await usageAndJudge(r, w, job);
  }
  toString(): string { return `concurrent starts(job ${this.ref}${this.idem ? ', one key' : ', no key'})`; }
}

class Broke extends Step {
  constructor(readonly model: Model) { super(); }
  check(w: Readonly<World>): boolean { return w.jobs.length < 3; }
  async run(w: World, r: Real): Promise<void> {
    if (!r.config.keys.broke) return;
    const body = { video_url: r.config.videos[0]?.url as string, model: this.model, ...(this.model === 'pro' ? { text_prompt: PROMPT } : {}), auto_start: false };
    const created = await send(r.client, 'POST', '/v1/jobs', { body, key: 'broke' });
    expectServed(created, 'creating a draft with the key without credits');
    const job: ModelJob = { id: created.json?.id as string, owner: 'broke', source: 'ok', model: this.model, phase: 'created', charges: [] };
    w.jobs.push(job);
    const reply = await send(r.client, 'POST', `${jobPath(job.id)}/start`, { body: { preview_duration: 1 }, key: 'broke' });
    judgeStart(w, job, reply, this.model, 1, `start of ${jobName(w, job)} with the key without credits`);
    await usageAndJudge(r, w, job);
  }
  toString(): string { return `start with no credits(${this.model})`; }
}

// Job 0 is the newest: shrinking moves every step onto one job.
const ref = fc.nat({ max: 2 });
const idemRef = fc.option(fc.constantFrom('k0', 'k1', 'k2'), { nil: undefined, freq: 3 });
const preview = fc.constantFrom(1, 0.5);
const modelArb = fc.constantFrom(...MODELS);
/** Most starts wait until the job settled (a restart), the others go at once (a start of a running job). */
const settledArb = fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 });

function creates(config: RunConfig): fc.Arbitrary<Create> {
  const owners: Owner[] = config.keys.alt ? ['primary', 'alt'] : ['primary'];
  // Failing sources two times in three: a failed job is the one that may be started again.
  const source = fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant<Source>('failing'), weight: 2 }, { arbitrary: fc.constant<Source>('ok'), weight: 1 });
  return fc.tuple(fc.constantFrom(...owners), source, modelArb, idemRef).map(([o, s, m, k]) => new Create(o, s, m, k));
}

/** The steps, weighted towards what rare bugs need: repeated starts of few jobs, often once they settled. */
function steps(config: RunConfig): fc.Arbitrary<Step> {
  const owners: Owner[] = config.keys.alt ? ['primary', 'alt'] : ['primary'];
  const model = modelArb;
  return fc.oneof(
    { arbitrary: creates(config), weight: 1 },
    { arbitrary: fc.tuple(ref, fc.option(model, { nil: undefined }), preview, idemRef, settledArb).map(([j, m, p, k, s]) => new Start(j, m, p, k, s)), weight: 10 },
    { arbitrary: ref.map((j) => new Settle(j)), weight: 1 },
    { arbitrary: fc.tuple(ref, fc.boolean()).map(([j, c]) => new Get(j, c)), weight: 2 },
    { arbitrary: ref.map((j) => new CrossStart(j)), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom(...owners), fc.constantFrom<ListStatus | undefined>(undefined, 'created', 'processing', 'completed', 'failed'), fc.constantFrom(2, 100)).map(([o, s, l]) => new List(o, s, l)), weight: 2 },
    { arbitrary: fc.tuple(ref, fc.boolean()).map(([j, c]) => new Usage(j, c)), weight: 2 },
    { arbitrary: fc.tuple(ref, idemRef).map(([j, k]) => new Pair(j, k)), weight: 1 },
    ...(config.keys.broke ? [{ arbitrary: model.map((m) => new Broke(m)), weight: 1 }] : []),
  );
}

export type Sequence = [Create[], Iterable<fc.AsyncCommand<World, Real>>];

export function modelProperty(ctx: FuzzContext): FuzzProperty<Sequence> {
  const { client, config } = ctx;
  const replay = parseFuzzPath(config.fuzz?.path);
  const replayPath = replay?.check === 'fuzz.model' ? replay.tag : undefined;
  const owners: Owner[] = config.keys.alt ? ['primary', 'alt'] : ['primary'];
  if (!config.keys.alt) ctx.note('no --alt-api-key: the sequences use one key, so cross-key steps (AUTH-4, IDEM-4) are left out');
  if (!config.failingVideo) ctx.note('no --failing-video-url: every job has a source that completes, so restarts of failed jobs are left out');
  return {
    check: 'fuzz.model', rules: FUZZ_RULES['fuzz.model'],
    // Every sequence begins with a draft, so its steps have a job to work on.
    arbitrary: fc.tuple(fc.array(creates(config), { minLength: 1, maxLength: 1 }), fc.commands([steps(config)], { maxCommands: 14, size: '+1', ...(replayPath ? { replayPath } : {}) })),
    kind: () => 'sequences',
    tag: ([, cmds]) => /replayPath="([^"]*)"/.exec(String(cmds))?.[1],
    show: ([first, cmds]) => `${[...first.map(String), String(cmds).replace(/\s*\/\*replayPath=.*?\*\//, '')].filter(Boolean).join(', ')}, then every job read back`,
    async run([first, cmds]) {
      const world: World = { jobs: [], idem: new Map() };
      const real: Real = { client, config, owners, nonce: randomUUID().slice(0, 12) };
      for (const c of first) await Create.make(world, real, c);
      await fc.asyncModelRun(() => ({ model: world, real }), cmds);
      // Every job's history and charges, read back once the sequence ends.
      for (const job of world.jobs) {
        if (job.owner === 'broke') {
          const status = await readAndJudge(real, world, job);
          if (status !== 'created') broken('LIFE-5', `a start refused for want of credits left the job ${status}, not created`);
        } else await readAndJudge(real, world, job);
        await usageAndJudge(real, world, job);
      }
    },
  };
}
