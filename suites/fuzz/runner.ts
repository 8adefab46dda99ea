/**
 * Runs one FUZZ property with fast-check inside a check: seeded, bounded by
 * cases and seconds, shrinking bounded by runs and seconds, with the check's
 * blame. A case that breaks a rule the check cites is a counterexample and is
 * shrunk; one that breaks another rule is not judged (skipped, counted,
 * noted); anything that is not a verdict at all (the run deadline, a stuck
 * key, a dead target) stops the property and ends the check as `error`.
 *
 * The minimal counterexample is replayed once more at the end, so its requests
 * are the check's last exchanges (the report's curl is the minimal case) and
 * the report can say whether it failed again.
 */
import fc from 'fast-check';
import { curlFor, type Client, type Recorder } from '../lib/client.js';
import type { RunConfig } from '../lib/config.js';
import { CheckFailure, NotJudged, RuleBroken } from '../lib/errors.js';
import { budgetFor, parseFuzzPath, type FuzzCheckId } from './budget.js';

export interface FuzzContext {
  client: Client;
  config: RunConfig;
  recorder: Recorder;
  signal: AbortSignal;
  note(message: string): void;
}

export interface FuzzProperty<T> {
  check: FuzzCheckId;
  /** The rules the check cites: only these make a counterexample. */
  rules: readonly string[];
  arbitrary: fc.Arbitrary<T>;
  /** Sends one case and judges it; throws RuleBroken / CheckFailure / an assertion when a rule breaks. */
  run(value: T): Promise<void>;
  /** The case in words: the report's minimal counterexample. */
  show(value: T): string;
  /** A label to count cases by (the report says how many of each kind ran). */
  kind?(value: T): string;
  /** What else replaying the case needs besides seed and path (fast-check's replay path of a command sequence). */
  tag?(value: T): string | undefined;
}

export interface FuzzOutcome { cases: number; skipped: number; seconds: number; stoppedBy: 'cases' | 'time' | 'replay' }

/** What a failing property found, carried by the error it throws (the tests read it; the report has it in words). */
export interface Counterexample { check: FuzzCheckId; seed: number; path: string | undefined; value: unknown; cases: number; shrinks: number; reproduced: boolean }
export const counterexampleOf = (err: unknown): Counterexample | undefined => (err as { counterexample?: Counterexample } | null)?.counterexample;

const isVerdict = (err: unknown, rules: readonly string[]): boolean =>
  err instanceof CheckFailure || (err instanceof Error && err.name === 'AssertionError') || (err instanceof RuleBroken && rules.includes(err.rule));

/** How many times the minimal case is run at the end before the provider is called intermittent. */
const REPLAYS = 3;

/** A new seed when none is configured (certify always passes one; the tests may not). */
export const seedOf = (config: RunConfig): number => config.seed ?? Math.floor(Math.random() * 2_147_483_646);

export function replayCommand(check: FuzzCheckId, seed: number, path?: string): string {
  return `jobcert certify --only FUZZ --seed ${seed}${path ? ` --fuzz-path ${check}:${path}` : ''}`;
}

export async function runFuzz<T>(ctx: FuzzContext, prop: FuzzProperty<T>): Promise<FuzzOutcome> {
  const budget = budgetFor(prop.check, ctx.config);
  const seed = seedOf(ctx.config);
  const replay = parseFuzzPath(ctx.config.fuzz?.path);
  const replaying = replay?.check === prop.check ? replay.path : undefined;
  const t0 = performance.now();
  const state = {
    phase: 'search' as 'search' | 'shrink', cases: 0, skipped: 0, shrinkRuns: 0, shrinkDeadline: 0,
    infra: undefined as { err: unknown } | undefined, stoppedByTime: false, tooManySkips: false, shrinkCut: false,
  };
  const notJudged = new Map<string, number>();
  const kinds = new Map<string, number>();
  const interrupt = (): fc.PreconditionFailure => new fc.PreconditionFailure(true);

  /** Whether the search must end now (the budget's time, a provider that breaks other rules first, infrastructure). */
  const searchOver = (): boolean => {
    if (state.infra || ctx.signal.aborted) return true;
    if (performance.now() - t0 > budget.seconds * 1000) { state.stoppedByTime = true; return true; }
    if (state.skipped >= 10 && state.skipped > state.cases - state.skipped) { state.tooManySkips = true; return true; }
    return false;
  };

  const budgetPlugin: fc.UniversalPlugin = () => ({
    decorateRun: (nested) => (value) => {
      if (state.infra || ctx.signal.aborted) return interrupt();
      if (state.phase === 'search' && searchOver()) return interrupt();
      if (state.phase === 'shrink') {
        if (state.shrinkRuns >= budget.shrinkRuns || performance.now() > state.shrinkDeadline) { state.shrinkCut = true; return interrupt(); }
        state.shrinkRuns++;
      }
      const settle = <R>(result: R): R | fc.PreconditionFailure => {
        if (result !== null && typeof result === 'object' && !fc.PreconditionFailure.isFailure(result)) {
          const err = (result as { error?: unknown }).error;
          if (!isVerdict(err, prop.rules)) { state.infra = { err }; return interrupt(); }
          if (state.phase === 'search') startShrinking();
        }
        return result;
      };
      const out = nested(value);
      return (out !== null && typeof out === 'object' && 'then' in out ? (out as Promise<unknown>).then(settle) : settle(out)) as ReturnType<typeof nested>;
    },
  });
  const startShrinking = (): void => { state.phase = 'shrink'; state.shrinkDeadline = performance.now() + budget.shrinkSeconds * 1000; };

  /** One case: judged, or skipped when a rule the check does not cite broke first (counted, noted); a verdict or anything else is thrown. */
  const tryCase = async (value: T): Promise<'judged' | 'skipped'> => {
    if (state.phase === 'search') {
      state.cases++;
      const k = prop.kind?.(value);
      if (k) kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    try {
      await prop.run(value);
      return 'judged';
    } catch (err) {
      if (!(err instanceof RuleBroken) || prop.rules.includes(err.rule)) throw err;
      if (state.phase === 'search') state.skipped++;
      const key = `${err.rule}: ${err.message.slice(0, 300)}`;
      notJudged.set(key, (notJudged.get(key) ?? 0) + 1);
      return 'skipped';
    }
  };
  const predicate = async (value: T): Promise<void> => {
    if ((await tryCase(value)) === 'skipped') fc.pre(false);
  };
  const property = fc.asyncProperty(prop.arbitrary, predicate);

  /**
   * The search runs outside fc.check, on the very cases fc.check would run
   * for this seed: fc.sample draws them in the same order (a skipped case
   * keeps its place), so a case's index is its fast-check path. Drawn in one
   * go, a case costs a fraction of what it costs when generation alternates
   * with requests (the arbitraries and the HTTP stack evict each other from
   * the processor's caches). fc.check then replays the failing path alone
   * and shrinks it.
   */
  const search = async (): Promise<{ index: number; value: T; err: unknown } | undefined> => {
    let values = fc.sample(prop.arbitrary, { seed, numRuns: budget.cases });
    let judged = 0;
    for (let i = 0; judged < budget.cases; i++) {
      if (searchOver()) return undefined;
      // Skipped cases do not count, as in fc.check: draw further (the first ones come out the same).
      if (i === values.length) values = fc.sample(prop.arbitrary, { seed, numRuns: values.length * 2 });
      const value = values[i] as T;
      try {
        if ((await tryCase(value)) === 'judged') judged++;
      } catch (err) {
        if (isVerdict(err, prop.rules)) return { index: i, value, err };
        state.infra = { err };
        return undefined;
      }
    }
    return undefined;
  };

  let result: fc.RunDetails<unknown> | undefined;
  let found: { index: number; value: T; err: unknown } | undefined;
  if (replaying) {
    result = await fc.check(property, { seed, numRuns: budget.cases, plugins: [budgetPlugin], maxSkipsPerRun: 1000, path: replaying, endOnFailure: true });
  } else {
    found = await search();
    if (found && !state.infra && !ctx.signal.aborted) {
      startShrinking();
      result = await fc.check(property, { seed, path: String(found.index), plugins: [budgetPlugin], maxSkipsPerRun: 1000 });
    }
  }
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  if (state.infra) throw state.infra.err;
  ctx.signal.throwIfAborted();

  const kindText = kinds.size > 0 ? ` (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')})` : '';
  const skippedText = notJudged.size > 0
    ? `; ${[...notJudged.values()].reduce((a, b) => a + b, 0)} not judged (another rule broke first: ${[...notJudged.keys()].slice(0, 2).join(' | ')})` : '';
  const stoppedBy = replaying ? 'replay' : state.stoppedByTime ? 'time' : 'cases';
  const how = replaying ? `replayed the case at path ${replaying}` : `${state.cases} cases${kindText} in ${seconds} s${state.stoppedByTime ? ` (stopped at the ${budget.seconds} s budget, --fuzz-seconds)` : ''}`;
  ctx.note(`fast-check seed ${seed}: ${how}${skippedText}; replay with ${replayCommand(prop.check, seed)}`);

  const failed = replaying ? result?.failed === true : found !== undefined;
  if (!failed) {
    if (state.tooManySkips || (state.cases > 0 && state.skipped === state.cases)) {
      throw new NotJudged(`not judged: ${state.skipped} of ${state.cases} cases broke a rule this check does not judge first: ${[...notJudged.keys()][0] ?? ''}`);
    }
    return { cases: state.cases, skipped: state.skipped, seconds, stoppedBy };
  }
  if (replaying && result?.counterexample === null) {
    throw new NotJudged(`not judged: fast-check gave up (${state.skipped} cases not judged): ${[...notJudged.keys()][0] ?? 'too many skipped cases'}`);
  }

  // The shrunk case, or, when the failing case passed on its replay (an intermittent provider), that case as it was found.
  const shrunkOne = result?.failed === true && result.counterexample !== null;
  const value = shrunkOne ? (result!.counterexample as unknown as [T])[0] : (found as { value: T }).value;
  const numShrinks = shrunkOne ? result!.numShrinks : 0;
  const casesRun = found ? found.index + 1 : (result as fc.RunDetails<unknown>).numRuns;
  const tag = prop.tag?.(value);
  const rawPath = shrunkOne ? result!.counterexamplePath : found ? String(found.index) : null;
  const path = rawPath === null ? undefined : `${rawPath}${tag ? `@${tag}` : ''}`;
  const first = shrunkOne ? result!.errorInstance : found?.err;
  // Once more, alone and last: the check's final exchanges are the minimal case's requests. A sequence runs in real
  // time (a start may meet its job still processing, or not), so a case that passes is tried up to REPLAYS times
  // before the provider is called intermittent.
  let mark = ctx.recorder.exchanges.length;
  let again: unknown;
  let attempts = 0;
  while (attempts < REPLAYS && !isVerdict(again, prop.rules)) {
    attempts++;
    mark = ctx.recorder.exchanges.length;
    again = undefined;
    try { await prop.run(value); } catch (err) { again = err; }
  }
  const requests = ctx.recorder.exchanges.slice(mark);
  const shrunk = `${numShrinks} shrink${numShrinks === 1 ? '' : 's'}${!shrunkOne && found ? ' (it passed when replayed to shrink it)' : ''}${state.shrinkCut ? ` (shrinking stopped at its bound of ${budget.shrinkRuns} runs / ${budget.shrinkSeconds} s; replay the path to shrink further)` : ''}`;
  ctx.note(`minimal counterexample after ${casesRun} cases and ${shrunk}: ${prop.show(value)}`);
  ctx.note(isVerdict(again, prop.rules) ? `replayed once more at the end: it fails again${attempts > 1 ? ` (on replay ${attempts} of ${REPLAYS}: timing decides it)` : ''}` : `replayed ${REPLAYS} times at the end: it did not fail again (${again instanceof Error ? again.message.slice(0, 200) : 'passed'}): the provider is intermittent`);
  for (const [i, e] of requests.slice(-8).entries()) ctx.note(`request ${i + 1} of the minimal case: ${curlFor(e)}`);
  ctx.note(`replay exactly this case: ${replayCommand(prop.check, seed, path)}`);

  const message = `${first instanceof Error ? first.message : String(first)} — minimal counterexample (seed ${seed}, path ${path ?? '?'}, ${shrunk}): ${prop.show(value)}; replay: ${replayCommand(prop.check, seed, path)}`;
  // A failure of a section without a rule ID (SPEC §1 List) keeps its finding, so the report still names what SPEC requires.
  const error = first instanceof RuleBroken ? new RuleBroken(first.rule, message) : new CheckFailure(message, first instanceof CheckFailure && first.finding ? { ...first.finding, observed: message } : undefined);
  const counterexample: Counterexample = { check: prop.check, seed, path, value, cases: casesRun, shrinks: numShrinks, reproduced: isVerdict(again, prop.rules) };
  Object.defineProperty(error, 'counterexample', { value: counterexample, enumerable: false });
  throw error;
}

/** JSON for messages: long strings cut (the curl in the notes has the exact bytes). */
export function compact(value: unknown, max = 400): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 48)}…(${v.length} chars)` : v));
  return text === undefined ? String(value) : text.length > max ? `${text.slice(0, max)}…` : text;
}
