/**
 * Resolves `jobcert load`'s settings: flags win over environment variables,
 * which win over the config file: the same settings table, file and variables
 * as certify (scripts/certify/settings.ts). Every problem is a UsageError: exit 2, one line.
 */
import { isFaultName, FAULT_NAMES } from '../../mocks/engine/faults.js';
import { DEFAULT_CAPS, productionHosts, type LoadGuards } from '../../load/guards.js';
import type { RateStage } from '../../load/arrival.js';
import { parseStages } from '../../load/plan.js';
import { DEFAULT_THRESHOLDS, parseThreshold, ThresholdSyntaxError } from '../../load/thresholds.js';
import { isVariantName, VARIANT_NAMES, VARIANTS } from '../../mocks/engine/variants.js';
import { SCENARIO_NAMES, type ScenarioName } from '../../load/types.js';
import { UsageError } from '../cli-errors.js';
import { readConfigFile, readEnv, readFlags, type Values } from '../certify/settings.js';

export interface LoadFlags {
  target?: string;
  apiKey?: string;
  altApiKey?: string;
  loadApiKey?: string[];
  videoUrl?: string;
  scenario?: string;
  connections?: string;
  duration?: string;
  warmup?: string;
  rate?: string;
  stages?: string;
  closedLoop?: boolean;
  findCapacity?: boolean;
  timeout?: string;
  threshold?: string[];
  allowLoad?: boolean;
  maxDuration?: string;
  maxRequests?: string;
  abortAfterErrors?: string;
  out?: string;
  export?: string;
  config?: string;
  quiet?: boolean;
  mockFault?: string[];
  mockVariant?: string[];
  mockRateLimit?: boolean;
  mockLatencyMs?: string;
}

export interface LoadCommandOptions {
  /** undefined: the embedded mock. */
  target?: string;
  /** Given keys in order: --api-key, --alt-api-key, then every --load-api-key. */
  keys: string[];
  videoUrl?: string;
  scenarios: ScenarioName[];
  connections: number;
  /** undefined: long enough for a judged p99 at the rate (load/plan.ts). */
  durationS?: number;
  warmupS: number;
  /** Open model at this rate, or 'closed'; undefined: the default plan. */
  rate?: number | 'closed';
  stages?: RateStage[];
  /** `--find-capacity`: step the rate up until a threshold breaks or the keys' limits are reached. */
  findCapacity: boolean;
  /** `--scenario limiter`: flood the keys past their limits and judge the limiter apart. */
  limiter: boolean;
  timeoutMs: number;
  thresholds: string[];
  guards: LoadGuards;
  out?: string;
  export?: 'k6';
  quiet: boolean;
  mock: { faults: string[]; variants: string[]; rateLimit: boolean; latencyMs?: number };
}

function integer(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** The service scenarios, and whether the limiter is judged too (`limiter`: never by default, it floods on purpose). */
function parseScenarios(raw: string[] | undefined): { scenarios: ScenarioName[]; limiter: boolean } {
  if (raw === undefined) return { scenarios: [...SCENARIO_NAMES], limiter: false };
  const known = [...SCENARIO_NAMES, 'limiter'];
  if (raw.length === 0) throw new UsageError(`--scenario: name at least one of ${known.join(', ')}`);
  for (const s of raw) if (!known.includes(s)) throw new UsageError(`--scenario: unknown scenario "${s}" (${known.join(', ')})`);
  return { scenarios: [...new Set(raw.filter((s) => s !== 'limiter'))] as ScenarioName[], limiter: raw.includes('limiter') };
}

/** certify's clips (settings.ts reads and checks them, facts and all); load uses the first clip's URL. */
const firstVideo = (clips: Values['videoUrl']): string | undefined => clips?.[0]?.url;

/** Each threshold must parse (k6-like syntax), whichever command was given it. */
export function checkThresholds(thresholds: readonly string[]): void {
  for (const t of thresholds) {
    try {
      parseThreshold(t);
    } catch (err) {
      throw new UsageError(`--threshold ${err instanceof ThresholdSyntaxError ? err.message : String(err)}`);
    }
  }
}

export function resolveLoadOptions(flags: LoadFlags, env: NodeJS.ProcessEnv = process.env): LoadCommandOptions {
  // The same settings table as certify: one config file, one JOBCERT_* variable per setting, one message per bad value.
  const merged: Values = { ...(flags.config ? readConfigFile(flags.config) : {}), ...readEnv(env), ...readFlags(flags as Record<string, unknown>) };

  if (flags.export !== undefined && flags.export !== 'k6') throw new UsageError(`--export: only k6 is supported, got ${JSON.stringify(flags.export)}`);
  if (flags.export && !flags.out) throw new UsageError('--export k6 needs --out FILE (the script to write, e.g. scenario.js)');

  const target = merged.target?.replace(/\/+$/, '');
  const keys = [merged.apiKey, merged.altApiKey, ...(merged.loadApiKeys ?? [])].filter((k): k is string => k !== undefined);
  if (new Set(keys).size !== keys.length) throw new UsageError('the API keys given (--api-key, --alt-api-key, --load-api-key) must differ');
  const videoUrl = firstVideo(merged.videoUrl);
  if (target !== undefined && !flags.export) {
    if (keys.length === 0) throw new UsageError('--target needs --api-key (or JOBCERT_API_KEY); --load-api-key adds more keys to spread the load over');
    if (videoUrl === undefined) throw new UsageError('--target needs --video-url (or JOBCERT_VIDEO_URL): a clip the provider can process');
  }

  const faults = flags.mockFault ?? [];
  const unknown = faults.find((f) => !isFaultName(f));
  if (unknown) throw new UsageError(`--mock-fault: unknown fault "${unknown}"; known faults: ${FAULT_NAMES.join(', ')}`);
  const variants = flags.mockVariant ?? [];
  const unknownVariant = variants.find((v) => !isVariantName(v));
  if (unknownVariant) throw new UsageError(`--mock-variant: unknown variant "${unknownVariant}"; known variants: ${VARIANT_NAMES.join(', ')}`);
  const latencyMs = integer('--mock-latency-ms', flags.mockLatencyMs, 1, 60_000);
  if (target !== undefined && (faults.length > 0 || variants.length > 0 || flags.mockRateLimit || latencyMs !== undefined)) throw new UsageError('--mock-fault, --mock-variant, --mock-rate-limit and --mock-latency-ms apply to the embedded mock only, not to --target');
  const limiterVariant = variants.find((v) => (VARIANTS[v as keyof typeof VARIANTS] as { group?: string }).group === 'limiter');
  if (limiterVariant && flags.mockRateLimit) throw new UsageError(`--mock-variant ${limiterVariant} sets the mock's limit; leave out --mock-rate-limit`);
  if (merged.closedLoop && (merged.rate !== undefined || merged.stages !== undefined)) throw new UsageError('--closed-loop sends as fast as answers come: leave out --rate and --stages');
  if (merged.rate !== undefined && merged.stages !== undefined) throw new UsageError('--rate and --stages both set the rate; give one');
  let stages: RateStage[] | undefined;
  try { stages = merged.stages !== undefined ? parseStages(merged.stages) : undefined; } catch (err) { throw new UsageError((err as Error).message); }
  if (stages && merged.duration !== undefined) throw new UsageError('--stages set the duration; leave out --duration');
  if (flags.findCapacity && (merged.closedLoop || stages)) throw new UsageError('--find-capacity steps an open-model rate itself: leave out --closed-loop and --stages');
  if (flags.export && merged.scenarios?.includes('limiter')) throw new UsageError('--export k6: the limiter scenario is jobcert\'s own (it floods, then times each key\'s recovery); export the service scenarios');
  if (latencyMs !== undefined && !faults.includes('load-latency')) throw new UsageError('--mock-latency-ms sets the delay of --mock-fault load-latency; add that fault');

  const thresholds = merged.thresholds?.length ? merged.thresholds : [...DEFAULT_THRESHOLDS];
  checkThresholds(thresholds);
  return {
    ...(target !== undefined ? { target } : {}),
    keys,
    ...(videoUrl !== undefined ? { videoUrl } : {}),
    ...parseScenarios(merged.scenarios),
    connections: merged.connections ?? 10,
    ...(merged.duration !== undefined ? { durationS: merged.duration } : {}),
    warmupS: merged.warmup ?? 1,
    ...(merged.closedLoop ? { rate: 'closed' as const } : merged.rate !== undefined ? { rate: merged.rate } : {}),
    ...(stages ? { stages } : {}),
    findCapacity: Boolean(flags.findCapacity),
    timeoutMs: merged.timeout ?? 10_000,
    thresholds: [...new Set(thresholds)],
    guards: {
      allowLoad: Boolean(merged.allowLoad),
      productionHosts: productionHosts(merged.productionHosts),
      maxDurationS: merged.maxDuration ?? DEFAULT_CAPS.maxDurationS,
      maxRequests: merged.maxRequests ?? DEFAULT_CAPS.maxRequests,
      abortAfterErrors: merged.abortAfterErrors ?? DEFAULT_CAPS.abortAfterErrors,
    },
    ...(flags.out !== undefined ? { out: flags.out } : {}),
    ...(flags.export ? { export: 'k6' as const } : {}),
    quiet: Boolean(merged.quiet),
    mock: { faults, variants, rateLimit: Boolean(flags.mockRateLimit), ...(latencyMs !== undefined ? { latencyMs } : {}) },
  };
}
