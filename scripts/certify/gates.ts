/** A run's gates from its options (--baseline, --baseline-update, `waivers`), and the baseline update after the run. */
import { updatedBaseline } from '../../core/gates/baseline.js';
import type { GateInputs } from '../../core/gates/apply.js';
import type { Baseline, BaselineChange, Waiver } from '../../core/gates/model.js';
import type { Compliance } from '../../core/results.js';
import { writeBaseline } from './baseline-file.js';

export interface GateOptions {
  /** --baseline: the file, and what it held (nothing yet when --baseline-update is to create it). */
  baseline?: { file: string; doc?: Baseline; update: boolean };
  waivers: Waiver[];
}

/** What the gates need of a run, or undefined when it has neither a baseline nor a waiver. */
export function gateInputsOf(g: GateOptions | undefined, target: string, startedAt: Date): GateInputs | undefined {
  if (!g || (g.baseline === undefined && g.waivers.length === 0)) return undefined;
  return {
    ...(g.baseline ? { baseline: { file: g.baseline.file, doc: g.baseline.doc ?? { baseline_version: 1, entries: [] } } } : {}),
    waivers: g.waivers, target, today: startedAt.toISOString().slice(0, 10),
  };
}

/**
 * --baseline-update: the file rewritten from this run (core/gates/baseline.ts),
 * unless the run was interrupted (it saw too little to drop anything), and
 * what changed recorded in the document, so every report says it.
 */
export function updateBaselineFile(doc: Compliance, g: GateOptions | undefined, interrupted: boolean): BaselineChange | undefined {
  const b = doc.gates?.baseline;
  if (!g?.baseline?.update || !b) return undefined;
  const today = doc.started_at.slice(0, 10);
  let change: BaselineChange;
  if (interrupted) {
    change = { written: false, why: 'the run was interrupted', added: [], dropped: [], kept: b.entries };
  } else {
    const next = updatedBaseline(g.baseline.doc, b.outcomes, doc.checks, today);
    try {
      writeBaseline(g.baseline.file, next.baseline);
      change = { written: true, ...next.change };
    } catch (err) {
      change = { written: false, why: `it could not be written (${err instanceof Error ? err.message : String(err)})`, ...next.change };
    }
  }
  b.update = change;
  return change;
}
