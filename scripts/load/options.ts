/**
 * Resolves `jobcert load`'s settings: flags win over environment variables,
 * which win over the config file (the same jobcert.config.json certify reads,
 * plus the load keys). Every problem is a UsageError: exit 2, one line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { isFaultName, FAULT_NAMES } from '../../mocks/engine/faults.js';
import { DEFAULT_CAPS, productionHosts, type LoadGuards } from '../../load/guards.js';
import { DEFAULT_THRESHOLDS, parseThreshold, ThresholdSyntaxError } from '../../load/thresholds.js';
import { SCENARIO_NAMES, type ScenarioName } from '../../load/types.js';
import { UsageError } from '../cli-errors.js';

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

/** Config file keys: certify's (those load does not use are accepted and ignored) and load's own. */
const text = z.string();
const num = z.union([z.number(), z.string()]).transform(String);
const ConfigFile = z.strictObject({
  target: text.optional(), apiKey: text.optional(), altApiKey: text.optional(), brokeApiKey: text.optional(),
  videoUrl: z.union([text, z.array(text)]).optional(), failingVideoUrl: text.optional(), profile: text.optional(), only: text.optional(), skip: text.optional(),
  strict: z.boolean().optional(), jobTimeout: num.optional(), seed: num.optional(), fuzzRuns: num.optional(), fuzzSeconds: num.optional(), fuzzPath: text.optional(), requestTimeout: num.optional(), logSource: text.optional(), out: text.optional(),
  allowLoad: z.boolean().optional(), productionHosts: z.array(text).optional(), loadApiKeys: z.array(text).optional(),
  scenarios: z.union([text, z.array(text)]).optional(), connections: num.optional(), duration: num.optional(), warmup: num.optional(), rate: num.optional(),
  timeout: num.optional(), thresholds: z.array(text).optional(), maxDuration: num.optional(), maxRequests: num.optional(), abortAfterErrors: num.optional(),
});
type ConfigFile = z.infer<typeof ConfigFile>;

function readConfig(path: string): ConfigFile {
  if (!existsSync(path)) throw new UsageError(`--config ${path}: no such file`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--config ${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const parsed = ConfigFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(top level)';
    const keys = issue?.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : `${where}: ${issue?.message ?? 'invalid'}`;
    throw new UsageError(`--config ${path}: ${keys}`);
  }
  return parsed.data;
}

function integer(name: string, raw: string | undefined, fallback: number | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return fallback;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${name}: ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${name}: only http and https URLs, got ${url.protocol}`);
  return value;
}

function parseScenarios(raw: string | string[] | undefined): ScenarioName[] {
  if (raw === undefined) return [...SCENARIO_NAMES];
  const items = (Array.isArray(raw) ? raw : raw.split(',')).map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`--scenario: name at least one of ${SCENARIO_NAMES.join(', ')}`);
  for (const s of items) if (!(SCENARIO_NAMES as readonly string[]).includes(s)) throw new UsageError(`--scenario: unknown scenario "${s}" (${SCENARIO_NAMES.join(', ')})`);
  return [...new Set(items)] as ScenarioName[];
}

/** certify's --video-url takes `label=url`; load uses the first clip's URL. */
function firstVideo(raw: string | string[] | undefined): string | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw?.split(/\s+/).filter(Boolean)[0];
  if (v === undefined) return undefined;
  const m = /^[A-Za-z][\w-]{0,31}=(.+)$/.exec(v);
  return httpUrl('--video-url', m ? (m[1] as string) : v);
}

export function resolveLoadOptions(flags: LoadFlags, env: NodeJS.ProcessEnv = process.env): LoadCommandOptions {
  const file: ConfigFile = flags.config ? readConfig(flags.config) : {};
  const pick = <T>(flag: T | undefined, envValue: T | undefined, fileValue: T | undefined): T | undefined => flag ?? envValue ?? fileValue;

  if (flags.export !== undefined && flags.export !== 'k6') throw new UsageError(`--export: only k6 is supported, got ${JSON.stringify(flags.export)}`);
  if (flags.export && !flags.out) throw new UsageError('--export k6 needs --out FILE (the script to write, e.g. scenario.js)');

  const targetRaw = pick(flags.target, env.JOBCERT_TARGET, file.target);
  const target = targetRaw === undefined ? undefined : httpUrl('--target', targetRaw).replace(/\/+$/, '');
  const loadKeys = flags.loadApiKey?.length ? flags.loadApiKey : env.JOBCERT_LOAD_API_KEYS ? env.JOBCERT_LOAD_API_KEYS.split(',') : file.loadApiKeys ?? [];
  const keys = [pick(flags.apiKey, env.JOBCERT_API_KEY, file.apiKey), pick(flags.altApiKey, env.JOBCERT_ALT_API_KEY, file.altApiKey), ...loadKeys]
    .map((k) => k?.trim()).filter((k): k is string => k !== undefined && k !== '');
  if (new Set(keys).size !== keys.length) throw new UsageError('the API keys given (--api-key, --alt-api-key, --load-api-key) must differ');
  const videoUrl = firstVideo(flags.videoUrl ?? env.JOBCERT_VIDEO_URL ?? file.videoUrl);
  if (target !== undefined && !flags.export) {
    if (keys.length === 0) throw new UsageError('--target needs --api-key (or JOBCERT_API_KEY); --load-api-key adds more keys to spread the load over');
    if (videoUrl === undefined) throw new UsageError('--target needs --video-url (or JOBCERT_VIDEO_URL): a clip the provider can process');
  }

  const faults = flags.mockFault ?? [];
  const unknown = faults.find((f) => !isFaultName(f));
  if (unknown) throw new UsageError(`--mock-fault: unknown fault "${unknown}"; known faults: ${FAULT_NAMES.join(', ')}`);
  const latencyMs = integer('--mock-latency-ms', flags.mockLatencyMs, undefined, 1, 60_000);
  if (target !== undefined && (faults.length > 0 || flags.mockRateLimit || latencyMs !== undefined)) throw new UsageError('--mock-fault, --mock-rate-limit and --mock-latency-ms apply to the embedded mock only, not to --target');
  if (latencyMs !== undefined && !faults.includes('load-latency')) throw new UsageError('--mock-latency-ms sets the delay of --mock-fault load-latency; add that fault');

  const thresholds = flags.threshold?.length ? flags.threshold : file.thresholds ?? [...DEFAULT_THRESHOLDS];
  for (const t of thresholds) {
    try {
      parseThreshold(t);
    } catch (err) {
      throw new UsageError(`--threshold ${err instanceof ThresholdSyntaxError ? err.message : String(err)}`);
    }
  }

  const maxDurationS = integer('--max-duration', flags.maxDuration ?? file.maxDuration, DEFAULT_CAPS.maxDurationS, 1, 3600) as number;
  const durationS = integer('--duration', flags.duration ?? file.duration, 5, 1, 3600) as number;
  const warmupS = integer('--warmup', flags.warmup ?? file.warmup, 1, 0, 600) as number;
  const rate = integer('--rate', flags.rate ?? file.rate, undefined, 1, 1_000_000);
  const connections = integer('--connections', flags.connections ?? file.connections, 10, 1, 1000) as number;
  return {
    ...(target !== undefined ? { target } : {}),
    keys,
    ...(videoUrl !== undefined ? { videoUrl } : {}),
    scenarios: parseScenarios(flags.scenario ?? file.scenarios),
    connections, durationS, warmupS,
    ...(rate !== undefined ? { rate } : {}),
    timeoutMs: integer('--timeout', flags.timeout ?? file.timeout, 10_000, 1000, 120_000) as number,
    thresholds: [...new Set(thresholds.map((t) => t.trim()))],
    guards: {
      allowLoad: Boolean(flags.allowLoad ?? file.allowLoad),
      productionHosts: productionHosts(env, file.productionHosts),
      maxDurationS,
      maxRequests: integer('--max-requests', flags.maxRequests ?? file.maxRequests, DEFAULT_CAPS.maxRequests, 10, 100_000_000) as number,
      abortAfterErrors: integer('--abort-after-errors', flags.abortAfterErrors ?? file.abortAfterErrors, DEFAULT_CAPS.abortAfterErrors, 0, 100_000_000) as number,
    },
    ...(flags.out !== undefined ? { out: flags.out } : {}),
    ...(flags.export ? { export: 'k6' as const } : {}),
    quiet: Boolean(flags.quiet),
    mock: { faults, rateLimit: Boolean(flags.mockRateLimit), ...(latencyMs !== undefined ? { latencyMs } : {}) },
  };
}
