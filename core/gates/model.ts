/**
 * Release gates a team can live with (issue 20): a baseline of known failures
 * and waivers with an owner and an end. The shapes compliance.json carries
 * (contracts/compliance.schema.json: `gates`, and `gate` on a check) and the
 * baseline file holds (contracts/baseline.schema.json). Dates are UTC days,
 * YYYY-MM-DD; `expires` is the last day an entry or a waiver holds.
 */

/** One known failure: a check and the signature of how it failed (core/gates/signature.ts). */
export interface BaselineEntry {
  check: string;
  rules: string[];
  signature: string;
  /** The finding the signature was made from, readable (`AUTH-6: a 401 carries …`): for a reader, matching ignores it. */
  finding?: string;
  first_seen: string;
  last_seen: string;
  reason?: string;
  ticket?: string;
  expires?: string;
}

export interface Baseline {
  $schema?: string;
  baseline_version: 1;
  entries: BaselineEntry[];
}

/** An exception the config file grants (`waivers`): one rule or one check, with why, whose and until when. */
export interface Waiver {
  rule?: string;
  check?: string;
  reason: string;
  owner: string;
  expires: string;
  /** Only runs against this origin or URL prefix; absent: every target. */
  target?: string;
}

/**
 * A failed check (or a check that could not judge a waived rule) as the gates
 * see it: `new` and `expired` gate, `known` (in the baseline) and `waived` do not.
 */
export interface CheckGate {
  state: 'new' | 'known' | 'waived' | 'expired';
  /** A failure's signature (absent on a check that could not judge). */
  signature?: string;
  baseline?: Pick<BaselineEntry, 'first_seen' | 'last_seen' | 'reason' | 'ticket' | 'expires'>;
  waiver?: Waiver;
  /** Why it gates again, by name: "baseline entry for auth.challenge expired on 2025-01-31". */
  expired?: string;
}

/** A baseline entry and what became of it in this run. */
export interface BaselineOutcome extends BaselineEntry {
  /** known: failed again as recorded; expired: failed again past its `expires`; fixed: its check judged and did not fail so; unobserved: its check did not judge. */
  state: 'known' | 'expired' | 'fixed' | 'unobserved';
  detail: string;
}

export interface WaiverOutcome extends Waiver {
  state: 'used' | 'unused' | 'expired';
  /** The checks and unjudged rules it covered (used), or would have (expired). */
  matched: string[];
  detail: string;
}

/** What --baseline-update did to the file. */
export interface BaselineChange {
  written: boolean;
  /** Why the file was left alone (an interrupted run). */
  why?: string;
  added: string[];
  dropped: string[];
  /** Entries kept: still failing (known or expired) or unobserved. */
  kept: number;
}

export interface Gates {
  /** Failed checks by gate state; `new` and `expired` gate. */
  failures: { new: number; known: number; waived: number; expired: number };
  baseline?: {
    file: string;
    entries: number;
    known: number;
    expired: number;
    fixed: number;
    unobserved: number;
    outcomes: BaselineOutcome[];
    update?: BaselineChange;
  };
  waivers: { used: number; unused: number; expired: number; outcomes: WaiverOutcome[] };
  /** Every expired baseline entry or waiver that met a failure or an unjudged rule, by name: what gates again. */
  expired: string[];
}
