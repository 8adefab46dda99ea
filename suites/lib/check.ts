/**
 * `check()` declares one certification check as a vitest test. Its name is
 * `<id> [<rule IDs>] <title>`, so `--only AUTH-4` can select it; its meta
 * carries what the reports need (rules, level, evidence, request ids), which
 * vitest hands to the certify reporter.
 *
 * Checks run concurrently (certify sets vitest's `sequence.concurrent`). Each
 * one first takes its keys' gates (shared, or exclusive for floods and for
 * counting a key's jobs), then runs within its own time budget and the run
 * deadline. What it throws is judged here: a broken rule it cites is `fail`,
 * a rule it only relied on is `error` (not judged), so blame stays precise.
 */
import { test, type TestContext } from 'vitest';
import { ruleById } from '../../contracts/rules.js';
import { Client, Recorder, type Exchange, type TransportFailure } from './client.js';
import { runConfig, type KeyRole, type RunConfig } from './config.js';
import { Blocked, CheckFailure, NotJudged, OutOfTime, RuleBroken } from './errors.js';
import { gateFor } from './gate.js';
import { pressureEpisode, rateDiscovery, throttledWritesAct, type Discovery, type Episode, type RateProfile } from './rate.js';

export { CheckFailure, fail, broken } from './errors.js';

export interface ClipRow { label: string; url: string; status?: string; processing_ms?: number; credits?: number }

export interface CheckMeta {
  id: string;
  rules: string[];
  family: string;
  level: 'must' | 'should';
  title: string;
  exchanges: Exchange[];
  exchanges_total: number;
  request_ids: string[];
  notes: string[];
  skip_reason?: string;
  clip?: ClipRow;
  /** Ended at once because a key it needs is stuck (RATE-3). */
  blocked?: boolean;
  /** The run's rate-limit discovery, carried by every check that used it. */
  rate_profile?: RateProfile;
  /** Requests of this check that got no response, by what the transport did. */
  transport?: Partial<Record<TransportFailure, number>>;
}

declare module 'vitest' {
  interface TaskMeta { jobcert?: CheckMeta }
}

export type Need = 'alt' | 'broke' | 'logSource' | 'failingVideo';
const NEED_TEXT: Record<Need, string> = {
  alt: 'needs --alt-api-key (a key of another account)',
  broke: 'needs --broke-api-key (a key with no credits)',
  logSource: 'needs --log-source (provider logs)',
  failingVideo: 'needs --failing-video-url (a source that fails processing)',
};

export interface CheckContext {
  client: Client;
  /** A client that does not retry 429 (RATE checks). */
  raw: Client;
  config: RunConfig;
  note(message: string): void;
  clip(row: ClipRow): void;
  recorder: Recorder;
  /** The run's rate-limit discovery; present when the check declared `rate` or `pressure`. */
  rate: Discovery | undefined;
  /** The probes sent while the primary key was throttled; present when the check declared `pressure`. */
  episode: Episode | undefined;
  /** Aborts when the check's budget or the run deadline runs out. */
  signal: AbortSignal;
}

export interface CheckOptions {
  needs?: Need[];
  /** The check's own time budget, counted once its gates are taken (default 60 s). */
  timeoutMs?: number;
  /** Keys the check must have to itself: floods, or counting a key's jobs. */
  exclusive?: KeyRole[];
  /** The check needs the run's rate-limit discovery (done once, before its gates are taken). */
  rate?: boolean;
  /** The check judges the run's pressure episode (one flood, every throttled-state probe: rate.ts). */
  pressure?: boolean;
  /** Skip it with this reason, decided when the suite loads (a FUZZ replay of one other check). */
  skip?: string;
}

const EVIDENCE_HEAD = 12;
const EVIDENCE_TAIL = 18;

function evidence(exchanges: Exchange[]): Exchange[] {
  if (exchanges.length <= EVIDENCE_HEAD + EVIDENCE_TAIL) return exchanges;
  const kept = new Set([...exchanges.slice(0, EVIDENCE_HEAD), ...exchanges.slice(-EVIDENCE_TAIL), ...exchanges.filter((e) => e.violations.length > 0 || e.transport !== undefined).slice(0, 20)]);
  return exchanges.filter((e) => kept.has(e));
}

function hasNeed(config: RunConfig, need: Need): boolean {
  if (need === 'alt') return config.keys.alt !== undefined;
  if (need === 'broke') return config.keys.broke !== undefined;
  if (need === 'logSource') return config.logSource !== undefined;
  return config.failingVideo !== undefined;
}

let deadline: AbortSignal | undefined;
/** One signal per worker that aborts at the run deadline. */
function deadlineSignal(config: RunConfig): AbortSignal {
  if (!deadline) {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new OutOfTime('the run deadline (--max-duration) passed')), Math.max(0, config.deadlineAt - Date.now())).unref();
    deadline = controller.signal;
  }
  return deadline;
}

/** Whom a thrown error blames: the check itself only for a rule it cites. */
function judged(err: unknown, rules: string[], meta: CheckMeta): unknown {
  if (err instanceof RuleBroken) return rules.includes(err.rule) ? new CheckFailure(err.message) : new NotJudged(`not judged: ${err.message}`);
  if (err instanceof Blocked) meta.blocked = true;
  return err;
}

const isFailure = (err: unknown): err is Error => err instanceof CheckFailure || (err instanceof Error && err.name === 'AssertionError');

/**
 * A check that failed after some of its writes were throttled and retried:
 * when the run proved a throttled start has effects (RATE-5 broken), what it
 * saw may be the throttled copy's doing, so it is not judged. On a provider
 * that keeps RATE-5, the failure stands.
 */
async function rejudged(err: unknown, rules: string[], recorder: Recorder, config: RunConfig, signal: AbortSignal): Promise<unknown> {
  if (!isFailure(err) || recorder.throttledWrites === 0 || rules.includes('RATE-5')) return err;
  const episode = await rateDiscovery(config, signal).then((d) => pressureEpisode(config, d, signal)).catch(() => undefined);
  if (!episode || !throttledWritesAct(episode)) return err;
  return new NotJudged(`not judged: ${recorder.throttledWrites} of its writes were throttled (429) and retried, and a throttled start has effects on this provider (RATE-5), so this may be the throttled copy's doing: ${err.message}`);
}

/** Names of the checks that use the rate-limit discovery, so it can run first when one of them is selected. */
export const usesDiscovery = new Set<string>();

export function check(id: string, rules: string[], title: string, fn: (t: CheckContext) => Promise<void>, opts: CheckOptions = {}): void {
  const family = id.split('.')[0]?.toUpperCase() ?? 'OTHER';
  // SHOULD only when every cited rule is a SHOULD; a check citing no rule (SCHEMA) gates.
  const level = rules.length > 0 && rules.every((r) => ruleById(r)?.level === 'should') ? 'should' : 'must';
  const config = runConfig();
  // vitest's own timeout is only a backstop: budgets and the deadline end a check first.
  const backstop = Math.max(10_000, config.deadlineAt - Date.now() + 20_000);
  const name = `${id} [${rules.join(' ')}] ${title}`;
  if (opts.rate || opts.pressure) usesDiscovery.add(name);
  test(name, { timeout: backstop }, async (ctx: TestContext) => {
    const recorder = new Recorder(config);
    const meta: CheckMeta = { id, rules, family, level, title, exchanges: [], exchanges_total: 0, request_ids: [], notes: [] };
    ctx.task.meta.jobcert = meta;
    const missing = (opts.needs ?? []).filter((n) => !hasNeed(config, n));
    if (missing.length > 0 || opts.skip !== undefined) {
      meta.skip_reason = opts.skip ?? missing.map((n) => NEED_TEXT[n]).join('; ');
      ctx.skip(meta.skip_reason);
      return;
    }
    const runDeadline = deadlineSignal(config);
    const releases: (() => void)[] = [];
    const budget = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let failure: { err: unknown } | undefined;
    try {
      const rate = opts.rate || opts.pressure ? await rateDiscovery(config, runDeadline) : undefined;
      if (rate) meta.rate_profile = rate.profile;
      const episode = opts.pressure && rate ? await pressureEpisode(config, rate, runDeadline) : undefined;
      const uses: KeyRole[] = ['primary', ...(['alt', 'broke'] as const).filter((k) => opts.needs?.includes(k) || opts.exclusive?.includes(k))];
      for (const role of uses) releases.push(await gateFor(role).lock.acquire(opts.exclusive?.includes(role) ? 'exclusive' : 'shared', runDeadline));
      const budgetMs = opts.timeoutMs ?? 60_000;
      timer = setTimeout(() => budget.abort(new OutOfTime(`the check's time budget of ${budgetMs / 1000} s ran out`)), budgetMs);
      const signal = AbortSignal.any([budget.signal, runDeadline]);
      const client = new Client(recorder, { retry429: true, signal });
      const raw = new Client(recorder, { retry429: false, signal });
      await fn({
        client, raw, config, recorder, rate, episode, signal,
        note: (m) => meta.notes.push(recorder.redact(m)),
        clip: (row) => { meta.clip = row; },
      });
    } catch (err) {
      failure = { err };
    } finally {
      clearTimeout(timer);
      for (const release of releases.reverse()) release();
      meta.exchanges = evidence(recorder.exchanges);
      meta.exchanges_total = recorder.exchanges.length;
      const failures = recorder.exchanges.flatMap((e) => (e.transport ? [e.transport] : []));
      if (failures.length > 0) meta.transport = Object.fromEntries([...new Set(failures)].map((k) => [k, failures.filter((f) => f === k).length]));
      meta.request_ids = recorder.exchanges.flatMap((e) => (e.request_id ? [e.request_id] : []));
    }
    // Judged once the check's gates are released: re-judging may need the pressure episode, which takes the key alone.
    if (failure) throw judged(await rejudged(failure.err, rules, recorder, config, runDeadline), rules, meta);
  });
}
