/**
 * Resolves `jobcert load`'s settings: flags win over environment variables,
 * which win over the config file: the same settings table, file and variables
 * as certify (scripts/certify/settings.ts). Every problem is a UsageError: exit 2, one line.
 */
import { isFaultName, FAULT_NAMES } from '../../mocks/engine/faults.js';
import { DEFAULT_CAPS, productionHosts, type LoadGuards } from '../../load/guards.js';
import { DEFAULT_THRESHOLDS, parseThreshold, ThresholdSyntaxError } from '../../load/thresholds.js';
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
  durationS: number;
  warmupS: number;
  rate?: number;
  timeoutMs: number;
  thresholds: string[];
  guards: LoadGuards;
  out?: string;
  export?: 'k6';
  quiet: boolean;
  mock: { faults: string[]; rateLimit: boolean; latencyMs?: number };
}

function integer(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

function parseScenarios(raw: string[] | undefined): ScenarioName[] {
  if (raw === undefined) return [...SCENARIO_NAMES];
  if (raw.length === 0) throw new UsageError(`--scenario: name at least one of ${SCENARIO_NAMES.join(', ')}`);
  for (const s of raw) if (!(SCENARIO_NAMES as readonly string[]).includes(s)) throw new UsageError(`--scenario: unknown scenario "${s}" (${SCENARIO_NAMES.join(', ')})`);
  return [...new Set(raw)] as ScenarioName[];
}

/** certify's --video-url takes `[label=]url`; load uses the first clip's URL. */
function firstVideo(raw: string[] | undefined): string | undefined {
  const v = raw?.[0];
  if (v === undefined) return undefined;
  const url = /^[A-Za-z][\w-]{0,31}=(.+)$/.exec(v)?.[1] ?? v;
  if (!/^https?:\/\/[^\s/]+/i.test(url) || !URL.canParse(url)) throw new UsageError(`--video-url ${JSON.stringify(v).slice(0, 200)}: expected [label=]URL with an http or https URL (with its scheme)`);
  return url;
}

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
  const latencyMs = integer('--mock-latency-ms', flags.mockLatencyMs, 1, 60_000);
  if (target !== undefined && (faults.length > 0 || flags.mockRateLimit || latencyMs !== undefined)) throw new UsageError('--mock-fault, --mock-rate-limit and --mock-latency-ms apply to the embedded mock only, not to --target');
  if (latencyMs !== undefined && !faults.includes('load-latency')) throw new UsageError('--mock-latency-ms sets the delay of --mock-fault load-latency; add that fault');

  const thresholds = merged.thresholds?.length ? merged.thresholds : [...DEFAULT_THRESHOLDS];
  checkThresholds(thresholds);
  return {
    ...(target !== undefined ? { target } : {}),
    keys,
    ...(videoUrl !== undefined ? { videoUrl } : {}),
    scenarios: parseScenarios(merged.scenarios),
    connections: merged.connections ?? 10,
    durationS: merged.duration ?? 5,
    warmupS: merged.warmup ?? 1,
    ...(merged.rate !== undefined ? { rate: merged.rate } : {}),
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
    mock: { faults, rateLimit: Boolean(flags.mockRateLimit), ...(latencyMs !== undefined ? { latencyMs } : {}) },
  };
}
