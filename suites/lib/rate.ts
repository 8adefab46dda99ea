/**
 * Finding a provider's rate limit instead of assuming one (RATE-1), and the
 * floods the RATE, AUTH-3, OBS-1 and IDEM-6 probes are built from. A limit can
 * be 5/s or 1,000/s: discovery floods one key with growing concurrency (enough
 * to outrun the refill) until the first 429, bounded by --burst-max requests and
 * 15 s, using RateLimit / RateLimit-Policy as a hint when they are sent, then
 * keeps the key saturated for a moment to measure the refill. The run paces its
 * normal traffic below what it found.
 */
import { backoffMs, parseRetryAfter } from './backoff.js';
import { Client, type Exchange, type Reply } from './client.js';
import type { KeyRole, RunConfig } from './config.js';
import { Blocked, TransportError } from './errors.js';
import { MAX_RETRY_AFTER_MS } from './gate.js';
import type { RunSession } from './session.js';

import type { RateProfile } from '../../core/results.js';

export type { RateProfile } from '../../core/results.js';

export interface Discovery {
  profile: RateProfile;
  /** 429 responses seen while discovering (RATE-2 and OBS-1 judge these; no second flood needed). */
  throttled: Reply[];
  exchanges: Exchange[];
}

const DISCOVERY_SECONDS = 15;
/** After the first 429 the key rests this long; what the next burst gets through is the refill. */
const REFILL_REST_MS = 500;
const MAX_CONCURRENCY = 256;
/** GET /v1/jobs?limit=1: cheap, side-effect free, and on /v1 where RATE-1 applies. */
const FLOOD_PATH = '/v1/jobs?limit=1';

export interface FloodState {
  sent: number;
  throttled: Reply[];
  admitted: Reply[];
  transportErrors: number;
  first429At: number | undefined;
  peakConcurrency: number;
  startedAt: number;
}

export interface FloodOptions {
  key: KeyRole;
  startConcurrency: number;
  maxRequests: number;
  maxMs: number;
  /** Stop launching once this holds (checked after every completion). */
  done(state: FloodState): boolean;
  /** Called once, when the flood holds the key throttled (a probe goes out under pressure). */
  onThrottled?(state: FloodState): void;
  /**
   * How many answers in a row must be 429 before onThrottled (default 1: the
   * first). Against a fast refill (1,000/s) one 429 only says the bucket was
   * empty for a moment; a run of them says the flood is outpacing the refill,
   * so a probe sent then meets an empty bucket.
   */
  throttledRun?: number;
  /**
   * Extra flood requests launched at once, just before onThrottled: the tokens a
   * server hands out at the head of its next batch go to them rather than to the
   * probes onThrottled sends. Counted and recorded like the rest of the flood.
   */
  cover?: number;
}

/**
 * Keeps `concurrency` side-effect-free requests in flight with one key,
 * doubling it each round that sees no 429, until `done` or a bound.
 */
export async function flood(raw: Client, opts: FloodOptions): Promise<FloodState> {
  const state: FloodState = { sent: 0, throttled: [], admitted: [], transportErrors: 0, first429At: undefined, peakConcurrency: opts.startConcurrency, startedAt: performance.now() };
  let concurrency = opts.startConcurrency;
  let completedAtThisLevel = 0;
  let run429 = 0;
  let notified = false;
  const runNeeded = Math.max(1, opts.throttledRun ?? 1);
  const inflight = new Set<Promise<void>>();
  const bounded = (): boolean => state.sent >= opts.maxRequests || performance.now() - state.startedAt >= opts.maxMs || state.transportErrors > 20 || opts.done(state);
  const launch = (): void => {
    state.sent++;
    const p: Promise<void> = raw.get(FLOOD_PATH, { key: opts.key, retry429: false, bypassGate: true, lean: true }).then(
      (r) => {
        if (r.status === 429) {
          state.throttled.push(r);
          state.first429At ??= r.doneAt;
          // A long flood that never strings enough 429s together still probes, once it has seen plenty.
          if (!notified && (++run429 >= runNeeded || state.throttled.length >= 4 * runNeeded)) {
            notified = true;
            for (let i = 0; i < (opts.cover ?? 0); i++) launch();
            opts.onThrottled?.(state);
          }
        } else {
          run429 = 0;
          if (r.status >= 200 && r.status < 300) state.admitted.push(r);
        }
        if (state.first429At === undefined && ++completedAtThisLevel >= concurrency) {
          concurrency = Math.min(MAX_CONCURRENCY, concurrency * 2);
          state.peakConcurrency = Math.max(state.peakConcurrency, concurrency);
          completedAtThisLevel = 0;
        }
      },
      (err: unknown) => {
        if (!(err instanceof TransportError)) throw err;
        state.transportErrors++;
      },
    ).finally(() => { inflight.delete(p); });
    inflight.add(p);
  };
  for (;;) {
    while (inflight.size < concurrency && !bounded()) launch();
    if (inflight.size === 0) break;
    await Promise.race(inflight);
  }
  if (state.transportErrors > 20) throw new TransportError(`${state.transportErrors} of ${state.sent} requests of a burst got no response`);
  return state;
}

/** RateLimit-Policy `q=` (the quota) and RateLimit `r=` (what remains), IETF draft syntax; legacy X-RateLimit-* too. */
function hintFrom(r: Reply): { policy: string | null; quota: number | null; remaining: number | null } {
  const policy = r.headers.get('ratelimit-policy');
  const num = (v: string | null | undefined, re: RegExp): number | null => {
    const m = v ? re.exec(v) : null;
    return m ? Number(m[1]) : null;
  };
  const quota = num(policy, /(?:^|[;,\s])q=(\d+)/) ?? num(r.headers.get('x-ratelimit-limit'), /^(\d+)/);
  const remaining = num(r.headers.get('ratelimit'), /(?:^|[;,\s])r=(\d+)/) ?? num(r.headers.get('x-ratelimit-remaining'), /^(\d+)/);
  return { policy, quota, remaining };
}

/**
 * Discovers the limit of one key. The caller holds that key's gate exclusively.
 * The refill is measured cheaply: after the first 429 the key rests for
 * REFILL_REST_MS, then one burst of the observed size shows how much came back.
 */
export async function discover(raw: Client, config: RunConfig, key: KeyRole = 'primary'): Promise<Omit<Discovery, 'exchanges'>> {
  const maxRequests = config.burstMax;
  const first = await raw.get(FLOOD_PATH, { key, retry429: false, bypassGate: true });
  if (first.status === 429) {
    // Someone (an earlier run?) left the key throttled: wait as asked once, then start afresh.
    const wait = Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, parseRetryAfter(first.headers.get('retry-after'), first.headers.get('date')) ?? backoffMs(0)));
    await raw.pause(wait);
  }
  const hint = hintFrom(first);
  const expected = hint.remaining ?? hint.quota;
  const start = expected !== null ? Math.min(MAX_CONCURRENCY, Math.max(8, Math.ceil(expected / 4))) : 8;
  const t0 = performance.now();
  const state = await flood(raw, { key, startConcurrency: start, maxRequests, maxMs: DISCOVERY_SECONDS * 1000, done: (s) => s.first429At !== undefined });
  const first429 = state.throttled.reduce<Reply | undefined>((a, r) => (!a || r.doneAt < a.doneAt ? r : a), undefined);
  const profile: RateProfile = {
    key, throttled: first429 !== undefined, requests_before_first_429: null, sent: state.sent + 1, elapsed_ms: 0,
    peak_concurrency: state.peakConcurrency, refill_per_second: null, refill_window_ms: 0, retry_after: null, retry_after_ms: null,
    policy_header: hint.policy, hinted_quota: hint.quota, bound: { requests: maxRequests, seconds: DISCOVERY_SECONDS }, pacing: null,
  };
  const throttled = [...state.throttled];
  if (first429) {
    // Admitted requests that went out before the bucket ran dry: the burst the key allows.
    const burst = state.admitted.filter((r) => r.sentAt < first429.doneAt).length + (first.status < 300 ? 1 : 0);
    profile.requests_before_first_429 = burst;
    profile.retry_after = first429.headers.get('retry-after');
    profile.retry_after_ms = parseRetryAfter(profile.retry_after, first429.headers.get('date')) ?? null;
    const rest = performance.now() + REFILL_REST_MS;
    await raw.pause(REFILL_REST_MS);
    const probeSize = Math.min(maxRequests, Math.max(4, burst + 4));
    const refill = await flood(raw, { key, startConcurrency: Math.min(MAX_CONCURRENCY, probeSize), maxRequests: probeSize, maxMs: DISCOVERY_SECONDS * 1000, done: () => false });
    // Tokens keep coming while the burst goes out: the window runs from the rest to the last request admitted.
    const restStart = rest - REFILL_REST_MS;
    const window = Math.max(REFILL_REST_MS, ...refill.admitted.map((r) => r.sentAt - restStart));
    profile.refill_window_ms = Math.round(window);
    profile.refill_per_second = Math.round((refill.admitted.length / window) * 10_000) / 10;
    profile.sent += refill.sent;
    throttled.push(...refill.throttled);
    const last = throttled.reduce((a, r) => (r.doneAt > a.doneAt ? r : a));
    profile.pacing = pacingFor(profile);
    raw.gates.for(key).note429(parseRetryAfter(last.headers.get('retry-after'), last.headers.get('date')));
  }
  profile.elapsed_ms = Math.round(performance.now() - t0);
  return { profile, throttled };
}

/**
 * Normal traffic is paced at 85% of the observed refill (or of the burst per
 * Retry-After window when nothing came back while resting), with bursts of
 * two thirds of the observed burst, so concurrent checks rarely see a 429
 * (and when they do, the gate waits it out).
 */
function pacingFor(p: RateProfile): RateProfile['pacing'] {
  const burst = Math.max(1, Math.floor(((p.requests_before_first_429 ?? 3) * 2) / 3));
  const windowS = Math.max(1, (p.retry_after_ms ?? 1000) / 1000);
  const refill = p.refill_per_second && p.refill_per_second > 0 ? p.refill_per_second : (p.requests_before_first_429 ?? 1) / windowS;
  return { per_second: Math.max(0.5, Math.round(refill * 0.85 * 10) / 10), burst };
}

/**
 * The run's discovery of the primary key's limit, done once (under the key's
 * exclusive lock) and shared by every check that needs it. Every key is then
 * paced from it: a provider gives its keys the same plan.
 */
export function rateDiscovery(session: RunSession, signal: AbortSignal | undefined): Promise<Discovery> {
  const { config, gates } = session;
  const discovery = (session.discovery ??= (async () => {
    const release = await gates.for('primary').lock.acquire('exclusive', signal);
    try {
      const recorder = session.recorder();
      const raw = new Client(recorder, { retry429: false, ...(signal ? { signal } : {}) });
      const found = await discover(raw, config, 'primary');
      const pacing = found.profile.pacing;
      if (pacing) for (const role of ['primary', 'alt', 'broke'] as const) gates.for(role).pace(pacing.per_second, pacing.burst);
      return { ...found, exchanges: recorder.exchanges };
    } finally {
      release();
    }
  })());
  // A discovery cut short by one check's budget must not poison the others: the next caller retries.
  discovery.catch(() => { if (session.discovery === discovery) session.discovery = undefined; });
  return discovery;
}

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
  const recorder = session.recorder();
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
    const floodOnly = (): Exchange[] => recorder.exchanges.slice(before).filter((e) => e.request.url.endsWith(FLOOD_PATH) && e.key === 'primary');
    if (state.throttled.length === 0) {
      out.floodExchanges.push(...floodOnly());
      return out;
    }
    out.throttled = true;
    out.confirmed &&= state.throttled.some((r) => r.doneAt <= probeSentAt) && state.throttled.some((r) => r.sentAt >= probeSentAt);
    // RATE-3: wait Retry-After, back off with jitter, until the key is served again.
    const last = state.throttled.reduce((a, r) => (r.doneAt > a.doneAt ? r : a));
    const recovery = await recover(raw, last);
    out.recovery = { ...recovery, after: last };
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

/** Fresh 429s a keyed retry waits out (each by its own Retry-After); still throttled after them, the key did not recover (RATE-3). */
const MAX_KEYED_WAITS = 6;

/** A 429 answered from a store: marked as a replay, or carrying the first 429's request id. */
export function isReplayOf(reply: Reply, first: Reply): boolean {
  return reply.headers.get('idempotent-replayed') === 'true' || (reply.status === 429 && reply.json?.error?.request_id !== undefined && reply.json?.error?.request_id === first.json?.error?.request_id);
}

/**
 * RATE-3 as SPEC words it: wait Retry-After, then back off with jitter (1–2 s,
 * 2–4 s, 4–8 s, 8–16 s) until the key is served again.
 */
export async function recover(raw: Client, throttled: Reply, key: KeyRole = 'primary'): Promise<{ recovered: boolean; waitedMs: number; attempts: number[] }> {
  let last = throttled;
  let waited = 0;
  const attempts: number[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const asked = parseRetryAfter(last.headers.get('retry-after'), last.headers.get('date')) ?? 0;
    const wait = Math.min(MAX_RETRY_AFTER_MS, Math.max(asked, backoffMs(attempt)));
    await raw.pause(wait);
    waited += wait;
    last = await raw.get(FLOOD_PATH, { key, retry429: false, bypassGate: true });
    attempts.push(last.status);
    if (last.status !== 429) {
      if (last.status >= 200 && last.status < 300) raw.gates.for(key).noteRecovered();
      return { recovered: last.status >= 200 && last.status < 300, waitedMs: waited, attempts };
    }
  }
  raw.gates.for(key).markStuck(`RATE-3 failed: still 429 after backing off 4 times (${Math.round(waited / 1000)} s)`);
  return { recovered: false, waitedMs: waited, attempts };
}
