/**
 * The target of a run: the provider the user named, or the embedded mock
 * brought up on an ephemeral loopback port in a process of its own (so its
 * event loop and jobcert's do not compete, as with a real provider; floods
 * outrun a fast refill), or in-process through msw (fetch to the target never
 * leaves the process), with its log wired as the OBS-4 log source. `close()`
 * stops what was started.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, DEFAULT_PROCESSING_MS } from '../../mocks/engine/engine.js';
import { startEmbeddedMock, type EmbeddedMock } from '../../mocks/process/start.js';
import type { RunConfig } from '../../suites/lib/config.js';
import type { CertifyOptions } from './options.js';

/** in-process only; the loopback discard port if interception ever failed. */
export const MSW_TARGET = 'http://127.0.0.1:9';

export interface Target {
  url: string;
  logSource: RunConfig['logSource'];
  /** Scratch space of this run (the mock's log), removed by close(). */
  scratch: string;
  close(): Promise<void>;
}

export async function bringUpTarget(opts: CertifyOptions, keys: { primary: string; alt?: string; broke?: string }): Promise<Target> {
  const scratch = await mkdtemp(join(tmpdir(), 'jobcert-'));
  if (opts.target !== undefined) return { url: opts.target, logSource: undefined, scratch, close: () => rm(scratch, { recursive: true, force: true }) };
  if (opts.mock.transport === 'msw') return inProcess(opts, keys, scratch);
  const logPath = join(scratch, 'mock.log');
  let mock: EmbeddedMock;
  try {
    mock = await startEmbeddedMock({
      faults: opts.mock.faults, variants: opts.mock.variants, logPath,
      keys: { primary: keys.primary, ...(keys.alt ? { second: keys.alt } : {}), ...(keys.broke ? { broke: keys.broke } : {}) },
    });
  } catch (err) {
    await rm(scratch, { recursive: true, force: true });
    throw err;
  }
  return {
    url: mock.url, logSource: { kind: 'file', path: logPath }, scratch,
    close: async () => {
      await mock.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/** Undefined when the target answers GET /health at all; otherwise why not (exit 3). */
export async function unreachable(target: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const res = await fetch(`${target}/health`, { redirect: 'manual', signal: AbortSignal.timeout(Math.min(timeoutMs, 5000)) });
    await res.body?.cancel();
    return undefined;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return e.name === 'TimeoutError' ? 'no answer within 5 s' : (e.cause?.code ?? e.cause?.message ?? e.message);
  }
}

/**
 * The embedded mock in this process: msw answers fetch to MSW_TARGET from an
 * engine of the run's own. msw is loaded here, on demand: a run over HTTP never
 * needs it, and it is a good part of a run's start-up.
 */
async function inProcess(opts: CertifyOptions, keys: { primary: string; alt?: string; broke?: string }, scratch: string): Promise<Target> {
  const [{ setupServer }, { mswHandlers }] = await Promise.all([import('msw/node'), import('../../mocks/adapters/msw.js')]);
  const lines: string[] = [];
  const engine = createEngine({
    faults: opts.mock.faults, variants: opts.mock.variants, processingMs: DEFAULT_PROCESSING_MS,
    accounts: [
      { name: 'primary', key: keys.primary, credits: 1_000_000 },
      ...(keys.alt ? [{ name: 'second', key: keys.alt, credits: 1_000_000 }] : []),
      ...(keys.broke ? [{ name: 'zero-credit', key: keys.broke, credits: 0 }] : []),
    ],
    log: (entry) => { lines.push(JSON.stringify(entry)); },
  });
  const server = setupServer(...mswHandlers(engine, MSW_TARGET));
  // Only the run's own requests go to MSW_TARGET; anything else this process fetches is none of the mock's business.
  server.listen({ onUnhandledRequest: 'bypass' });
  return {
    url: MSW_TARGET, logSource: { kind: 'memory', lines }, scratch,
    close: async () => {
      server.close();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
