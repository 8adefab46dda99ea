// FUZZ: property-based fuzzing on fast-check, against any target. Bodies come
// from the contract (contracts/fuzz/: every valid shape, one targeted violation,
// raw breakage), sequences from a model of the state machine and billing; each
// check cites the rules it judges, prints its seed, shrinks a failure to the
// minimal request(s) with a curl, and replays exactly with --seed/--fuzz-path.
// Paced by the key gates like every check; bounded by --fuzz-runs and --fuzz-seconds.
import { suite, type CheckContext } from './lib/check.js';
import type { RunConfig } from './lib/config.js';
import { parseFuzzPath, timeoutFor } from './fuzz/budget.js';
import { FUZZ_RULES, FUZZ_TITLES, type FuzzCheckId } from './fuzz/catalogue.js';
import { normalizationProperty, replayProperty } from './fuzz/metamorphic.js';
import { modelProperty } from './fuzz/model.js';
import { invalidProperty, rawProperty, rejectedProperty, validProperty } from './fuzz/payloads.js';
import { runFuzz, type FuzzContext, type FuzzProperty } from './fuzz/runner.js';

function options(config: RunConfig, id: FuzzCheckId): { rate: true; timeoutMs: number; skip?: string } {
  const replay = parseFuzzPath(config.fuzz?.path);
  const skip = replay && replay.check !== id ? `--fuzz-path replays one case of ${replay.check} only` : undefined;
  return { rate: true, timeoutMs: timeoutFor(config, id), ...(skip ? { skip } : {}) };
}

/** Runs a property inside a check (the check's client, budget signal and notes). */
const fuzz = <T>(make: (ctx: FuzzContext) => FuzzProperty<T>) => async (t: CheckContext): Promise<void> => {
  const ctx: FuzzContext = { client: t.client, config: t.config, recorder: t.recorder, signal: t.signal, note: t.note };
  await runFuzz(ctx, make(ctx));
};

export const FUZZ = suite('FUZZ', (check, config) => {
  // The sequences first: their waits on processing make them the longest.
  check('fuzz.model', FUZZ_RULES['fuzz.model'], FUZZ_TITLES['fuzz.model'], fuzz(modelProperty), options(config, 'fuzz.model'));
  check('fuzz.valid', FUZZ_RULES['fuzz.valid'], FUZZ_TITLES['fuzz.valid'], fuzz(validProperty), options(config, 'fuzz.valid'));
  check('fuzz.invalid', FUZZ_RULES['fuzz.invalid'], FUZZ_TITLES['fuzz.invalid'], fuzz(invalidProperty), options(config, 'fuzz.invalid'));
  check('fuzz.raw', FUZZ_RULES['fuzz.raw'], FUZZ_TITLES['fuzz.raw'], fuzz(rawProperty), options(config, 'fuzz.raw'));
  check('fuzz.rejected-unchanged', FUZZ_RULES['fuzz.rejected-unchanged'], FUZZ_TITLES['fuzz.rejected-unchanged'], fuzz(rejectedProperty), options(config, 'fuzz.rejected-unchanged'));
  check('fuzz.normalization', FUZZ_RULES['fuzz.normalization'], FUZZ_TITLES['fuzz.normalization'], fuzz(normalizationProperty), options(config, 'fuzz.normalization'));
  check('fuzz.replay', FUZZ_RULES['fuzz.replay'], FUZZ_TITLES['fuzz.replay'], fuzz(replayProperty), options(config, 'fuzz.replay'));
});
