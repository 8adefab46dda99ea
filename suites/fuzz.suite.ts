// FUZZ: property-based fuzzing on fast-check, against any target. Bodies come
// from the contract (contracts/fuzz/: every valid shape, one targeted violation,
// raw breakage), sequences from a model of the state machine and billing; each
// check cites the rules it judges, prints its seed, shrinks a failure to the
// minimal request(s) with a curl, and replays exactly with --seed/--fuzz-path.
// Paced by the key gates like every check; bounded by --fuzz-runs and --fuzz-seconds.
import { describe } from 'vitest';
import { check, type CheckContext } from './lib/check.js';
import { runConfig } from './lib/config.js';
import { parseFuzzPath, timeoutFor } from './fuzz/budget.js';
import { FUZZ_RULES, FUZZ_TITLES, type FuzzCheckId } from './fuzz/catalogue.js';
import { normalizationProperty, replayProperty } from './fuzz/metamorphic.js';
import { modelProperty } from './fuzz/model.js';
import { invalidProperty, rawProperty, rejectedProperty, validProperty } from './fuzz/payloads.js';
import { runFuzz, type FuzzContext, type FuzzProperty } from './fuzz/runner.js';

const config = runConfig();
const replay = parseFuzzPath(config.fuzz?.path);

function options(id: FuzzCheckId): { rate: true; timeoutMs: number; skip?: string } {
  const skip = replay && replay.check !== id ? `--fuzz-path replays one case of ${replay.check} only` : undefined;
  return { rate: true, timeoutMs: timeoutFor(config, id), ...(skip ? { skip } : {}) };
}

/** Runs a property inside a check (the check's client, budget signal and notes). */
const fuzz = <T>(make: (ctx: FuzzContext) => FuzzProperty<T>) => async (t: CheckContext): Promise<void> => {
  const ctx: FuzzContext = { client: t.client, config: t.config, recorder: t.recorder, signal: t.signal, note: t.note };
  await runFuzz(ctx, make(ctx));
};

describe('FUZZ', () => {
  // The sequences first: their waits on processing make them the longest.
  check('fuzz.model', FUZZ_RULES['fuzz.model'], FUZZ_TITLES['fuzz.model'], fuzz(modelProperty), options('fuzz.model'));
  check('fuzz.valid', FUZZ_RULES['fuzz.valid'], FUZZ_TITLES['fuzz.valid'], fuzz(validProperty), options('fuzz.valid'));
  check('fuzz.invalid', FUZZ_RULES['fuzz.invalid'], FUZZ_TITLES['fuzz.invalid'], fuzz(invalidProperty), options('fuzz.invalid'));
  check('fuzz.raw', FUZZ_RULES['fuzz.raw'], FUZZ_TITLES['fuzz.raw'], fuzz(rawProperty), options('fuzz.raw'));
  check('fuzz.rejected-unchanged', FUZZ_RULES['fuzz.rejected-unchanged'], FUZZ_TITLES['fuzz.rejected-unchanged'], fuzz(rejectedProperty), options('fuzz.rejected-unchanged'));
  check('fuzz.normalization', FUZZ_RULES['fuzz.normalization'], FUZZ_TITLES['fuzz.normalization'], fuzz(normalizationProperty), options('fuzz.normalization'));
  check('fuzz.replay', FUZZ_RULES['fuzz.replay'], FUZZ_TITLES['fuzz.replay'], fuzz(replayProperty), options('fuzz.replay'));
});
