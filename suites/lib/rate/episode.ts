/**
 * The pressure episode: one flood of the primary key during which every
 * throttled-state probe goes out (AUTH-3, RATE-3..5, IDEM-6; its 429s serve
 * OBS-1 too), done once per run and kept in the RunSession.
 */
import { backoffMs, parseRetryAfter } from '../backoff.js';
import { Client, jsonIfUsable, type Exchange, type Reply } from '../client.js';
import type { RunConfig } from '../config.js';
import { Blocked, TransportError } from '../errors.js';
import { MAX_RETRY_AFTER_MS } from '../gate.js';
import type { RunSession } from '../session.js';
import { DISCOVERY_SECONDS, type Discovery } from './discovery.js';
import { FLOOD_PATH, MAX_CONCURRENCY, flood } from './flood.js';
import { honestyRecord, waitAsTold, type Honesty } from './honesty.js';
import { recover } from './recovery.js';

import type { RateProfile, RetryAfterHonesty } from '../../../core/results.js';

/**
 * Everything the checks need from a throttled key, gathered under ONE flood
 * (one rate probe, many verdicts): once the primary key is saturated, a bad
 * key (AUTH-3), the second key (RATE-4), a start (RATE-5) and a keyed start
 * (IDEM-6) go out together, past the gate; then the key is recovered as RATE-3
 * words it, and the keyed start is retried after the wait (IDEM-6). A start
 * that slipped through is tried again under a new flood, at most three times.
 */
export interface Episode {
  /** False when no 429 came within the bound: the probes never went out (RATE-1). */
  throttled: boolean;
  floods: number;
  sent: number;
  /** The 429s of the floods, and whether they came on both sides of the probes. */
  throttledReplies: Reply[];
  confirmed: boolean;
  badKey?: Reply;
  /**
   * The second key's requests sent while the primary key was saturated: a few
   * at once, all within its own bucket, so one of them catching a refilled token
   * of a shared bucket cannot hide the sharing (RATE-4).
   */
  alt?: Reply[];
  start?: { id: string; draft: Reply; probe: Reply; readBack?: { job: Reply; events: Reply } };
  /** `waits`: how many fresh 429s the retry met and waited out (the key is busy with the episode's own read-backs). */
  keyedStart?: { id: string; idempotencyKey: string; draft: Reply; probe: Reply; retry?: Reply; waits?: number };
  recovery?: { recovered: boolean; waitedMs: number; attempts: number[]; after: Reply };
  /** The first flood's 429s waited out exactly as told (honesty.ts), before any backoff; `record` is the report's. */
  honesty?: { result: Honesty; record: RetryAfterHonesty };
  /** The flood's own exchanges (the probes' are on their replies). */
  floodExchanges: Exchange[];
  /** Why a start probe had no draft to start, when it had none. */
  noDraft: string[];
}

/** How many requests the second key sends at once under pressure: up to 5, well within the burst its own bucket allows. */
const altProbes = (p: RateProfile): number => Math.max(1, Math.min(5, Math.floor((p.requests_before_first_429 ?? 2) / 2)));

const idemKey = (): string => `jobcert-after-429-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * A draft for a start probe, or undefined when none can be had (the key is
 * stuck, the provider refuses): the flood and the RATE-3 recovery still run,
 * and the start checks report why they could not be judged.
 */
async function draft(client: Client, config: RunConfig, why: string[]): Promise<{ id: string; reply: Reply } | undefined> {
  try {
    const reply = await client.post('/v1/jobs', { video_url: config.videos[0]?.url, auto_start: false });
    if (reply.status === 200 && typeof reply.json?.id === 'string') return { id: reply.json.id as string, reply };
    why.push(`POST /v1/jobs answered ${reply.status}`);
  } catch (err) {
    if (!(err instanceof Blocked) && !(err instanceof TransportError)) throw err;
    why.push(err.message);
  }
  return undefined;
}

/** A throttled start that changed its job or charged for it: RATE-5 broken, so any throttled write may have acted. */
export function throttledWritesAct(e: Episode): boolean {
  const back = e.start?.readBack;
  if (!back) return false;
  const events = Array.isArray(back.events.json?.events) ? (back.events.json.events as { job_id?: string }[]) : [];
  return back.job.json?.status !== 'created' || events.some((ev) => ev.job_id === e.start?.id);
}

/** Why a start check had nothing to judge: a stuck key is reported as blocked (RATE-3), anything else as an error. */
export function noDraft(e: Episode): Error {
  const why = `no draft could be made to start under the flood: ${e.noDraft.join('; ')}`;
  return e.noDraft.some((m) => m.startsWith('blocked:')) ? new Blocked(why) : new Error(why);
}

export function pressureEpisode(session: RunSession, found: Discovery, signal: AbortSignal | undefined): Promise<Episode> {
  const episode = (session.episode ??= (async () => {
    const roles = session.config.keys.alt ? (['primary', 'alt'] as const) : (['primary'] as const);
    const releases = [];
    for (const role of roles) releases.push(await session.gates.for(role).lock.acquire('exclusive', signal));
    try {
      return await runEpisode(session, found, signal);
    } finally {
      for (const release of releases.reverse()) release();
    }
  })());
  episode.catch(() => { if (session.episode === episode) session.episode = undefined; });
  return episode;
}

/** 429s in a row before the pressure probes go out: the flood then holds the bucket empty. */
const PROBE_AFTER_429S = 8;
/** Flood requests sent right before the probes (FloodOptions.cover). */
const PROBE_COVER = 64;
/** Floods at most; round r sends 2^r start probes, so 15 drafts in all when every start gets through. */
const PROBE_ROUNDS = 4;

async function runEpisode(session: RunSession, found: Discovery, signal: AbortSignal | undefined): Promise<Episode> {
  const { config } = session;
  const recorder = session.recorder('(rate pressure episode)', ['RATE-1', 'RATE-2', 'RATE-3']);
  const opts = signal ? { signal } : {};
  const raw = new Client(recorder, { retry429: false, ...opts });
  const client = new Client(recorder, { retry429: true, ...opts });
  const out: Episode = { throttled: false, floods: 0, sent: 0, throttledReplies: [], confirmed: true, floodExchanges: [], noDraft: [] };
  if (!found.profile.throttled) return out;
  const past = { retry429: false, bypassGate: true, withFlood: true } as const;
  for (let round = 0; round < PROBE_ROUNDS && (out.start?.probe.status !== 429 || out.keyedStart?.probe.status !== 429 || out.badKey === undefined); round++) {
    // A refill close to the flood's own rate lets some requests through even while the key is
    // saturated; each round that saw a start admitted sends twice as many (1, 2, 4, 8), each on its own draft.
    const probesThisRound = 2 ** round;
    const drafts = async (needed: boolean): Promise<{ id: string; reply: Reply }[]> => {
      const made: { id: string; reply: Reply }[] = [];
      for (let i = 0; needed && i < probesThisRound; i++) {
        const d = await draft(client, config, out.noDraft);
        if (!d) break;
        made.push(d);
      }
      return made;
    };
    const plain = await drafts(out.start?.probe.status !== 429);
    const keyed = await drafts(out.keyedStart?.probe.status !== 429);
    if (plain.length === 0 && keyed.length === 0 && out.noDraft.length > 0 && round > 0) break;
    const before = recorder.exchanges.length;
    let probeSentAt = 0;
    let probes: Promise<unknown> | undefined;
    let answered = false;
    // The first throttled probe is the one judged; an admitted one is kept only until a throttled one comes.
    const keep = <T extends { probe: Reply }>(held: T | undefined, next: T): T => (held?.probe.status === 429 ? held : next);
    const state = await flood(raw, {
      key: 'primary', startConcurrency: Math.max(8, Math.min(MAX_CONCURRENCY, found.profile.peak_concurrency)), maxRequests: config.burstMax, maxMs: DISCOVERY_SECONDS * 1000,
      throttledRun: PROBE_AFTER_429S,
      cover: PROBE_COVER,
      onThrottled: () => {
        probeSentAt = performance.now();
        probes = Promise.all([
          raw.get('/v1/jobs', { key: { raw: 'jc_wrong_key_under_pressure' } }).then((r) => { out.badKey ??= r; }),
          config.keys.alt && !out.alt ? Promise.all(Array.from({ length: altProbes(found.profile) }, () => raw.get('/v1/jobs?limit=1', { key: 'alt', ...past }))).then((r) => { out.alt = r; }) : undefined,
          ...plain.map((d) => raw.post(`/v1/jobs/${encodeURIComponent(d.id)}/start`, {}, past).then((r) => { out.start = keep(out.start, { id: d.id, draft: d.reply, probe: r }); })),
          ...keyed.map((d) => {
            const key = idemKey();
            return raw.post(`/v1/jobs/${encodeURIComponent(d.id)}/start`, {}, { ...past, headers: { 'Idempotency-Key': key } }).then((r) => { out.keyedStart = keep(out.keyedStart, { id: d.id, idempotencyKey: key, draft: d.reply, probe: r }); });
          }),
        ]);
        probes.then(() => { answered = true; }, () => { answered = true; });
      },
      done: () => answered,
    });
    await probes;
    out.floods++;
    out.sent += state.sent;
    out.throttledReplies.push(...state.throttled);
    // The honesty probes are rate.retry-after-honest's evidence alone: an exchange filed under two checks would count its request id twice (OBS-1).
    const floodOnly = (): Exchange[] => {
      const honesty = new Set(out.honesty?.result.steps.map((s) => s.probe.exchange));
      return recorder.exchanges.slice(before).filter((e) => e.request.url.endsWith(FLOOD_PATH) && e.key === 'primary' && !honesty.has(e));
    };
    if (state.throttled.length === 0) {
      out.floodExchanges.push(...floodOnly());
      return out;
    }
    out.throttled = true;
    out.confirmed &&= state.throttled.some((r) => r.doneAt <= probeSentAt) && state.throttled.some((r) => r.sentAt >= probeSentAt);
    // RATE-3: wait Retry-After (the first flood's exactly as told), back off with jitter, until the key is served again.
    const last = state.throttled.reduce((a, r) => (r.doneAt > a.doneAt ? r : a));
    const recovery = out.honesty ? { ...(await recover(raw, last)), after: last } : await honestRecovery(session, raw, state.throttled, last, out);
    out.recovery = recovery;
    out.floodExchanges.push(...floodOnly());
    if (!recovery.recovered) return out;
  }
  // RATE-5: what the throttled start left behind, read once the key is served again.
  if (out.start?.probe.status === 429 && out.recovery?.recovered) {
    const id = encodeURIComponent(out.start.id);
    out.start.readBack = { job: await client.get(`/v1/jobs/${id}`), events: await client.get(`/v1/usage/events?job_id=${id}`) };
  }
  // IDEM-6: the throttled keyed start, retried with the same key after the wait, must run, not replay the 429.
  if (out.keyedStart?.probe.status === 429) {
    const keyed = out.keyedStart;
    const send = (): Promise<Reply> => raw.post(`/v1/jobs/${encodeURIComponent(keyed.id)}/start`, {}, { ...past, headers: { 'Idempotency-Key': keyed.idempotencyKey } });
    // The read-backs above may have spent the tokens the wait earned (a small bucket): a fresh 429 is waited out
    // again, its own Retry-After, within the check's budget; a replayed one is the verdict and ends the loop.
    keyed.retry = await send();
    keyed.waits = 0;
    while (keyed.retry.status === 429 && !isReplayOf(keyed.retry, keyed.probe) && keyed.waits < MAX_KEYED_WAITS) {
      keyed.waits++;
      await raw.pause(Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, parseRetryAfter(keyed.retry.headers.get('retry-after'), keyed.retry.headers.get('date')) ?? backoffMs(keyed.waits))));
      keyed.retry = await send();
    }
  }
  return out;
}

/**
 * The first recovery: the flood's 429s waited exactly as told (honesty.ts),
 * then, while the key is still throttled, RATE-3's backoff from the last 429.
 * What it found goes into the episode and the run's rate profile.
 */
async function honestRecovery(session: RunSession, raw: Client, throttled: Reply[], last: Reply, out: Episode): Promise<NonNullable<Episode['recovery']>> {
  const result = await waitAsTold(raw, throttled);
  const probes = result.steps.map((s) => s.probe);
  const final = probes.at(-1);
  const told = result.steps.reduce((ms, s) => ms + Math.max(0, s.probe.sentAt - s.throttled.doneAt), 0);
  const servedAlready = final !== undefined && final.status >= 200 && final.status < 300;
  const backoff = servedAlready ? undefined : await recover(raw, final ?? last);
  const served = servedAlready ? final : backoff?.recovered ? backoff.last : undefined;
  // The 429s that came after the judged one, up to the first request served.
  const judged = result.steps.at(-1);
  const after = judged ? [judged.probe.status, ...(backoff?.attempts ?? [])] : [];
  const record = honestyRecord(result, served, after.filter((status) => status === 429).length);
  out.honesty = { result, record };
  session.retryAfterHonesty = record;
  return {
    recovered: served !== undefined, waitedMs: Math.round(told) + (backoff?.waitedMs ?? 0),
    attempts: [...probes.map((p) => p.status), ...(backoff?.attempts ?? [])], after: result.steps[0]?.throttled ?? last,
  };
}

/** Fresh 429s a keyed retry waits out (each by its own Retry-After); still throttled after them, the key did not recover (RATE-3). */
const MAX_KEYED_WAITS = 6;

/** A 429 answered from a store: marked as a replay, or carrying the first 429's request id. */
export function isReplayOf(reply: Reply, first: Reply): boolean {
  return reply.headers.get('idempotent-replayed') === 'true' || (reply.status === 429 && jsonIfUsable(reply)?.error?.request_id !== undefined && jsonIfUsable(reply)?.error?.request_id === jsonIfUsable(first)?.error?.request_id);
}
