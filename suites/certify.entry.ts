// The one test file `jobcert certify` runs: every family's checks, registered
// in SPEC order. They run concurrently (vitest's sequence.concurrent, bounded by
// --concurrency) in this single worker, so they share one gate per key
// (lib/gate.ts) and one rate-limit discovery (lib/rate.ts). --only/--skip
// select checks by name.
import './auth.suite.js';
import './rate.suite.js';
import './idem.suite.js';
import './obs.suite.js';
import './err-val.suite.js';
import './life.suite.js';
import './schema.suite.js';
// Last: its long checks hold the keys' shared gates, so the floods (exclusive) go first.
import './fuzz.suite.js';

// Discover the rate limit before any check sends traffic, so the burst it sees
// is the key's full allowance and every check is paced from the start; only
// when a selected check uses it (--only OBS-4 needs no flood). A failure here is
// reported by the checks that need it (they retry it).
import { beforeAll, type RunnerTestSuite } from 'vitest';
import { usesDiscovery } from './lib/check.js';
import { runConfig } from './lib/config.js';
import { rateDiscovery } from './lib/rate.js';

function selected(suite: RunnerTestSuite): string[] {
  return suite.tasks.flatMap((t) => (t.type === 'suite' ? selected(t) : t.mode === 'run' ? [t.name] : []));
}

// vitest hands the suite as the second argument; the first must be a destructured fixtures object.
// eslint-disable-next-line no-empty-pattern
beforeAll(async ({}, suite) => {
  if (!selected(suite as RunnerTestSuite).some((name) => usesDiscovery.has(name))) return;
  const config = runConfig();
  await rateDiscovery(config, AbortSignal.timeout(Math.max(1, config.deadlineAt - Date.now()))).catch(() => undefined);
}, 60_000);
