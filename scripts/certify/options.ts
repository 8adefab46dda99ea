/**
 * Resolves certify's settings: flags win over environment variables, which win
 * over the config file (each read by settings.ts). Every problem is a
 * UsageError (exit 2) with one line, before anything runs.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../cli-errors.js';
import type { Clip, RunConfig } from '../../suites/lib/config.js';
import { FAULT_NAMES, isFaultName } from '../../mocks/engine/faults.js';
import { parseVariants } from '../../mocks/engine/variants.js';
import { RULE_IDS } from '../../contracts/rules.js';
import { SELECTABLE_FAMILIES } from './families.js';
import { readConfigFile, readEnv, readFlags, type Values } from './settings.js';
import { parseFuzzPath } from '../../suites/fuzz/budget.js';
import { FUZZ_CHECKS } from '../../suites/fuzz/catalogue.js';
import { checkThresholds } from '../load/options.js';
import { readBaseline } from './baseline-file.js';
import type { GateOptions } from './gates.js';
import type { ClipInput } from './clips.js';

export { SELECTABLE_FAMILIES } from './families.js';

export interface CertifyFlags {
  target?: string;
  apiKey?: string;
  altApiKey?: string;
  brokeApiKey?: string;
  /** `[label=]URL`, `label[duration=…,width=…,height=…]=URL`, or (as a library call) a clip object. */
  videoUrl?: (string | ClipInput)[];
  failingVideoUrl?: string;
  profile?: string;
  only?: string;
  skip?: string;
  strict?: boolean;
  jobTimeout?: string;
  seed?: string;
  fuzzRuns?: string;
  fuzzSeconds?: string;
  fuzzPath?: string;
  requestTimeout?: string;
  logSource?: string;
  out?: string;
  config?: string;
  quiet?: boolean;
  maxDuration?: string;
  burstMax?: string;
  idempotencyProbeAfter?: string;
  concurrency?: string;
  promptPolicy?: string;
  probeCredentialsInUrl?: boolean;
  mockFault?: string[];
  mockVariant?: string[];
  mockTransport?: string;
  baseline?: string;
  baselineUpdate?: boolean;
}

export interface Selection { only: string[]; skip: string[] }

export interface CertifyOptions {
  /** Only these checks of the registry, by id (jobcert replay); the selection still applies. */
  checks?: string[];
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
  /** Checks start in a shuffled order with this seed (--shuffle): they must not depend on order. */
  shuffle?: number;
  /** The LOAD family's permission and gates (full profile). */
  load: { allowLoad: boolean; productionHosts?: string[]; thresholds?: string[]; keys: string[] };
  mock: { faults: string[]; variants: string[]; transport: 'http' | 'msw' };
  /** --baseline (and --baseline-update) and the config file's `waivers`: which failures gate (core/gates/). */
  gates?: GateOptions;
}

/** Defaults of --max-duration: a quick run fits a CI job's step, a full one a staging certification. */
export const MAX_DURATION_DEFAULT_S = { quick: 600, full: 1800 } as const;

/** Defaults of --idempotency-probe-after: a quick run proves its own length, a full one two minutes at least. */
export const IDEMPOTENCY_PROBE_AFTER_DEFAULT_S = { quick: 0, full: 120 } as const;

/** Whole numbers past validation are read as such; `read` in settings.ts already bounded them. */
const int = (v: number | undefined, fallback: number): number => (v === undefined ? fallback : v);

function parseSelection(name: string, raw: string[] | undefined): string[] {
  if (raw === undefined) return [];
  const items = raw.map((s) => s.trim().toUpperCase()).filter(Boolean);
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
  const merged: Values = { ...file, ...readEnv(env), ...readFlags(flags as Record<string, unknown>) };

  const profile = (merged.profile ?? 'quick') as 'quick' | 'full';
  const target = merged.target?.replace(/\/+$/, '');
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
  if (target !== undefined && flags.mockTransport !== undefined) throw new UsageError('--mock-transport applies to the embedded mock only, not to --target');
  const keys = [merged.apiKey, merged.altApiKey, merged.brokeApiKey].filter((k): k is string => k !== undefined);
  if (new Set(keys).size !== keys.length) throw new UsageError('--api-key, --alt-api-key and --broke-api-key must differ');
  const selection = { only: parseSelection('--only', merged.only), skip: parseSelection('--skip', merged.skip) };
  if (merged.baselineUpdate && merged.baseline === undefined) throw new UsageError('--baseline-update needs --baseline FILE: the file to write');
  const baseline = merged.baseline === undefined ? undefined : readBaseline(resolve(merged.baseline), Boolean(merged.baselineUpdate));
  const gates: GateOptions = {
    ...(merged.baseline !== undefined ? { baseline: { file: merged.baseline, ...(baseline ? { doc: baseline } : {}), update: Boolean(merged.baselineUpdate) } } : {}),
    waivers: 'waivers' in file ? file.waivers ?? [] : [],
  };
  const logSource = merged.logSource === undefined ? undefined : parseLogSource(merged.logSource);
  if (merged.fuzzPath !== undefined && !parseFuzzPath(merged.fuzzPath)) {
    throw new UsageError(`--fuzz-path ${JSON.stringify(merged.fuzzPath).slice(0, 120)}: expected <check id>:<path> as a failing run prints it, e.g. fuzz.invalid:37:2:1 (checks: ${FUZZ_CHECKS.join(', ')})`);
  }
  if (merged.fuzzPath !== undefined && merged.seed === undefined) throw new UsageError('--fuzz-path needs the --seed of the run that printed it');
  // Every run has a seed, printed and reported, so any FUZZ failure can be replayed.
  const seed = merged.seed ?? Math.floor(Math.random() * 2_147_483_647);
  const fuzz = { ...(merged.fuzzRuns !== undefined ? { runs: merged.fuzzRuns } : {}), ...(merged.fuzzSeconds !== undefined ? { seconds: merged.fuzzSeconds } : {}), ...(merged.fuzzPath !== undefined ? { path: merged.fuzzPath.trim() } : {}) };
  if (merged.thresholds) checkThresholds(merged.thresholds);
  return {
    run: {
      profile,
      jobTimeoutS: int(merged.jobTimeout, 60),
      requestTimeoutMs: int(merged.requestTimeout, 10_000),
      concurrency: int(merged.concurrency, 6),
      burstMax: int(merged.burstMax, 5000),
      idempotencyProbeAfterS: merged.idempotencyProbeAfter ?? IDEMPOTENCY_PROBE_AFTER_DEFAULT_S[profile],
      promptPolicy: (merged.promptPolicy ?? 'required') as 'required' | 'off',
      ...(merged.probeCredentialsInUrl ? { probeCredentialsInUrl: true } : {}),
      seed,
      ...(Object.keys(fuzz).length > 0 ? { fuzz } : {}),
      ...(merged.failingVideoUrl ? { failingVideo: merged.failingVideoUrl } : {}),
    },
    ...(target !== undefined ? { target } : {}),
    keys: { primary: merged.apiKey, alt: merged.altApiKey, broke: merged.brokeApiKey },
    // Read, labelled and their facts checked by settings.ts (clips.ts), whichever source gave them.
    ...(merged.videoUrl?.length ? { videos: merged.videoUrl } : {}),
    ...(logSource ? { logSource } : {}),
    selection,
    strict: Boolean(merged.strict),
    ...(merged.out !== undefined ? { out: merged.out } : {}),
    maxDurationS: int(merged.maxDuration, MAX_DURATION_DEFAULT_S[profile]),
    quiet: Boolean(merged.quiet),
    ...(merged.shuffle ? { shuffle: merged.seed ?? Math.floor(Math.random() * 2_147_483_647) } : {}),
    load: {
      allowLoad: Boolean(merged.allowLoad), keys: merged.loadApiKeys ?? [],
      ...(merged.productionHosts ? { productionHosts: merged.productionHosts } : {}), ...(merged.thresholds ? { thresholds: merged.thresholds } : {}),
    },
    mock: { faults, variants, transport },
    gates,
  };
}
