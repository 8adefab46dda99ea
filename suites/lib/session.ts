/**
 * One certification run's state, made by the engine and handed to every check
 * through its context: the configuration, the key gates, the rate-limit
 * discovery and pressure episode (each done once per run), the embedded mock's
 * log lines. Nothing of a run lives in a module, so two runs in one process
 * (the library call, the vitest adapter) never share a gate or a discovery.
 */
import { Recorder } from './client.js';
import type { RunConfig } from './config.js';
import { OutOfTime } from './errors.js';
import { KeyGates } from './gate.js';
import type { Discovery } from './rate/discovery.js';
import type { Episode } from './rate/episode.js';

export class RunSession {
  readonly gates = new KeyGates();
  /** The run's discovery and pressure episode, memoised by rate/discovery.ts and rate/episode.ts. */
  discovery: Promise<Discovery> | undefined;
  episode: Promise<Episode> | undefined;
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
  }

  /** A recorder for one check (or for discovery), on the run's gates. */
  recorder(): Recorder {
    return new Recorder(this.config, this.gates);
  }

  /** Stops every check at once (an interrupt): their waits and requests end with `reason`. */
  stop(reason: Error): void {
    this.stopper.abort(reason);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
