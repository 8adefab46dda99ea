/**
 * One certification run's state, made by the engine and handed to every check
 * through its context: the configuration, the key gates, the rate-limit
 * discovery and pressure episode (each done once per run), the embedded mock's
 * log lines. Nothing of a run lives in a module, so two runs in one process
 * (the library call, the vitest adapter) never share a gate or a discovery.
 */
import { setMaxListeners } from 'node:events';
import type { Exchange } from '../../core/exchange.js';
import { Recorder } from './client.js';
import type { RunConfig } from './config.js';
import { OutOfTime } from './errors.js';
import { KeyGates } from './gate.js';
import type { Discovery } from './rate/discovery.js';
import type { KeyedWrite } from './keyed-writes.js';
import type { Episode } from './rate/episode.js';

import type { RetryAfterHonesty } from '../../core/results.js';

export class RunSession {
  readonly gates = new KeyGates();
  /** The run's discovery and pressure episode, memoised by rate/discovery.ts and rate/episode.ts. */
  discovery: Promise<Discovery> | undefined;
  episode: Promise<Episode> | undefined;
  /** What the episode's first recovery found of Retry-After's honesty (RATE-3), for the rate-limit section of every report. */
  retryAfterHonesty: RetryAfterHonesty | undefined;
  /** The IDEM checks' first keyed writes, replayed by idem.ttl at the run's end (IDEM-1: keys live 24 h). */
  readonly keyedWrites: KeyedWrite[] = [];
  /** Why idem.ttl's opening write was not kept, when it was not. */
  openingTrouble: string | undefined;
  /** Aborts at the run deadline (--max-duration) or when the run is stopped (an interrupt). */
  readonly signal: AbortSignal;
  private readonly stopper = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly config: RunConfig) {
    const deadline = new AbortController();
    const passed = (): void => deadline.abort(new OutOfTime('the run deadline (--max-duration) passed'));
    // A deadline already behind us aborts now: no check may start on a turn of the event loop.
    if (config.deadlineAt <= Date.now()) passed();
    this.timer = setTimeout(passed, Math.max(0, config.deadlineAt - Date.now()));
    this.timer.unref();
    this.signal = AbortSignal.any([deadline.signal, this.stopper.signal]);
    // Every request, pacing wait and lock of the run listens to this one signal; dozens at once is the design, not a leak.
    setMaxListeners(1000, this.signal);
  }

  /** Every recorder of the run, named by the check (or the run's own step) it records for: the run's traffic. */
  private readonly recorders: { by: string; rules: readonly string[]; recorder: Recorder }[] = [];

  /** A recorder for one check (or for discovery), on the run's gates; what it records joins the run's traffic. */
  recorder(by = 'run', rules: readonly string[] = []): Recorder {
    const recorder = new Recorder(this.config, this.gates);
    this.recorders.push({ by, rules, recorder });
    return recorder;
  }

  /** Every exchange of the run so far, with the check that sent it (exchanges.har, the overview's timeline). */
  traffic(): { check: string; rules: readonly string[]; exchange: Exchange }[] {
    // A check that files discovery's or the episode's exchanges as its own evidence holds the same objects: each is listed once, under the check.
    const seen = new Set<Exchange>();
    const ordered = [...this.recorders.filter((r) => !r.by.startsWith('(')), ...this.recorders.filter((r) => r.by.startsWith('('))];
    return ordered.flatMap(({ by, rules, recorder }) => recorder.exchanges.flatMap((exchange) => {
      if (seen.has(exchange)) return [];
      seen.add(exchange);
      return [{ check: by, rules, exchange }];
    }));
  }

  /** Stops every check at once (an interrupt): their waits and requests end with `reason`. */
  stop(reason: Error): void {
    this.stopper.abort(reason);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
