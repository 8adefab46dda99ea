// The full profile reports exactly its checks: the quick profile's (FUZZ left
// out here for time: the quick run proves them), every committed pact
// interaction, and the LOAD stage's checks against the embedded mock. Every one
// passes but the LOAD latency thresholds, whose verdict depends on this
// machine's speed: they must be judged (pass or fail), never left out.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIO_NAMES } from '../../core/load-results.js';
import { slug } from '../../pact/contract.js';
import { QUICK_PROFILE_CHECKS } from './expected-checks.js';
import { ROOT, runCertify } from './run-certify.js';

const PACT = readdirSync(join(ROOT, 'contracts/pacts')).filter((f) => f.endsWith('.json'))
  .flatMap((f) => (JSON.parse(readFileSync(join(ROOT, 'contracts/pacts', f), 'utf8')) as { interactions: { description: string }[] }).interactions.map((i) => `pact.${slug(i.description)}`));
const LOAD = [...SCENARIO_NAMES.flatMap((s) => ['ran', 'no-5xx', 'retry-after', 'contract'].map((k) => `load.${s}.${k}`)), 'load.billing',
  'load.threshold.p99-lt-800', 'load.threshold.errors-lt-1pct', 'load.threshold.http_5xx-eq-0'];
/** What a machine's speed decides, not the provider: judged, but not asserted to pass. */
const SPEED = new Set(['load.threshold.p99-lt-800']);
/** Retry-After under load is judged on the 429s the load met: the embedded mock's limit may not be reached (a skip saying so). */
const WHEN_THROTTLED = new Set(SCENARIO_NAMES.map((s) => `load.${s}.retry-after`));

describe('certify --profile full', () => {
  it('reports exactly the quick checks, every pact interaction and the LOAD checks', async () => {
    // IDEM-1's key lifetime probe waits 120 s by default in full; 5 s proves the same path within CI's budget.
    const run = await runCertify(['--profile', 'full', '--skip', 'FUZZ', '--idempotency-probe-after', '5', '--quiet'], { timeoutMs: 400_000 });
    expect(run.doc, run.stderr.slice(0, 500)).toBeDefined();
    const expected = [...QUICK_PROFILE_CHECKS.filter((id) => !id.startsWith('fuzz.')), ...PACT, ...LOAD].sort();
    expect(run.doc!.checks.map((c) => c.id).sort()).toEqual(expected);
    expect(PACT.length).toBe(19);
    const notPassed = run.doc!.checks.filter((c) => c.status !== 'pass' && !SPEED.has(c.id) && !(WHEN_THROTTLED.has(c.id) && c.status === 'skip' && /^no 429 under this load/.test(c.message)))
      .map((c) => `${c.id}: ${c.status} ${c.message.slice(0, 200)}`);
    expect(notPassed).toEqual([]);
    for (const id of SPEED) expect(['pass', 'fail'], id).toContain(run.doc!.checks.find((c) => c.id === id)?.status);
    expect(run.doc!.load?.scenarios.map((s) => s.name)).toEqual([...SCENARIO_NAMES]);
    // The probe waited: keys proven to live at least the 5 s asked for.
    const lived = Number(/keys lived at least ([\d.]+) s/.exec(run.doc!.checks.find((c) => c.id === 'idem.ttl')?.message ?? '')?.[1]);
    expect(lived).toBeGreaterThanOrEqual(5);
  }, 480_000);
});
