/**
 * Resolves certify's settings: flags win over environment variables, which win
 * over the config file. Every problem is a UsageError (exit 2) with one line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../cli-errors.js';
import type { Clip, RunConfig } from '../../suites/lib/config.js';
import { FAULT_NAMES, isFaultName } from '../../mocks/engine/faults.js';
import { parseVariants } from '../../mocks/engine/variants.js';
import { FAMILIES, RULE_IDS } from '../../contracts/rules.js';

export const SELECTABLE_FAMILIES = [...FAMILIES, 'SCHEMA'] as const;

export interface CertifyFlags {
  target?: string;
  apiKey?: string;
  altApiKey?: string;
  brokeApiKey?: string;
  videoUrl?: string[];
  failingVideoUrl?: string;
  profile?: string;
  only?: string;
  skip?: string;
  strict?: boolean;
  jobTimeout?: string;
  seed?: string;
  requestTimeout?: string;
  logSource?: string;
  out?: string;
  config?: string;
  quiet?: boolean;
  maxDuration?: string;
  burstMax?: string;
  concurrency?: string;
  promptPolicy?: string;
  mockFault?: string[];
  mockVariant?: string[];
  mockTransport?: string;
}

export interface Selection { only: string[]; skip: string[] }

export interface CertifyOptions {
  run: Omit<RunConfig, 'target' | 'embedded' | 'keys' | 'videos' | 'failingVideo' | 'logSource' | 'deadlineAt'> & Partial<Pick<RunConfig, 'failingVideo'>>;
  /** Seconds a run may take (--max-duration); the deadline is set when it starts. */
  maxDurationS: number;
  target?: string;
  keys: { primary?: string; alt?: string; broke?: string };
  videos?: Clip[];
  logSource?: RunConfig['logSource'];
  selection: Selection;
  strict: boolean;
  out?: string;
  quiet: boolean;
  mock: { faults: string[]; variants: string[]; transport: 'http' | 'msw' };
}

/** Defaults of --max-duration: a quick run fits a CI job's step, a full one a staging certification. */
export const MAX_DURATION_DEFAULT_S = { quick: 600, full: 1800 } as const;

const FILE_KEYS: Record<string, keyof CertifyFlags> = {
  target: 'target', apiKey: 'apiKey', altApiKey: 'altApiKey', brokeApiKey: 'brokeApiKey', videoUrl: 'videoUrl',
  failingVideoUrl: 'failingVideoUrl', profile: 'profile', only: 'only', skip: 'skip', strict: 'strict',
  jobTimeout: 'jobTimeout', seed: 'seed', requestTimeout: 'requestTimeout', logSource: 'logSource', out: 'out',
  maxDuration: 'maxDuration', burstMax: 'burstMax', concurrency: 'concurrency', promptPolicy: 'promptPolicy',
};

function readConfigFile(path: string): Partial<CertifyFlags> {
  if (!existsSync(path)) throw new UsageError(`--config ${path}: no such file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--config ${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--config ${path}: expected a JSON object`);
  const out: Partial<CertifyFlags> = {};
  for (const [k, v] of Object.entries(parsed)) {
    const flag = FILE_KEYS[k];
    if (!flag) throw new UsageError(`--config ${path}: unknown key "${k}" (known: ${Object.keys(FILE_KEYS).join(', ')})`);
    if (flag === 'videoUrl') out.videoUrl = Array.isArray(v) ? v.map(String) : [String(v)];
    else if (flag === 'strict') out.strict = Boolean(v);
    else (out as Record<string, unknown>)[flag] = typeof v === 'number' ? String(v) : v;
  }
  return out;
}

function fromEnv(env: NodeJS.ProcessEnv): Partial<CertifyFlags> {
  const out: Partial<CertifyFlags> = {};
  if (env.JOBCERT_TARGET) out.target = env.JOBCERT_TARGET;
  if (env.JOBCERT_API_KEY) out.apiKey = env.JOBCERT_API_KEY;
  if (env.JOBCERT_ALT_API_KEY) out.altApiKey = env.JOBCERT_ALT_API_KEY;
  if (env.JOBCERT_BROKE_API_KEY) out.brokeApiKey = env.JOBCERT_BROKE_API_KEY;
  if (env.JOBCERT_VIDEO_URL) out.videoUrl = env.JOBCERT_VIDEO_URL.split(/\s+/).filter(Boolean);
  if (env.JOBCERT_FAILING_VIDEO_URL) out.failingVideoUrl = env.JOBCERT_FAILING_VIDEO_URL;
  return out;
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

function number(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

function integer(name: string, raw: string, min: number, max: number): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

function parseClips(values: string[]): Clip[] {
  const clips = values.map((v, i) => {
    const m = /^([A-Za-z][\w-]{0,31})=(.+)$/.exec(v);
    const clip = m ? { label: m[1] as string, url: m[2] as string } : { label: values.length === 1 ? 'default' : `clip${i + 1}`, url: v };
    httpUrl('--video-url', clip.url);
    return clip;
  });
  const labels = clips.map((c) => c.label);
  const dupe = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dupe) throw new UsageError(`--video-url: the label "${dupe}" is used twice`);
  return clips;
}

function parseSelection(name: string, raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const items = raw.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  for (const item of items) {
    if (!(SELECTABLE_FAMILIES as readonly string[]).includes(item) && !RULE_IDS.has(item)) {
      throw new UsageError(`${name}: unknown family or rule "${item}" (families: ${SELECTABLE_FAMILIES.join(', ')}; or a rule ID such as AUTH-4)`);
    }
  }
  return items;
}

/** A command template names {request_id}; anything else must be an existing file. */
function parseLogSource(value: string): NonNullable<RunConfig['logSource']> {
  if (value.includes('{request_id}')) return { kind: 'command', template: value };
  if (!existsSync(value)) throw new UsageError(`--log-source: ${value} is neither a file nor a command template with {request_id}`);
  return { kind: 'file', path: resolve(value) };
}

export function resolveOptions(flags: CertifyFlags, env: NodeJS.ProcessEnv = process.env): CertifyOptions {
  const file = flags.config ? readConfigFile(flags.config) : {};
  const merged: CertifyFlags = { ...file, ...fromEnv(env), ...Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) };

  const profile = merged.profile ?? 'quick';
  if (profile !== 'quick' && profile !== 'full') throw new UsageError(`--profile must be quick or full, got ${JSON.stringify(profile)}`);
  const target = merged.target === undefined ? undefined : httpUrl('--target', merged.target).replace(/\/+$/, '');
  if (target !== undefined && !merged.apiKey) throw new UsageError('--target needs --api-key (or JOBCERT_API_KEY)');
  if (target !== undefined && !merged.videoUrl?.length) throw new UsageError('--target needs --video-url (or JOBCERT_VIDEO_URL): a clip the provider can process');
  const faults = flags.mockFault ?? [];
  const unknownFault = faults.find((f) => !isFaultName(f));
  if (unknownFault) throw new UsageError(`--mock-fault: unknown fault "${unknownFault}"; known faults: ${FAULT_NAMES.join(', ')}`);
  if (target !== undefined && faults.length > 0) throw new UsageError('--mock-fault applies to the embedded mock only, not to --target');
  const variants = flags.mockVariant ?? [];
  try { parseVariants(variants); } catch (err) { throw new UsageError(`--mock-variant: ${(err as Error).message}`); }
  if (target !== undefined && variants.length > 0) throw new UsageError('--mock-variant applies to the embedded mock only, not to --target');
  const transport = flags.mockTransport ?? 'http';
  if (transport !== 'http' && transport !== 'msw') throw new UsageError(`--mock-transport must be http or msw, got ${JSON.stringify(transport)}`);
  const keys = [merged.apiKey, merged.altApiKey, merged.brokeApiKey].filter((k): k is string => k !== undefined);
  if (new Set(keys).size !== keys.length) throw new UsageError('--api-key, --alt-api-key and --broke-api-key must differ');
  const selection = { only: parseSelection('--only', merged.only), skip: parseSelection('--skip', merged.skip) };
  const logSource = merged.logSource === undefined ? undefined : parseLogSource(merged.logSource);
  const promptPolicy = merged.promptPolicy ?? 'required';
  if (promptPolicy !== 'required' && promptPolicy !== 'off') throw new UsageError(`--prompt-policy must be required or off, got ${JSON.stringify(promptPolicy)}`);
  return {
    run: {
      profile,
      jobTimeoutS: number('--job-timeout', merged.jobTimeout, 60, 1, 3600),
      requestTimeoutMs: number('--request-timeout', merged.requestTimeout, 10_000, 100, 300_000),
      concurrency: integer('--concurrency', merged.concurrency ?? '6', 1, 64),
      burstMax: integer('--burst-max', merged.burstMax ?? '2000', 10, 100_000),
      promptPolicy,
      ...(merged.seed !== undefined ? { seed: integer('--seed', merged.seed, 0, 2_147_483_646) } : {}),
      ...(merged.failingVideoUrl ? { failingVideo: httpUrl('--failing-video-url', merged.failingVideoUrl) } : {}),
    },
    ...(target !== undefined ? { target } : {}),
    keys: { primary: merged.apiKey, alt: merged.altApiKey, broke: merged.brokeApiKey },
    ...(merged.videoUrl?.length ? { videos: parseClips(merged.videoUrl) } : {}),
    ...(logSource ? { logSource } : {}),
    selection,
    strict: Boolean(merged.strict),
    ...(merged.out !== undefined ? { out: merged.out } : {}),
    maxDurationS: number('--max-duration', merged.maxDuration, MAX_DURATION_DEFAULT_S[profile], 10, 86_400),
    quiet: Boolean(flags.quiet),
    mock: { faults, variants, transport },
  };
}
