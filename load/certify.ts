/**
 * The LOAD family as `jobcert certify --profile full` runs it: a short load of
 * every scenario with the default thresholds, on the target being certified,
 * or on the embedded mock started for it in its own process (rate limit off,
 * the run's mock faults on), so the load measures a server that does not share
 * certify's event loop. Returns the checks (family LOAD) and the results for
 * the reports (`doc.load`).
 */
import { DEFAULT_ACCOUNTS } from '../mocks/engine/accounts.js';
import { startEmbeddedMock } from '../mocks/process/start.js';
import { DEFAULT_CAPS, productionHosts } from './guards.js';
import { runLoadStage, type LoadStageOptions, type LoadStageOutput } from './stage.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';

/**
 * Every scenario, each long enough for a judged p99 (1,000 non-429 answers):
 * on the embedded mock, its fixed rate for about 3 s each; on a target, at
 * 0.8 × its load keys' discovered limits, as long as that takes within the caps.
 */
export const CERTIFY_LOAD = { scenarios: ['poll', 'start', 'mixed'], connections: 8, warmupS: 1 } as const;
export const EMBEDDED_LOAD_VIDEO = 'https://media.example.com/clips/load.mp4?duration=5';

export interface CertifyLoadInput {
  /** undefined: the embedded mock. */
  target?: string;
  /** Keys of the certified target (primary first); the embedded mock uses its own. */
  keys: readonly string[];
  videoUrl?: string;
  /** Mock faults of the run (embedded only). */
  faults?: readonly string[];
  allowLoad: boolean;
  productionHosts?: readonly string[];
  timeoutMs: number;
  thresholds?: readonly string[];
  log?: (line: string) => void;
  /** Tests shorten the load. */
  overrides?: Partial<Pick<LoadStageOptions, 'scenarios' | 'connections' | 'durationS' | 'warmupS' | 'rate'>>;
}

export async function runCertifyLoad(input: CertifyLoadInput): Promise<LoadStageOutput> {
  const embedded = input.target === undefined;
  const mock = embedded ? await startEmbeddedMock({ faults: input.faults ?? [], rateLimit: false }) : undefined;
  try {
    return await runLoadStage({
      ...CERTIFY_LOAD, scenarios: [...CERTIFY_LOAD.scenarios], ...input.overrides,
      target: mock?.url ?? (input.target as string),
      keys: embedded ? [DEFAULT_ACCOUNTS[0]!.key, DEFAULT_ACCOUNTS[1]!.key] : input.keys,
      videoUrl: input.videoUrl ?? EMBEDDED_LOAD_VIDEO, timeoutMs: input.timeoutMs, embedded, limiterOff: embedded,
      thresholds: input.thresholds ?? [...DEFAULT_THRESHOLDS],
      guards: { ...DEFAULT_CAPS, allowLoad: input.allowLoad, productionHosts: productionHosts(input.productionHosts) },
      ...(input.log ? { log: input.log } : {}),
    });
  } finally {
    await mock?.close();
  }
}
