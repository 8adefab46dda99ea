/**
 * Runs one FUZZ property in-process against its own mock engine through msw,
 * exactly as the certify check runs it (the suites' recording client, the
 * runner, the property), without the certify process around it. Each run gets
 * its own engine on its own loopback origin (port 9, discard: nothing leaves
 * the process even if interception failed), so runs can overlap.
 */
import { setupServer } from 'msw/node';
import { createEngine, DEFAULT_ACCOUNTS, mswHandlers, type EngineOptions } from '../../mocks/index.js';
import { Client, Recorder, type Exchange } from '../../suites/lib/client.js';
import type { RunConfig } from '../../suites/lib/config.js';
import type { FuzzCheckId } from '../../suites/fuzz/catalogue.js';
import { normalizationProperty, replayProperty } from '../../suites/fuzz/metamorphic.js';
import { modelProperty } from '../../suites/fuzz/model.js';
import { invalidProperty, rawProperty, rejectedProperty, validProperty } from '../../suites/fuzz/payloads.js';
import { runFuzz, type FuzzContext, type FuzzOutcome, type FuzzProperty } from '../../suites/fuzz/runner.js';

export const CLIPS = [
  { label: 'short', url: 'https://media.example.com/clips/short.mp4?duration=5' },
  { label: 'long', url: 'https://media.example.com/clips/long.mp4?duration=45' },
  { label: 'difficult', url: 'https://media.example.com/clips/difficult-hair-and-glass.mp4?duration=20' },
];
export const FAILING_CLIP = 'https://media.example.com/clips/fail-corrupt.mp4';

// Each property as the suite makes it; the map is typed loosely because each property has its own case type.
export const PROPERTIES: Record<FuzzCheckId, (ctx: FuzzContext) => FuzzProperty<any>> = {
  'fuzz.valid': validProperty, 'fuzz.invalid': invalidProperty, 'fuzz.raw': rawProperty, 'fuzz.rejected-unchanged': rejectedProperty,
  'fuzz.normalization': normalizationProperty, 'fuzz.replay': replayProperty, 'fuzz.model': modelProperty,
};

export interface FuzzRun { error?: Error; outcome?: FuzzOutcome; notes: string[]; exchanges: Exchange[]; ms: number }

export interface RunOptions {
  seed: number;
  faults?: string[];
  variants?: string[];
  profile?: 'quick' | 'full';
  fuzz?: RunConfig['fuzz'];
  /** The engine's processing time (default 50 ms: the lifecycle is the same, the waits shorter). */
  processingMs?: number;
  engine?: Partial<EngineOptions>;
}

let origins = 0;

export function fuzzHarness() {
  const server = setupServer();
  server.listen({ onUnhandledRequest: 'error' });

  async function run(check: FuzzCheckId, opts: RunOptions): Promise<FuzzRun> {
    const n = (origins++ % 250) + 2;
    const target = `http://127.0.0.${n}:9`;
    const engine = createEngine({ rateLimit: false, processingMs: opts.processingMs ?? 50, faults: opts.faults ?? [], variants: opts.variants ?? [], ...opts.engine });
    server.use(...mswHandlers(engine, target));
    const config: RunConfig = {
      target, embedded: null, keys: { primary: DEFAULT_ACCOUNTS[0]!.key, alt: DEFAULT_ACCOUNTS[1]!.key, broke: DEFAULT_ACCOUNTS[2]!.key },
      videos: CLIPS, failingVideo: FAILING_CLIP, profile: opts.profile ?? 'quick', seed: opts.seed, ...(opts.fuzz ? { fuzz: opts.fuzz } : {}),
      jobTimeoutS: 10, requestTimeoutMs: 10_000, deadlineAt: Date.now() + 600_000, concurrency: 6, burstMax: 2000, promptPolicy: 'required',
    };
    const recorder = new Recorder(config);
    const signal = AbortSignal.timeout(300_000);
    const client = new Client(recorder, { retry429: true, signal });
    const notes: string[] = [];
    const ctx: FuzzContext = { client, config, recorder, signal, note: (m) => notes.push(m) };
    const t0 = performance.now();
    try {
      const outcome = await runFuzz(ctx, PROPERTIES[check](ctx));
      return { outcome, notes, exchanges: recorder.exchanges, ms: performance.now() - t0 };
    } catch (err) {
      return { error: err as Error, notes, exchanges: recorder.exchanges, ms: performance.now() - t0 };
    }
  }

  return { run, close: () => server.close() };
}
