/**
 * A check is data: `defineCheck` (or a suite's `check(...)`) makes a
 * CheckDefinition (id, the rules it cites, title, what it needs, its gates and
 * budget, and the function that judges), and `runCheck` runs one within a run
 * session and returns its CheckResult. The engine (engine.ts) picks and
 * schedules them; nothing here knows a test runner.
 *
 * Each check first takes its keys' gates (shared, or exclusive for floods and
 * for counting a key's jobs), then runs within its own time budget and the run
 * deadline. What it throws is judged here: a broken rule it cites is `fail`,
 * a rule it only relied on is `error` (not judged), so blame stays precise.
 */
import { ruleById } from '../../contracts/rules.js';
import { checkResult, familyOf, levelOf, reproFor, type CheckResult, type ClipRow, type Status } from '../../core/results.js';
import { requestIdsOf } from '../../core/exchange.js';
import { Client, type Exchange, type Recorder, type TransportFailure } from './client.js';
import type { KeyRole, RunConfig } from './config.js';
import { Blocked, CheckFailure, NotJudged, OutOfTime, RuleBroken, TransportError, type Finding } from './errors.js';
import { rateDiscovery, type Discovery } from './rate/discovery.js';
import { pressureEpisode, throttledWritesAct, type Episode } from './rate/episode.js';
import type { RunSession } from './session.js';

export { CheckFailure, fail, broken } from './errors.js';

export type { ClipRow } from '../../core/results.js';

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
  /** The run this check belongs to: its gates, discovery and episode. */
  session: RunSession;
  note(message: string): void;
  clip(row: ClipRow): void;
  recorder: Recorder;
  /** The run's rate-limit discovery; present when the check declared `rate` or `pressure`. */
  rate: Discovery | undefined;
  /** The probes sent while the primary key was throttled; present when the check declared `pressure`. */
  episode: Episode | undefined;
  /** Aborts when the check's budget or the run deadline runs out, or the run is stopped. */
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
  /** The check judges the run's pressure episode (one flood, every throttled-state probe: rate/episode.ts). */
  pressure?: boolean;
  /** Skip it with this reason (a FUZZ replay of one other check, a provider configured without a policy). */
  skip?: string;
  /** Start only once every other check of the run has ended, shuffled or not: its verdict rests on what the run's length proves (idem.ttl). */
  runsLast?: boolean;
  /**
   * A first step the engine runs before any check starts (after the rate-limit discovery): what a check that
   * runs last will judge at the end, sent at the run's start (idem.ttl's keyed write). It keeps what it sent in
   * the session; a failure is the check's to report when it finds nothing there.
   */
  opening?: (session: RunSession) => Promise<void>;
}

export interface CheckDefinition extends CheckOptions {
  id: string;
  rules: string[];
  /** The id's prefix, upper-cased: AUTH, FUZZ, SCHEMA… */
  family: string;
  /** SHOULD only when every cited rule is a SHOULD; a check citing no rule (SCHEMA) gates. */
  level: 'must' | 'should';
  title: string;
  run(t: CheckContext): Promise<void>;
}

export function defineCheck(spec: { id: string; rules: string[]; title: string; run: (t: CheckContext) => Promise<void> } & CheckOptions): CheckDefinition {
  return { ...spec, family: familyOf(spec.id), level: levelOf(spec.rules) };
}

/** How a suite declares its checks: positional, in the order they read best in a suite file. */
export type DeclareCheck = (id: string, rules: string[], title: string, run: (t: CheckContext) => Promise<void>, opts?: CheckOptions) => void;

/** A family's checks for a run's configuration (a check per configured clip, a skip decided by a setting). */
export interface Suite {
  family: string;
  checks(config: RunConfig): CheckDefinition[];
}

export function suite(family: string, declare: (check: DeclareCheck, config: RunConfig) => void): Suite {
  return {
    family,
    checks(config) {
      const out: CheckDefinition[] = [];
      declare((id, rules, title, run, opts = {}) => { out.push(defineCheck({ id, rules, title, run, ...opts })); }, config);
      return out;
    },
  };
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

/** Whom a thrown error blames: the check itself only for a rule it cites. */
function judged(err: unknown, rules: string[], seen: Seen): unknown {
  if (err instanceof RuleBroken) {
    if (!rules.includes(err.rule)) return new NotJudged(`not judged: ${err.message}`);
    // The report leads with the rule and what SPEC requires of it, then what came back.
    return new CheckFailure(err.message.startsWith(`${err.rule}: `) ? err.message : `${err.rule}: ${err.message}`, { rule: err.rule, requires: ruleById(err.rule)?.title ?? err.rule, observed: err.message });
  }
  if (err instanceof Blocked) seen.blocked = true;
  return err;
}

/** A verdict against the check: a failure, or a rule it cites broken (the FUZZ runner throws those). */
const isFailure = (err: unknown, rules: string[]): err is Error => err instanceof CheckFailure || (err instanceof RuleBroken && rules.includes(err.rule));

/**
 * A check that failed after some of its writes were throttled and retried:
 * when the run proved a throttled start has effects (RATE-5 broken), what it
 * saw may be the throttled copy's doing, so it is not judged. On a provider
 * that keeps RATE-5, the failure stands.
 */
async function rejudged(err: unknown, rules: string[], recorder: Recorder, session: RunSession): Promise<unknown> {
  if (!isFailure(err, rules) || recorder.throttledWrites === 0 || rules.includes('RATE-5')) return err;
  const episode = await rateDiscovery(session, session.signal).then((d) => pressureEpisode(session, d, session.signal)).catch(() => undefined);
  if (!episode || !throttledWritesAct(episode)) return err;
  return new NotJudged(`not judged: ${recorder.throttledWrites} of its writes were throttled (429) and retried, and a throttled start has effects on this provider (RATE-5), so this may be the throttled copy's doing: ${err.message}`);
}

/** What a check saw besides its verdict. */
interface Seen {
  notes: string[];
  clip?: ClipRow;
  blocked?: boolean;
  rate?: Discovery;
}

/**
 * Runs one check in its run: skip when an input is missing, else take the
 * discovery and gates it declared, run it within its budget, and turn what it
 * threw into a status and a message.
 */
export async function runCheck(def: CheckDefinition, session: RunSession): Promise<CheckResult & { rate_profile?: Discovery['profile'] }> {
  const { config } = session;
  const t0 = performance.now();
  const missing = (def.needs ?? []).filter((n) => !hasNeed(config, n));
  if (missing.length > 0 || def.skip !== undefined) {
    const why = def.skip ?? missing.map((n) => NEED_TEXT[n]).join('; ');
    return checkResult({ id: def.id, rules: def.rules, title: def.title, status: 'skip', message: why });
  }
  const recorder = session.recorder(def.id, def.rules);
  const seen: Seen = { notes: [] };
  const releases: (() => void)[] = [];
  const budget = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let thrown: { err: unknown } | undefined;
  try {
    const rate = def.rate || def.pressure ? await rateDiscovery(session, session.signal) : undefined;
    if (rate) seen.rate = rate;
    const episode = def.pressure && rate ? await pressureEpisode(session, rate, session.signal) : undefined;
    const uses: KeyRole[] = ['primary', ...(['alt', 'broke'] as const).filter((k) => def.needs?.includes(k) || def.exclusive?.includes(k))];
    for (const role of uses) releases.push(await session.gates.for(role).lock.acquire(def.exclusive?.includes(role) ? 'exclusive' : 'shared', session.signal));
    const budgetMs = def.timeoutMs ?? 60_000;
    timer = setTimeout(() => budget.abort(new OutOfTime(`the check's time budget of ${budgetMs / 1000} s ran out`)), budgetMs);
    const signal = AbortSignal.any([budget.signal, session.signal]);
    await def.run({
      client: new Client(recorder, { retry429: true, signal }), raw: new Client(recorder, { retry429: false, signal }),
      config, session, recorder, rate, episode, signal,
      note: (m) => seen.notes.push(recorder.redact(m)),
      clip: (row) => { seen.clip = row; },
    });
  } catch (err) {
    thrown = { err };
  } finally {
    clearTimeout(timer);
    for (const release of releases.reverse()) release();
  }
  // Judged once the check's gates are released: re-judging may need the pressure episode, which takes the key alone.
  const verdict = thrown ? judged(await rejudged(thrown.err, def.rules, recorder, session), def.rules, seen) : undefined;
  const { status, message, finding } = outcome(verdict, seen, recorder, def);
  const exchanges = recorder.exchanges;
  const failures = exchanges.flatMap((e) => (e.transport ? [e.transport] : []));
  const kept = evidence(exchanges);
  const result = checkResult({
    id: def.id, rules: def.rules, title: def.title, status, message, ...(finding ? { finding } : {}),
    duration_ms: Math.round(performance.now() - t0), requests: exchanges.length, ...(seen.blocked ? { blocked: true } : {}),
    ...(failures.length > 0 ? { transport: Object.fromEntries([...new Set(failures)].map((k) => [k, failures.filter((f) => f === k).length])) as Partial<Record<TransportFailure, number>> } : {}),
    evidence: kept, request_ids: requestIdsOf(exchanges), repro: reproFor(kept, status), notes: seen.notes, ...(seen.clip ? { clip: seen.clip } : {}),
  });
  return { ...result, ...(seen.rate ? { rate_profile: seen.rate.profile } : {}) };
}

/**
 * The finding of a failure that did not state one: the rule is the one of the
 * check's rules the message names (or its only rule), and SPEC's requirement
 * is that rule's wording; with neither, the check's title says what it wanted.
 */
function findingOf(message: string, def: CheckDefinition): Finding {
  const named = [...message.matchAll(/\b([A-Z]+-\d+)\b/g)].map((m) => m[1] as string).find((r) => def.rules.includes(r));
  const rule = named ?? (def.rules.length === 1 ? def.rules[0] : undefined);
  const requires = (rule ? ruleById(rule)?.title : undefined) ?? def.title;
  return { ...(rule ? { rule } : {}), requires, observed: message };
}

/** A thrown error as a status: a verdict against the check fails it; anything else means it could not be judged. */
function outcome(err: unknown, seen: Seen, recorder: Recorder, def: CheckDefinition): { status: Status; message: string; finding?: Finding } {
  if (err === undefined) return { status: 'pass', message: seen.notes.length ? `passed; ${seen.notes.join('; ')}` : 'passed' };
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof CheckFailure) {
    const f = e.finding ?? findingOf(e.message, def);
    return { status: 'fail', message: recorder.redact(e.message), finding: { ...f, requires: recorder.redact(f.requires), observed: recorder.redact(f.observed) } };
  }
  // The harness's own error kinds say what happened in their message; anything else is the harness's, never a verdict.
  if (e instanceof TransportError || e instanceof OutOfTime || e instanceof NotJudged || e instanceof Blocked) {
    const prefix = e instanceof TransportError ? 'transport: ' : e instanceof OutOfTime ? 'out of time: ' : '';
    return { status: 'error', message: recorder.redact(`${prefix}${e.message}`) };
  }
  return { status: 'error', message: recorder.redact(unexpected(e, recorder)) };
}

/**
 * A check that broke on its own (a TypeError reading a member of an answer,
 * say): when it had met an answer it could not read, that answer is why;
 * otherwise the harness says it could not judge, with the error and the last
 * exchange, so the report shows what it was reading.
 */
function unexpected(e: Error, recorder: Recorder): string {
  const unusable = recorder.unusable.at(-1);
  if (unusable) return `not judged: ${unusable.blame ? `${unusable.blame}: ` : ''}${unusable.why}`;
  const last = recorder.exchanges.at(-1);
  const exchange = last ? `; its last exchange: ${last.request.method} ${last.request.url} → ${last.response ? String(last.response.status) : (last.error ?? 'no answer')}` : '';
  return `harness could not judge: ${e.name}: ${e.message}${exchange}`;
}

