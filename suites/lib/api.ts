/**
 * Job-level helpers the checks share: drafts, starts, polling with backoff, and
 * the assertions that name the rule they rely on. A check's own assertion that
 * breaks is a `fail`; a helper that finds another rule broken throws
 * RuleBroken(rule), which fails only the checks citing that rule (check.ts).
 */
import { randomUUID } from 'node:crypto';
import { isErrorCode, STATUS_OF } from '../../contracts/errors.js';
import { broken, unusableAnswer } from './errors.js';
import { jsonIfUsable, type Client, type Reply, type RequestOptions } from './client.js';
import type { KeyRole, RunConfig } from './config.js';

export function firstVideo(config: RunConfig): string {
  const clip = config.videos[0];
  if (!clip) throw new Error('no --video-url configured');
  return clip.url;
}

/** A body as a message can show it: one line, short, and saying when it is empty or was cut. */
export function bodyPreview(r: Reply): string {
  const flat = r.text.replace(/\s+/g, ' ').trim();
  const shown = flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
  const cut = r.exchange.response?.truncated ? ' (body over 1 MiB, cut)' : '';
  return (shown === '' ? (r.text === '' ? '(empty body)' : '(blank body)') : shown) + cut;
}

/** A reply in a message; an unusable body is shown, not read (reading it would blame the contract, not the rule the message is about). */
const brief = (r: Reply): string => {
  const code = jsonIfUsable(r)?.error?.code;
  return `${r.status}${code ? ` ${String(code)}` : ''}: ${bodyPreview(r)}`;
};

/**
 * The request was valid and had a valid key, so it must be served (AUTH-1).
 * A 429 that outlived every Retry-After is RATE-3's to answer for.
 */
export function expectServed(r: Reply, what: string): void {
  if (r.status >= 200 && r.status < 300) return;
  if (r.status === 429) broken('RATE-3', `${what}: still 429 after waiting its Retry-After ${4} times`);
  if (r.status >= 500) broken('ERR-3', `${what} got ${brief(r)} (no request may get a 5xx)`);
  broken('AUTH-1', `${what} is a valid request with a valid key, yet got ${brief(r)}`);
}

/** The error of a non-2xx reply, once it is proven the ERR-1 envelope with a code ERR-2 allows for its status. */
export function errorOf(r: Reply): { code: string; message: string; request_id: string; param?: unknown } {
  const type = r.headers.get('content-type') ?? '';
  // A body cut at the cap may well be the envelope: that is not judged, and not ERR-1's.
  if (r.unusable && r.unusable.blame === undefined) throw unusableAnswer(r.unusable);
  // Read leniently: a body that is no envelope is ERR-1's, said below in ERR-1's words.
  const e = jsonIfUsable(r)?.error as { code?: unknown; message?: unknown; request_id?: unknown; param?: unknown } | undefined;
  if (!/^application\/json/i.test(type) || !e || typeof e.code !== 'string' || typeof e.message !== 'string' || typeof e.request_id !== 'string') {
    broken('ERR-1', `ERR-1: ${r.exchange.request.method} ${r.exchange.request.url} → ${r.status} is not the JSON error envelope {error: {code, message, request_id}} (${type || 'no content type'}): ${bodyPreview(r)}`);
  }
  if (!isErrorCode(e.code) || STATUS_OF[e.code] !== r.status) {
    broken('ERR-2', `${r.status} carries the code ${JSON.stringify(e.code)}, which ERR-2 does not pair with ${r.status}`);
  }
  return e as { code: string; message: string; request_id: string; param?: unknown };
}

/**
 * Asserts the outcome `rule` promises for a request. A mismatch breaks that
 * rule: the check citing it fails, any other check is not judged.
 */
export function expectOutcome(r: Reply, want: { status: number; code?: string }, rule: string, label: string): void {
  // No request may get a 5xx: that is ERR-3's, whatever the request was for.
  const wanted = `${want.status}${want.code ? ` ${want.code}` : ''}`;
  if (r.status >= 500 && want.status < 500) broken('ERR-3', `${label} must answer ${wanted}, never a 5xx; got ${brief(r)}`);
  if (r.status !== want.status) broken(rule, `${label} must answer ${wanted}; got ${brief(r)}`);
  if (want.code !== undefined) {
    const { code } = errorOf(r);
    if (code !== want.code) broken(rule, `${label} must answer ${wanted}; got ${want.status} with the code ${code}`);
  }
}

export async function createDraft(client: Client, config: RunConfig, extra: Record<string, unknown> = {}, key: KeyRole = 'primary'): Promise<string> {
  const r = await client.post('/v1/jobs', { video_url: firstVideo(config), auto_start: false, ...extra }, { key });
  expectServed(r, 'creating a draft job (POST /v1/jobs)');
  if (typeof r.json?.id !== 'string') broken('OBS-3', `POST /v1/jobs answered without a job id: ${bodyPreview(r)}`);
  return r.json.id as string;
}

export function start(client: Client, id: string, body: unknown = {}, opts: RequestOptions = {}): Promise<Reply> {
  return client.post(`/v1/jobs/${encodeURIComponent(id)}/start`, body, opts);
}

export async function getJob(client: Client, id: string, key: KeyRole = 'primary'): Promise<Reply> {
  return client.get(`/v1/jobs/${encodeURIComponent(id)}`, { key });
}

/** GET /v1/jobs/{id} that must succeed; returns the job. */
export async function readJob(client: Client, id: string, key: KeyRole = 'primary'): Promise<Record<string, unknown>> {
  const r = await getJob(client, id, key);
  expectServed(r, `reading job ${id}`);
  return r.json as Record<string, unknown>;
}

async function readJobNow(client: Client, id: string, key: KeyRole): Promise<Record<string, unknown>> {
  const r = await client.get(`/v1/jobs/${encodeURIComponent(id)}`, { key, bypassGate: true });
  expectServed(r, `reading job ${id}`);
  return r.json as Record<string, unknown>;
}

export async function chargesFor(client: Client, id: string, key: KeyRole = 'primary'): Promise<{ credits?: number }[]> {
  const r = await client.get(`/v1/usage/events?job_id=${encodeURIComponent(id)}`, { key });
  expectServed(r, 'reading usage events (GET /v1/usage/events)');
  if (!Array.isArray(r.json?.events)) throw new Error(`GET /v1/usage/events answered without an events list: ${bodyPreview(r)}`);
  return (r.json.events as { job_id?: string; credits?: number }[]).filter((e) => e.job_id === id);
}

/**
 * A job's charge events once its run has ended: SPEC ties one charge to each
 * start but not to a moment (contracts/choices.ts, charge-timing), so a
 * provider may charge when the run ends. Reads right away when the charges are
 * already more than `due` (an extra charge needs no waiting to be seen).
 */
export async function settledCharges(client: Client, id: string, jobTimeoutS: number, due = 1, key: KeyRole = 'primary'): Promise<{ credits?: number }[]> {
  const now = await chargesFor(client, id, key);
  if (now.length > due) return now;
  await pollUntilTerminal(client, id, jobTimeoutS, key);
  return chargesFor(client, id, key);
}

/**
 * An id of the same shape as a real one that names no job, so a provider that
 * validates the id's format still answers 404 for it rather than 400.
 */
export function missingJobId(knownId: string): string {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(knownId)) {
    const id = randomUUID();
    return knownId === knownId.toUpperCase() ? id.toUpperCase() : id;
  }
  const m = /^(.*?)([A-Za-z0-9]{4,})$/.exec(knownId);
  const [prefix, tail] = m ? [m[1] ?? '', m[2] ?? ''] : [knownId, 'x000'];
  const alphabet = /^[0-9]+$/.test(tail) ? '0123456789' : /^[0-9a-f]+$/.test(tail) ? '0123456789abcdef' : /^[0-9a-z]+$/.test(tail) ? '0123456789abcdefghijklmnopqrstuvwxyz' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (;;) {
    const fresh = Array.from(tail, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
    if (fresh !== tail) return `${prefix}${fresh}`;
  }
}

export interface PollResult {
  job: Record<string, unknown>;
  /** Every job body seen while polling, oldest first. */
  seen: Record<string, unknown>[];
  elapsedMs: number;
}

/**
 * Polls with backoff (250 ms doubling to 2 s) until terminal or the caller's
 * job timeout (LIFE-3). `firstReadNow`: the first read goes past the pacing,
 * right after the start, so a short processing state is still seen (LIFE-2).
 */
export async function pollUntilTerminal(client: Client, id: string, timeoutS: number, key: KeyRole = 'primary', opts: { firstReadNow?: boolean } = {}): Promise<PollResult> {
  const t0 = Date.now();
  const deadline = t0 + timeoutS * 1000;
  const seen: Record<string, unknown>[] = [];
  let delay = 250;
  for (let read = 0; ; read++) {
    const job = read === 0 && opts.firstReadNow ? await readJobNow(client, id, key) : await readJob(client, id, key);
    seen.push(job);
    const status = job.status;
    if (status === 'completed' || status === 'failed') return { job, seen, elapsedMs: Date.now() - t0 };
    if (status !== 'processing' && status !== 'created') broken('LIFE-1', `job ${id} is in the state ${JSON.stringify(status)}, which LIFE-1 does not have`);
    if (Date.now() + delay > deadline) broken('LIFE-3', `job ${id} was still ${String(status)} after the ${timeoutS} s job timeout (--job-timeout)`);
    await client.pause(delay);
    delay = Math.min(2000, delay * 2);
  }
}

/** History statuses, oldest first. */
export const statusesOf = (job: Record<string, unknown>): string[] =>
  Array.isArray(job.history) ? (job.history as { status?: string }[]).map((h) => String(h.status)) : [];

/** The single history entry of a transition (LIFE-4: each transition recorded exactly once). */
export function historyEntry(job: Record<string, unknown>, status: string): { status: string; at: string; request_id: string } {
  const entries = Array.isArray(job.history) ? (job.history as { status: string; at: string; request_id: string }[]).filter((h) => h.status === status) : [];
  if (entries.length !== 1) broken('LIFE-4', `job ${String(job.id)}: history has ${entries.length} "${status}" entries, LIFE-4 wants exactly one (history: ${statusesOf(job).join(' → ') || 'none'})`);
  return entries[0]!;
}
