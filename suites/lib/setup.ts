/**
 * Worker setup: when certify runs the embedded mock in-process (msw transport),
 * the worker gets its own engine with the run's faults and variants, and fetch
 * to the target never leaves the process.
 */
import { setupServer } from 'msw/node';
import { afterAll } from 'vitest';
import { createEngine, mswHandlers } from '../../mocks/index.js';
import { runConfig } from './config.js';
import { memoryLog } from './logs.js';

const config = runConfig();
if (config.embedded?.transport === 'msw') {
  const engine = createEngine({
    faults: config.embedded.faults,
    variants: config.embedded.variants,
    processingMs: config.embedded.processingMs,
    accounts: [
      { name: 'primary', key: config.keys.primary, credits: 1_000_000 },
      ...(config.keys.alt ? [{ name: 'second', key: config.keys.alt, credits: 1_000_000 }] : []),
      ...(config.keys.broke ? [{ name: 'zero-credit', key: config.keys.broke, credits: 0 }] : []),
    ],
    log: (entry) => { memoryLog.push(JSON.stringify(entry)); },
  });
  const server = setupServer(...mswHandlers(engine, config.target));
  server.listen({ onUnhandledRequest: 'error' });
  afterAll(() => server.close());
}
