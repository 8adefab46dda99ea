/**
 * What one verification run learns, interaction by interaction. The verifier
 * brackets every interaction with state setup calls (one per provider state,
 * even for stateless ones) and teardown calls, so the request filter files each
 * exchange under the interaction in flight, and the state handlers note skips
 * and setup errors. A failed setup gets no teardown, so a setup call opens a
 * new interaction unless it adds another state to one still being set up.
 */
import type { Exchange } from '../core/exchange.js';

export interface InteractionRecord {
  states: string[];
  exchanges: Exchange[];
  /** Set when a state could not be set up for lack of configuration (a key, a media URL). */
  skipped?: string;
  /** Set when a state setup failed against the target. */
  stateError?: string;
  notes: string[];
  /** Still in its setup phase: no request and no teardown yet. */
  settingUp: boolean;
}

export class VerificationSession {
  readonly interactions: InteractionRecord[] = [];

  setup(state: string): InteractionRecord {
    const cur = this.current;
    if (cur && cur.settingUp && !cur.skipped && !cur.stateError && !cur.states.includes(state)) {
      cur.states.push(state);
      return cur;
    }
    const record: InteractionRecord = { states: [state], exchanges: [], notes: [], settingUp: true };
    this.interactions.push(record);
    return record;
  }

  /** The verified request went out: later setup calls belong to the next interaction. */
  requested(): void {
    if (this.current) this.current.settingUp = false;
  }

  teardown(): void {
    if (this.current) this.current.settingUp = false;
  }

  get current(): InteractionRecord | undefined {
    return this.interactions.at(-1);
  }
}
