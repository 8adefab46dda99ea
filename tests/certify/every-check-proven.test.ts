// Every check id jobcert can put in a report, and where a fault fails it. The
// universe comes from the code (the registry of suites/, the run-wide checks,
// the committed pacts, the LOAD scenarios, the onboarding graders); each id must
// be named, as a string literal beside the fault that fails it, in one of the
// fault tables, and those tables' own tests prove the failure:
//   mock faults   mocks/engine/faults.ts `checks`  → tests/certify/faults.test.ts (FUZZ_ALSO there for FUZZ)
//   sample clients tests/onboard/clients.test.ts `checks` → that file
//   PACT          tests/pact/provider.test.ts (the interaction's slug)
//   LOAD          tests/load/*.test.ts (the check id)
// A check added without a fault that fails it fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIO_NAMES } from '../../core/load-results.js';
import { operations } from '../../contracts/spec.js';
import { FAULTS, type FaultInfo } from '../../mocks/engine/faults.js';
import { slug } from '../../pact/contract.js';
import { registeredChecks } from '../../suites/index.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { DEFAULT_THRESHOLDS } from '../../load/thresholds.js';
import { EMBEDDED_CLIPS, EMBEDDED_FAILING_CLIP } from '../../scripts/certify/run.js';
import { ROOT } from './run-certify.js';

/** Every input a check may need, so none is left out of the registry's list. */
const FULL: RunConfig = {
  target: 'http://127.0.0.1:9', embedded: null, keys: { primary: 'jc_a', alt: 'jc_b', broke: 'jc_c' },
  videos: EMBEDDED_CLIPS, failingVideo: EMBEDDED_FAILING_CLIP, profile: 'full', jobTimeoutS: 10, requestTimeoutMs: 1000,
  deadlineAt: Date.now() + 60_000, concurrency: 6, burstMax: 100, promptPolicy: 'required', logSource: { kind: 'memory', lines: [] },
};

/** Ids that say something about the run, not about the provider: no fault can fail them, and each says why. */
const ABOUT_THE_RUN: Record<string, string> = {
  'pact.verification': 'an error when the verifier itself could not run (a setup problem), never a verdict on the provider',
  'pact.publish': 'an error when the broker did not record the result',
  'load.allowed': 'a skip saying LOAD needs --allow-load',
  'harness.load': 'an error when the suites could not be listed',
};

const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const testFiles = (dir: string): string[] => readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f));
const pactIds = (): string[] => readdirSync(join(ROOT, 'contracts/pacts')).filter((f) => f.endsWith('.json'))
  .flatMap((f) => (JSON.parse(read(join('contracts/pacts', f))) as { interactions: { description: string }[] }).interactions.map((i) => `pact.${slug(i.description)}`));
const cliIds = (): string[] => readdirSync(join(ROOT, 'onboard/grade')).flatMap((f) => [...read(join('onboard/grade', f)).matchAll(/(?:id: |verdict\()'(cli\.[a-z0-9-]+)'/g)].map((m) => m[1] as string));
const thresholdId = (expr: string): string => `load.threshold.${expr.replace('<', '-lt-').replace('==', '-eq-').replace('%', 'pct')}`;

/** The universe, by where it comes from. */
const UNIVERSE: Record<string, string[]> = {
  certify: registeredChecks(FULL).map((c) => c.id),
  'run-wide': [...operations.map((op) => `schema.${op.operationId}`), 'obs.request-id-unique-run'],
  pact: pactIds(),
  load: [
    ...SCENARIO_NAMES.flatMap((s) => ['ran', 'no-5xx', 'retry-after', 'contract'].map((k) => `load.${s}.${k}`)), 'load.billing', ...DEFAULT_THRESHOLDS.map(thresholdId),
    // --find-capacity and --scenario limiter (load/capacity.ts, load/limiter.ts).
    'load.capacity', ...['throttles', 'retry-after', 'no-5xx', 'recovers'].map((k) => `load.limiter.${k}`),
  ],
  onboard: [...new Set(cliIds())],
};

/** Where each id is named beside a fault that fails it. */
function proofOf(id: string): string | undefined {
  const fault = Object.entries(FAULTS).find(([, f]) => ((f as FaultInfo).checks ?? []).includes(id));
  if (fault) return `mock fault ${fault[0]}`;
  // FUZZ also catches faults of other families: FUZZ_ALSO in the fault table names the check beside each.
  if (id.startsWith('fuzz.') && read('tests/certify/faults.test.ts').includes(`'${id}'`)) return 'FUZZ_ALSO in tests/certify/faults.test.ts';
  const literal = (files: string[], text: string): string | undefined => files.find((f) => read(f).includes(`'${text}'`));
  if (id.startsWith('cli.')) return literal(['tests/onboard/clients.test.ts'], id);
  if (id.startsWith('pact.')) return literal(['tests/pact/provider.test.ts'], id.slice('pact.'.length));
  if (id.startsWith('load.')) return literal(testFiles('tests/load'), id);
  return undefined;
}

describe('every check id is failed by a fault', () => {
  it('the universe is what the code produces (no family lost from the list)', () => {
    expect(UNIVERSE.certify!.length).toBeGreaterThanOrEqual(48);
    expect(UNIVERSE['run-wide']).toContain('schema.startJob');
    expect(UNIVERSE.pact!.length).toBeGreaterThanOrEqual(19);
    expect(UNIVERSE.onboard).toEqual(expect.arrayContaining(['cli.api-key', 'cli.idempotency-key', 'cli.validation', 'cli.coverage']));
    expect(thresholdId('p99<800')).toBe('load.threshold.p99-lt-800');
  });

  for (const [source, ids] of Object.entries(UNIVERSE)) {
    it(`${source}: each id is named beside a fault that fails it`, () => {
      const unproven = ids.filter((id) => !(id in ABOUT_THE_RUN) && proofOf(id) === undefined);
      expect(unproven, `check ids no fault table names (add a fault and name the id beside it)`).toEqual([]);
    });
  }
});
