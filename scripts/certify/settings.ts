/**
 * Every setting of `jobcert certify`, once: its config-file key, its flag, its
 * environment variable and what a valid value is. The config file is checked
 * by the zod schema built from this table (unknown keys and wrong types are
 * errors naming the key); flags and environment variables arrive as strings
 * and are read by the same rules, so a bad value gets the same one-line
 * message whatever its source, naming that source and never echoing a key.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../cli-errors.js';
import type { Waiver } from '../../core/gates/model.js';
import { readWaivers, WaiversSchema } from './waivers.js';
import type { Clip } from '../../suites/lib/config.js';
import { CLIP_SYNTAX, ClipsFileSchema, parseClips } from './clips.js';

type Kind =
  | { type: 'string' }
  | { type: 'secret' }
  | { type: 'url' }
  | { type: 'number'; min: number; max: number; integer?: boolean }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  /** `split`: how one string (a flag or an env var) holds several values; `secret`: its items are keys. */
  | { type: 'list'; split: RegExp; secret?: boolean }
  /** Clips with their declared facts (clips.ts): strings split at white space, or the config file's objects. */
  | { type: 'clips' };

/** `attr`: commander's name for a repeatable flag named in the singular (--threshold → threshold). */
interface Setting { flag: string; env: string; kind: Kind; doc: string; attr?: string }

const n = (min: number, max: number, integer = false) => ({ type: 'number' as const, min, max, integer });

export const SETTINGS = {
  target: { flag: '--target', env: 'JOBCERT_TARGET', kind: { type: 'url' }, doc: 'base URL of the provider; omitted: the embedded mock' },
  apiKey: { flag: '--api-key', env: 'JOBCERT_API_KEY', kind: { type: 'secret' }, doc: 'primary key (required with target)' },
  altApiKey: { flag: '--alt-api-key', env: 'JOBCERT_ALT_API_KEY', kind: { type: 'secret' }, doc: 'a key of another account: AUTH-4, RATE-4, IDEM-4' },
  brokeApiKey: { flag: '--broke-api-key', env: 'JOBCERT_BROKE_API_KEY', kind: { type: 'secret' }, doc: 'a key with no credits: LIFE-5' },
  videoUrl: { flag: '--video-url', env: 'JOBCERT_VIDEO_URL', kind: { type: 'clips' }, doc: 'clips the provider can process, [label=]URL; with facts label[duration=SECONDS,width=PX,height=PX]=URL (or {label, url, duration, width, height} in the file): duration judges billing, width and height the default canvas' },
  failingVideoUrl: { flag: '--failing-video-url', env: 'JOBCERT_FAILING_VIDEO_URL', kind: { type: 'url' }, doc: 'a source that fails processing' },
  profile: { flag: '--profile', env: 'JOBCERT_PROFILE', kind: { type: 'enum', values: ['quick', 'full'] }, doc: 'quick (PR gate) or full (staging certification)' },
  only: { flag: '--only', env: 'JOBCERT_ONLY', kind: { type: 'list', split: /,/ }, doc: 'families or rule IDs to run' },
  skip: { flag: '--skip', env: 'JOBCERT_SKIP', kind: { type: 'list', split: /,/ }, doc: 'families or rule IDs to leave out' },
  strict: { flag: '--strict', env: 'JOBCERT_STRICT', kind: { type: 'boolean' }, doc: 'SHOULD rules gate too' },
  baseline: { flag: '--baseline', env: 'JOBCERT_BASELINE', kind: { type: 'string' }, doc: 'a baseline of known failures (contracts/baseline.schema.json): only new failures gate, an entry past its expires gates again' },
  baselineUpdate: { flag: '--baseline-update', env: 'JOBCERT_BASELINE_UPDATE', kind: { type: 'boolean' }, doc: 'rewrite the --baseline file from this run: new failures added, fixed ones dropped, reason/ticket/expires/first_seen kept' },
  jobTimeout: { flag: '--job-timeout', env: 'JOBCERT_JOB_TIMEOUT', kind: n(1, 3600), doc: 'seconds a started job may take' },
  requestTimeout: { flag: '--request-timeout', env: 'JOBCERT_REQUEST_TIMEOUT', kind: n(100, 300_000), doc: 'milliseconds per request' },
  seed: { flag: '--seed', env: 'JOBCERT_SEED', kind: n(0, 2_147_483_646, true), doc: 'fast-check seed of the fuzz checks' },
  fuzzRuns: { flag: '--fuzz-runs', env: 'JOBCERT_FUZZ_RUNS', kind: n(1, 1_000_000, true), doc: 'FUZZ: cases over the family (default 380 quick, 5000 full)' },
  fuzzSeconds: { flag: '--fuzz-seconds', env: 'JOBCERT_FUZZ_SECONDS', kind: n(1, 86_400), doc: 'FUZZ: seconds each check may search (default 25 quick, 600 full)' },
  fuzzPath: { flag: '--fuzz-path', env: 'JOBCERT_FUZZ_PATH', kind: { type: 'string' }, doc: 'FUZZ: replay one case, <check id>:<fast-check path> as a failing run reports it' },
  logSource: { flag: '--log-source', env: 'JOBCERT_LOG_SOURCE', kind: { type: 'string' }, doc: 'provider logs for OBS-4: a JSON-lines file or a command with {request_id}' },
  out: { flag: '--out', env: 'JOBCERT_OUT', kind: { type: 'string' }, doc: 'report directory' },
  maxDuration: { flag: '--max-duration', env: 'JOBCERT_MAX_DURATION', kind: n(10, 86_400), doc: 'seconds the whole run may take' },
  burstMax: { flag: '--burst-max', env: 'JOBCERT_BURST_MAX', kind: n(10, 100_000, true), doc: 'requests the rate-limit discovery may send' },
  idempotencyProbeAfter: { flag: '--idempotency-probe-after', env: 'JOBCERT_IDEMPOTENCY_PROBE_AFTER', kind: n(0, 86_400), doc: 'IDEM-1 (keys live 24 h): replay the run\'s keyed requests at its end no sooner than this many seconds after their first answer, within --max-duration (default 0 quick: the run\'s length; 120 full)' },
  concurrency: { flag: '--concurrency', env: 'JOBCERT_CONCURRENCY', kind: n(1, 64, true), doc: 'checks that run at once' },
  promptPolicy: { flag: '--prompt-policy', env: 'JOBCERT_PROMPT_POLICY', kind: { type: 'enum', values: ['required', 'off'] }, doc: 'VAL-3: whether the provider requires a prompt for pro' },
  probeCredentialsInUrl: { flag: '--probe-credentials-in-url', env: 'JOBCERT_PROBE_CREDENTIALS_IN_URL', kind: { type: 'boolean' }, doc: 'AUTH-2: against a remote target, also send the no-credit key (--broke-api-key) in the query and a cookie, where access logs may keep it (loopback targets: always)' },
  quiet: { flag: '--quiet', env: 'JOBCERT_QUIET', kind: { type: 'boolean' }, doc: 'only the verdict table and report paths' },
  shuffle: { flag: '--shuffle', env: 'JOBCERT_SHUFFLE', kind: { type: 'boolean' }, doc: 'start the checks in a random order (with --seed, a given one): they must not depend on order' },
  // LOAD (certify --profile full, and jobcert load): the same keys in the same file.
  allowLoad: { flag: '--allow-load', env: 'JOBCERT_ALLOW_LOAD', kind: { type: 'boolean' }, doc: 'LOAD may run against this (non-production) target' },
  productionHosts: { flag: '--production-hosts', env: 'JOBCERT_PRODUCTION_HOSTS', kind: { type: 'list', split: /,/ }, doc: 'hosts LOAD always refuses (default api.removebgvideo.com)' },
  loadApiKeys: { flag: '--load-api-key', attr: 'loadApiKey', env: 'JOBCERT_LOAD_API_KEYS', kind: { type: 'list', split: /,/, secret: true }, doc: 'more keys to spread the load over' },
  thresholds: { flag: '--threshold', attr: 'threshold', env: 'JOBCERT_THRESHOLDS', kind: { type: 'list', split: /;/ }, doc: "LOAD SLO gates, k6-like: 'p99<800', 'errors<1%', 'rate>=200'" },
  scenarios: { flag: '--scenario', attr: 'scenario', env: 'JOBCERT_SCENARIOS', kind: { type: 'list', split: /,/ }, doc: 'LOAD scenarios: poll, start, mixed' },
  connections: { flag: '--connections', env: 'JOBCERT_CONNECTIONS', kind: n(1, 1000, true), doc: 'LOAD connections' },
  duration: { flag: '--duration', env: 'JOBCERT_DURATION', kind: n(1, 3600, true), doc: 'LOAD seconds per scenario' },
  warmup: { flag: '--warmup', env: 'JOBCERT_WARMUP', kind: n(0, 600, true), doc: 'LOAD warm-up seconds, excluded from results' },
  rate: { flag: '--rate', env: 'JOBCERT_RATE', kind: n(0.1, 1_000_000), doc: 'LOAD open model: requests per second per scenario (default: 0.8 × the load keys\' discovered limits; the embedded mock: its fixed rate)' },
  stages: { flag: '--stages', env: 'JOBCERT_STAGES', kind: { type: 'string' }, doc: "LOAD open model in k6 stages, duration:rate from 0, e.g. '10s:50,40s:50,5s:0' (ramp up, hold, ramp down)" },
  closedLoop: { flag: '--closed-loop', env: 'JOBCERT_CLOSED_LOOP', kind: { type: 'boolean' }, doc: 'LOAD closed model: each connection sends when its last answer came, as fast as the target answers (latency then leaves out queueing)' },
  timeout: { flag: '--timeout', env: 'JOBCERT_TIMEOUT', kind: n(100, 300_000), doc: 'LOAD milliseconds per request' },
  maxRequests: { flag: '--max-requests', env: 'JOBCERT_MAX_REQUESTS', kind: n(1, 10_000_000, true), doc: 'LOAD request cap' },
  abortAfterErrors: { flag: '--abort-after-errors', env: 'JOBCERT_ABORT_AFTER_ERRORS', kind: n(0, 1_000_000, true), doc: 'LOAD stops early past this many 5xx or connection errors' },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
export type Values = { [K in SettingName]?: (typeof SETTINGS)[K]['kind']['type'] extends 'number' ? number
  : (typeof SETTINGS)[K]['kind']['type'] extends 'boolean' ? boolean
  : (typeof SETTINGS)[K]['kind']['type'] extends 'list' ? string[]
  : (typeof SETTINGS)[K]['kind']['type'] extends 'clips' ? Clip[] : string };

/** What a valid value is, in the words of the error message. */
function expected(kind: Kind): string {
  switch (kind.type) {
    case 'number': return `${kind.integer ? 'an integer' : 'a number'} from ${kind.min} to ${kind.max}`;
    case 'boolean': return 'true or false';
    case 'enum': return kind.values.join(' or ');
    case 'url': return 'an http or https URL (with its scheme, e.g. https://staging.example.com)';
    case 'secret': return 'a key without white space or control characters';
    case 'list': return 'a string or a list of strings';
    case 'clips': return `clips, ${CLIP_SYNTAX}`;
    case 'string': return 'a string';
  }
}

/** The zod schema of one value as a config file holds it (JSON types, no coercion). */
function fileSchema(kind: Kind): z.ZodType {
  switch (kind.type) {
    case 'number': return kind.integer ? z.int().min(kind.min).max(kind.max) : z.number().min(kind.min).max(kind.max);
    case 'boolean': return z.boolean();
    case 'enum': return z.enum(kind.values as [string, ...string[]]);
    case 'list': return z.union([z.string().min(1), z.array(z.string().min(1))]);
    case 'clips': return ClipsFileSchema;
    default: return z.string();
  }
}

/** The config file's schema, built from SETTINGS (issue 12 ships its JSON Schema). */
export const ConfigFileSchema = z.strictObject({
  $schema: z.string().optional(),
  // The config file's own key: a list of waivers has no flag or environment variable.
  waivers: WaiversSchema.optional(),
  ...Object.fromEntries(Object.entries(SETTINGS).map(([name, s]) => [name, fileSchema(s.kind).optional().describe(s.doc)])),
});

const isSecret = (kind: Kind): boolean => kind.type === 'secret' || (kind.type === 'list' && kind.secret === true);
const show = (kind: Kind, value: unknown): string => (isSecret(kind) ? '' : `, got ${JSON.stringify(value)?.slice(0, 120)}`);

/** Reads one value from any source into its typed form, or throws a UsageError naming `origin`. */
function read(name: SettingName, raw: unknown, origin: string): unknown {
  const kind: Kind = SETTINGS[name].kind;
  const bad = (why = `must be ${expected(kind)}`, hint = ''): never => { throw new UsageError(`${origin} ${why}${show(kind, raw)}${hint}`); };
  switch (kind.type) {
    case 'number': {
      const num = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isFinite(num) || num < kind.min || num > kind.max || (kind.integer && !Number.isInteger(num))) bad();
      return num;
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return bad();
    case 'enum':
      if (typeof raw !== 'string' || !kind.values.includes(raw)) bad();
      return raw;
    case 'clips': {
      const items: unknown[] = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/\s+/) : [raw];
      return parseClips(items.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== ''), origin);
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(kind.split) : bad();
      const clean = (items as unknown[]).map((v) => (typeof v === 'string' ? v.trim() : bad())).filter(Boolean);
      if (kind.secret && clean.some((v) => /[\s\u0000-\u001f\u007f]/.test(v))) bad('has a key with white space, a newline or a control character; the keys are not shown');
      return clean;
    }
    case 'secret':
      if (typeof raw !== 'string') bad();
      if ((raw as string).length === 0) bad('is empty');
      // A key never goes into a message: say what is wrong with it instead.
      if (/[\s\u0000-\u001f\u007f]/.test(raw as string)) bad('contains white space, a newline or a control character (a copy-paste accident?); the key itself is not shown');
      return raw;
    case 'url': {
      if (typeof raw !== 'string') return bad();
      let url: URL | undefined;
      try { url = new URL(raw); } catch { url = undefined; }
      if (!url || !/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
        const guess = /^[\w.-]+(:\d+)?(\/|$)/.test(raw) ? `; did you mean https://${raw}?` : '';
        return bad(undefined, guess);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') bad(`must use http or https, not ${url.protocol.slice(0, -1)}`);
      return raw;
    }
    case 'string':
      if (typeof raw !== 'string' || raw.length === 0) bad();
      return raw;
  }
}

/** The config file, checked against ConfigFileSchema; errors name the file and the key. */
export function readConfigFile(path: string): Values & { waivers?: Waiver[] } {
  if (!existsSync(path)) throw new UsageError(`--config ${path}: no such file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--config ${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`--config ${path}: expected a JSON object of settings`);
  // Waivers first, by their own checks: a union's zod message would not say which waiver is wrong, or how.
  const waivers = 'waivers' in parsed ? readWaivers((parsed as Record<string, unknown>).waivers, `--config ${path}: waivers`) : undefined;
  const checked = ConfigFileSchema.safeParse(parsed);
  if (!checked.success) {
    // A misspelt key first: it is the likelier mistake, and its value's error would mislead.
    const issue = checked.error.issues.find((i) => i.code === 'unrecognized_keys' && i.path.length === 0) ?? checked.error.issues[0];
    if (issue?.code === 'unrecognized_keys' && issue.path.length === 0) throw new UsageError(`--config ${path}: unknown key "${issue.keys[0]}" (known: ${Object.keys(SETTINGS).join(', ')})`);
    const key = String(issue?.path[0] ?? '');
    if (key in SETTINGS) read(key as SettingName, (parsed as Record<string, unknown>)[key], `--config ${path}: key "${key}"`);
    throw new UsageError(`--config ${path}: key "${key}": ${issue?.message ?? 'invalid'}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) if (key !== '$schema' && key !== 'waivers') out[key] = read(key as SettingName, value, `--config ${path}: key "${key}"`);
  return { ...(out as Values), ...(waivers ? { waivers } : {}) };
}

/** The JOBCERT_* variables that are set; an empty one counts as unset. */
export function readEnv(env: NodeJS.ProcessEnv): Values {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(SETTINGS)) {
    const raw = env[s.env];
    if (raw !== undefined && raw !== '') out[name] = read(name as SettingName, raw, s.env);
  }
  return out as Values;
}

/** Flags as commander parsed them (strings, repeated flags as arrays, switches as booleans). */
export function readFlags(flags: Record<string, unknown>): Values {
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(SETTINGS) as [string, Setting][]) {
    const raw = flags[s.attr ?? name];
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) continue;
    out[name] = read(name as SettingName, raw, s.flag);
  }
  return out as Values;
}
