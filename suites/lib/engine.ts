/**
 * The engine: runs the selected checks of one run session, at most
 * `concurrency` at once (they share each key's gate, so a flood runs alone on
 * its key while the others wait), the rate-limit discovery first when a check
 * needs it, in SPEC order or shuffled (--shuffle: no check may depend on
 * another's order), those that run last (`runsLast`) once every other has
 * ended. It returns one CheckResult per check, in SPEC order. A stop
 * (an interrupt) or the run deadline ends the run: what finished is reported,
 * a check cut short is `unfinished`, one never started is `not run`.
 */
import { rng } from '../../mocks/engine/seeded.js';
import { checkResult, type CheckResult } from '../../core/results.js';
import { runCheck, type CheckDefinition } from './check.js';
import { rateDiscovery, type RateProfile } from './rate/discovery.js';
import type { RunSession } from './session.js';

export interface EngineOptions {
  concurrency: number;
  /** Start the checks in an order drawn from this seed. */
  shuffle?: number;
  /** Each result as it comes (the console's progress). */
  onResult?: (result: CheckResult) => void;
  /**
   * Resolves, with why, when the run is to stop at once (an interrupt); the
   * engine then gives the running checks `windDownMs` to end.
   */
  stopped?: Promise<string>;
  windDownMs?: number;
  /** How long checks may take to end themselves once the run deadline passed. */
  deadlineGraceMs?: number;
  /** What a check cut short by the deadline is told, in the user's terms. */
  deadlineReason?: string;
}

export interface EngineRun {
  results: CheckResult[];
  /** The run's rate-limit discovery, when a check used it. */
  rateProfile?: RateProfile;
}

const never = new Promise<never>(() => {});
const after = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms).unref(); });

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = rng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const cut = (def: CheckDefinition, message: string): CheckResult => checkResult({ id: def.id, rules: def.rules, title: def.title, status: 'error', message });

export async function runChecks(checks: readonly CheckDefinition[], session: RunSession, opts: EngineOptions): Promise<EngineRun> {
  const results = new Map<CheckDefinition, CheckResult>();
  const running = new Set<CheckDefinition>();
  let rateProfile: RateProfile | undefined;
  let stop: string | undefined;
  void opts.stopped?.then((why) => { stop = why; });

  // Discover the rate limit before any check sends traffic, so the burst it sees is the key's full
  // allowance and every check is paced from the start. A failure here is the checks' to report (they retry it).
  if (checks.some((c) => c.rate || c.pressure)) await Promise.race([rateDiscovery(session, session.signal).catch(() => undefined), opts.stopped ?? never]);

  // Openings go out before any check starts: what a check that runs last judges at the end was sent at the run's start.
  for (const def of checks) {
    if (def.opening && def.skip === undefined && stop === undefined && !session.signal.aborted) await Promise.race([def.opening(session).catch(() => undefined), opts.stopped ?? never]);
  }

  const order = opts.shuffle !== undefined ? shuffled(checks, opts.shuffle) : [...checks];
  // A check that runs last judges what the run's length proves (idem.ttl): it starts once every other check has ended.
  const phases = [order.filter((c) => !c.runsLast), order.filter((c) => c.runsLast)];
  let next = 0;
  let queue: CheckDefinition[] = [];
  const worker = async (): Promise<void> => {
    while (next < queue.length && stop === undefined && !session.signal.aborted) {
      const def = queue[next++] as CheckDefinition;
      running.add(def);
      const { rate_profile: profile, ...result } = await runCheck(def, session);
      running.delete(def);
      rateProfile ??= profile;
      // A check that ended after the stop was cut short by it: its own error says only that its wait was aborted.
      const final = stop !== undefined && result.status === 'error' ? cut(def, `unfinished: ${stop} while it ran`) : result;
      results.set(def, final);
      opts.onResult?.(final);
    }
  };
  const all = phases.reduce<Promise<unknown>>((before, phase) => before.then(() => {
    queue = phase;
    next = 0;
    return Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, phase.length)) }, worker));
  }), Promise.resolve());
  // The deadline aborts every check's signal; they end themselves, with this grace as the backstop.
  const deadline = new Promise<void>((resolve) => session.signal.addEventListener('abort', () => resolve(), { once: true })).then(() => after(opts.deadlineGraceMs ?? 15_000));
  const interrupted = (opts.stopped ?? never).then(() => after(opts.windDownMs ?? 1000));
  await Promise.race([all, deadline, interrupted]);

  const why = stop ?? opts.deadlineReason ?? 'the run deadline passed';
  const out = checks.map((def) => results.get(def) ?? (running.has(def) ? cut(def, `unfinished: ${why} while it ran`) : cut(def, `not run: ${why} before it started`)));
  // The episode's first recovery measured Retry-After's honesty after discovery made the profile.
  const honesty = session.retryAfterHonesty;
  const profile = rateProfile && honesty ? { ...rateProfile, retry_after_honesty: honesty } : rateProfile;
  return { results: out, ...(profile ? { rateProfile: profile } : {}) };
}
