/**
 * One certification run: settle the report directory (exit 2 if unusable),
 * bring up the target (the embedded mock when there is none), make sure it
 * answers (exit 3 if not), run the selected checks on the engine (suites/),
 * derive the run-wide checks, write the reports, return the exit code. An interrupt
 * (SIGINT, SIGTERM) or the run deadline stops the checks at once and still
 * writes the reports, listing what did not finish.
 */
// The mock's modules by name, not mocks/index.js: that one brings msw, which only an in-process run needs (target.ts).
import { DEFAULT_ACCOUNTS } from '../../mocks/engine/accounts.js';
import { DEFAULT_PROCESSING_MS } from '../../mocks/engine/engine.js';
import { SOURCE_SIZE, videoSeconds } from '../../mocks/engine/jobs.js';
import type { Clip, RunConfig } from '../../suites/lib/config.js';
import { redactor } from '../../suites/lib/redact.js';
import { createConsole, type Console } from './console.js';
import type { CertifyOptions } from './options.js';
import { pointLatest, prepareReportDir } from './report-dir.js';
import { writeReports } from './reports/write.js';
import { checkResult, REPORT_VERSION, selects, summarize, transportSummary, withDerivedChecks, type CheckResult, type Compliance } from './results.js';
import { completeness, verdictOf } from '../../core/verdict.js';
import { provenanceOf } from './provenance.js';
import { gatesOf, markGates, waivedRules } from '../../core/gates/apply.js';
import { gateInputsOf, updateBaselineFile } from './gates.js';
import type { RunTraffic } from '../../core/reports/traffic.js';
import { registeredChecks, runChecks, RunSession, type CheckDefinition } from '../../suites/index.js';
import { bringUpTarget, MSW_TARGET, unreachable, type Target } from './target.js';
import { committedPactRules, verifyPacts } from '../../pact/verify.js';
import { LOAD_RULES } from '../../load/checks.js';
import { runCertifyLoad } from '../../load/certify.js';
import type { LoadResults } from '../../load/results.js';
import { LoadRefused } from '../../load/stage.js';
import { productionHosts, refuseProduction } from '../../load/guards.js';
import { UsageError } from '../cli-errors.js';


/** incomplete (4): nothing gating failed, but the run did not judge what it claims (core/verdict.ts). */
export const EXIT = { pass: 0, fail: 1, usage: 2, unreachable: 3, incomplete: 4, SIGINT: 130, SIGTERM: 143 } as const;

/**
 * The facts the embedded mock's media convention gives a clip (SPEC §3: `duration=N` lasts N seconds, 10 by
 * default; every source is 1920×1080); facts the user declared stay as declared.
 */
export const withMockFacts = (clip: Clip): Clip => ({ duration: videoSeconds(clip.url), width: SOURCE_SIZE.width, height: SOURCE_SIZE.height, ...clip });

/** Mock media (SPEC §3): the vendor's advice of a short, a long and a difficult clip, with the facts the convention gives them. */
export const EMBEDDED_CLIPS: Clip[] = [
  { label: 'short', url: 'https://media.example.com/clips/short.mp4?duration=5' },
  { label: 'long', url: 'https://media.example.com/clips/long.mp4?duration=45' },
  { label: 'difficult', url: 'https://media.example.com/clips/difficult-hair-and-glass.mp4?duration=20' },
].map(withMockFacts);
export const EMBEDDED_FAILING_CLIP = 'https://media.example.com/clips/fail-corrupt.mp4';

/** Checks end themselves at the deadline; this backstop ends the run if one does not. */
const DEADLINE_GRACE_MS = 15_000;
/** How long an interrupted run waits for its running checks to end before reporting. */
const WIND_DOWN_MS = 1000;

export type Stop = { kind: 'signal'; signal: 'SIGINT' | 'SIGTERM' } | { kind: 'deadline' } | { kind: 'stopped' };

/** SIGINT/SIGTERM while a run is on: stop it and report. A second signal exits at once. */
function onInterrupt(): { stopped: Promise<Stop>; dispose(): void } {
  let handler: ((signal: NodeJS.Signals) => void) | undefined;
  const stopped = new Promise<Stop>((resolve) => {
    handler = (signal) => {
      if (handler) for (const s of ['SIGINT', 'SIGTERM'] as const) process.removeListener(s, handler);
      for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => process.exit(EXIT[s]));
      resolve({ kind: 'signal', signal: signal as 'SIGINT' | 'SIGTERM' });
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
  return { stopped, dispose: () => { if (handler) for (const s of ['SIGINT', 'SIGTERM'] as const) process.removeListener(s, handler); } };
}

/** The rule IDs each stage after the checks may cite, for the one selection predicate. */
const STAGE_RULES = { PACT: committedPactRules, LOAD: () => LOAD_RULES } as const;

/**
 * Stages after the checks (PACT, LOAD): with the full profile unless skipped;
 * with --only, when it names the stage or a rule one of its checks cites
 * (`--only IDEM-1` verifies the interactions that cite IDEM-1), as for the checks.
 */
function wantsFamily(opts: CertifyOptions, family: keyof typeof STAGE_RULES): boolean {
  if (opts.selection.skip.includes(family)) return false;
  if (opts.selection.only.length === 0) return opts.run.profile === 'full';
  return opts.selection.only.includes(family) || STAGE_RULES[family]().some((r) => opts.selection.only.includes(r));
}

/** A stage that could not run (its verifier, a scenario's setup): shown whatever the selection, so it is never silent. */
const STAGE_STATE = /^(pact\.verification|load\.[a-z]+\.ran)$/;
/**
 * A stage's results through the same predicate as the checks: `--only RATE-2` keeps the LOAD checks citing
 * RATE-2, not the latency thresholds, which cite no rule. Only an error saying the stage could not run stays.
 */
const stageSelected = (opts: CertifyOptions, results: CheckResult[]): CheckResult[] =>
  results.filter((c) => selects(opts.selection, c.family, c.rule_ids) || (c.rule_ids.length === 0 && c.status === 'error' && STAGE_STATE.test(c.id)));

async function verifyFamilyPact(opts: CertifyOptions, config: RunConfig, redact: (s: string) => string, interrupted: Promise<unknown>): Promise<CheckResult[]> {
  if (config.embedded?.transport === 'msw') {
    return [checkResult({ id: 'pact.verification', rules: [], title: 'the pacts could be verified', status: 'skip', message: 'the Pact verifier needs a real socket: run with --mock-transport http (the default)' })];
  }
  const abort = new AbortController();
  void interrupted.then(() => abort.abort());
  return verifyPacts({
    target: config.target, keys: { primary: config.keys.primary, ...(config.keys.broke ? { broke: config.keys.broke } : {}) },
    videoUrl: config.videos[0]?.url ?? EMBEDDED_CLIPS[0]!.url, ...(config.failingVideo ? { failingVideoUrl: config.failingVideo } : {}),
    jobTimeoutS: config.jobTimeoutS, requestTimeoutMs: config.requestTimeoutMs, redact,
    timeoutMs: Math.max(10_000, config.deadlineAt - Date.now()), signal: abort.signal,
  });
}

/** LOAD on the target (with --allow-load) or on the embedded mock; a target not allowed is a skip saying so. */
async function loadFamily(opts: CertifyOptions, config: RunConfig, embedded: boolean, log: (line: string) => void): Promise<{ checks: CheckResult[]; results?: LoadResults }> {
  if (!embedded && !opts.load.allowLoad) {
    return { checks: [checkResult({ id: 'load.allowed', rules: [], title: 'the target may be load-tested', status: 'skip', message: 'needs --allow-load (or allowLoad in the config file): LOAD runs only against a target the user allows, never a production host' })] };
  }
  try {
    const out = await runCertifyLoad({
      ...(embedded ? {} : { target: config.target }), keys: [config.keys.primary, ...(config.keys.alt ? [config.keys.alt] : []), ...opts.load.keys],
      videoUrl: config.videos[0]?.url, faults: opts.mock.faults, allowLoad: embedded || opts.load.allowLoad, timeoutMs: config.requestTimeoutMs,
      ...(opts.load.productionHosts ? { productionHosts: opts.load.productionHosts } : {}), ...(opts.load.thresholds ? { thresholds: opts.load.thresholds } : {}), log,
    });
    return { checks: out.checks, results: out.results };
  } catch (err) {
    // A refused target (a production host) is the user's to fix: exit 2 like any usage error.
    if (err instanceof LoadRefused) throw new UsageError(err.message);
    throw err;
  }
}

/** What a run needs from whoever drives it: a console, and a promise that resolves if the run is to stop. */
export interface RunHooks {
  ui: Console;
  stopped: Promise<Stop>;
  redact: (text: string) => string;
}

/** The keys of a run: the user's, or the embedded mock's accounts. */
export function keysOf(opts: CertifyOptions): { primary: string; alt?: string; broke?: string } {
  return opts.target === undefined
    ? { primary: opts.keys.primary ?? DEFAULT_ACCOUNTS[0]!.key, alt: opts.keys.alt ?? DEFAULT_ACCOUNTS[1]!.key, broke: opts.keys.broke ?? DEFAULT_ACCOUNTS[2]!.key }
    : { ...opts.keys, primary: opts.keys.primary as string };
}

/** What the checks of a run are told: the options resolved against the target brought up for it. */
function configFor(opts: CertifyOptions, target: Pick<Target, 'url' | 'logSource'>, startedAt: Date): RunConfig {
  const embedded = opts.target === undefined;
  const failingVideo = opts.run.failingVideo ?? (embedded ? EMBEDDED_FAILING_CLIP : undefined);
  const logSource = opts.logSource ?? target.logSource;
  return {
    ...opts.run,
    target: target.url,
    deadlineAt: startedAt.getTime() + opts.maxDurationS * 1000,
    embedded: embedded ? { transport: opts.mock.transport, faults: opts.mock.faults, variants: opts.mock.variants, processingMs: DEFAULT_PROCESSING_MS } : null,
    keys: Object.fromEntries(Object.entries(keysOf(opts)).filter(([, v]) => v !== undefined)) as RunConfig['keys'],
    // The embedded mock's media are known (SPEC §3); a remote target's only as far as the user declared them.
    videos: opts.videos ? (embedded ? opts.videos.map(withMockFacts) : opts.videos) : EMBEDDED_CLIPS,
    ...(failingVideo !== undefined ? { failingVideo } : {}),
    ...(logSource ? { logSource } : {}),
  };
}

/** The checks a run with these options will report (before the target is up): what the vitest adapter declares as tests. */
export function plannedChecks(opts: CertifyOptions): CheckDefinition[] {
  const config = configFor(opts, { url: opts.target ?? MSW_TARGET, logSource: opts.mock.transport === 'msw' ? { kind: 'memory', lines: [] } : undefined }, new Date());
  return registeredChecks(config).filter((c) => selects(opts.selection, c.family, c.rules));
}

/**
 * One certification as a library call: bring up the target, run the selected
 * checks and stages, and return the compliance document (no report written,
 * no exit): `certify` and the vitest adapter both drive this.
 */
export async function runCertification(opts: CertifyOptions, version: string, hooks: RunHooks): Promise<{ doc: Compliance; stop: Stop | undefined; traffic: RunTraffic } | { unreachable: string }> {
  const startedAt = new Date();
  const t0 = performance.now();
  const embedded = opts.target === undefined;
  const keys = keysOf(opts);
  const { ui, redact } = hooks;
  const target = await bringUpTarget(opts, keys);
  try {
    const config = configFor(opts, target, startedAt);

    const extras = [opts.mock.faults.length ? `faults ${opts.mock.faults.join(', ')}` : '', opts.mock.variants.length ? `variants ${opts.mock.variants.join(', ')}` : ''].filter(Boolean).join('; ');
    const shown = embedded ? `the embedded mock${extras ? ` with ${extras}` : ''} (${opts.mock.transport === 'msw' ? 'in-process' : target.url})` : target.url;
    ui.header(`jobcert ${version}: certifying ${shown}, profile ${config.profile}, fuzz seed ${config.seed} (replay with --seed ${config.seed})${opts.shuffle !== undefined ? `, checks shuffled (seed ${opts.shuffle})` : ''}`);
    if (!(embedded && opts.mock.transport === 'msw')) {
      const down = await unreachable(target.url, config.requestTimeoutMs);
      if (down !== undefined) return { unreachable: `the target ${target.url} could not be reached (${down})` };
    }

    // The registry's checks for this configuration, those the selection names.
    let selected: CheckDefinition[] = [];
    const loadErrors: string[] = [];
    try {
      selected = registeredChecks(config).filter((c) => selects(opts.selection, c.family, c.rules) && (opts.checks === undefined || opts.checks.includes(c.id)));
    } catch (err) {
      loadErrors.push(redact(err instanceof Error ? err.message : String(err)));
    }
    const session = new RunSession(config);
    const stopping = hooks.stopped.then((s) => {
      const why = `the run was interrupted (${s.kind === 'signal' ? s.signal : 'stopped'})`;
      ui.error(s.kind === 'signal' ? `jobcert: ${s.signal}: stopping the checks and writing the reports with what finished` : 'jobcert: stopping the checks');
      session.stop(new Error(why));
      return why;
    });
    const interrupted: { by?: Stop } = {};
    void hooks.stopped.then((s) => { interrupted.by = s; });
    const ran = await runChecks(selected, session, {
      concurrency: config.concurrency, ...(opts.shuffle !== undefined ? { shuffle: opts.shuffle } : {}),
      onResult: (r) => ui.result(r), stopped: stopping, windDownMs: WIND_DOWN_MS, deadlineGraceMs: DEADLINE_GRACE_MS,
      deadlineReason: `the run deadline (--max-duration ${opts.maxDurationS} s) passed`,
    }).finally(() => session.dispose());
    for (const e of loadErrors) ui.error(`jobcert: the checks could not be listed: ${e}`);
    // Read after the checks: an interrupt or the deadline during them ends the run here.
    const stop = interrupted.by ?? (Date.now() >= config.deadlineAt ? ({ kind: 'deadline' } as const) : undefined);
    // PACT: the committed consumer pacts verified against the target (full profile, or --only PACT), after the checks.
    const pactChecks = stop || !wantsFamily(opts, 'PACT') ? [] : stageSelected(opts, await verifyFamilyPact(opts, config, redact, hooks.stopped));
    for (const c of pactChecks) ui.result(c);
    // LOAD: after the checks, so the load does not disturb their timing; the embedded mock gets its own process.
    const staged = stop || !wantsFamily(opts, 'LOAD') ? undefined : await loadFamily(opts, config, embedded, (line) => ui.header(`  LOAD ${line}`));
    const load = staged ? { ...staged, checks: stageSelected(opts, staged.checks) } : undefined;
    for (const c of load?.checks ?? []) ui.result(c);

    const checks: CheckResult[] = withDerivedChecks([...ran.results, ...pactChecks, ...(load?.checks ?? [])], opts.selection);
    if (loadErrors.length > 0) {
      // Filed under SCHEMA, a family every report draws: the run's own machinery failed, not a provider rule.
      checks.push({ ...checkResult({ id: 'harness.load', rules: [], title: 'every suite declared its checks', status: 'error', message: loadErrors.join('; ') }), family: 'SCHEMA' });
    }
    // A baseline and waivers decide which failures gate (core/gates/) before anything counts them.
    const gates = gateInputsOf(opts.gates, config.target, startedAt);
    if (gates) markGates(checks, gates);
    const summary = summarize(checks, opts.strict);
    // Discovery's requests count where no check carried them.
    if (ran.rateProfile && !checks.some((c) => c.id === 'rate.burst' && c.requests > 0)) summary.requests += ran.rateProfile.sent;
    // OBS-4 is a MUST "when a log source is configured": without one it asks nothing of the provider.
    const complete = completeness(checks, opts.selection, config.logSource ? {} : { 'OBS-4': 'no log source configured (SPEC: MUST when a log source is configured); give --log-source to judge it' }, gates ? waivedRules(gates) : undefined);
    const shownTarget = embedded && opts.mock.transport === 'msw' ? 'embedded mock (in-process)' : target.url;
    const doc: Compliance = {
      tool: 'jobcert', version, report_version: REPORT_VERSION, target: shownTarget, profile: config.profile, strict: opts.strict,
      started_at: startedAt.toISOString(), duration_ms: Math.round(performance.now() - t0),
      verdict: verdictOf(checks, complete, opts.strict, stop?.kind === 'signal'),
      completeness: complete,
      provenance: provenanceOf(opts, config, version, shownTarget, startedAt, new Date()),
      summary, clips: checks.flatMap((c) => (c.clip ? [c.clip] : [])),
      ...(ran.rateProfile ? { rate_limit: ran.rateProfile } : {}),
      transport: transportSummary(checks),
      checks,
      ...(gates ? { gates: gatesOf(checks, complete, gates) } : {}),
      ...(load && 'results' in load ? { load: load.results } : {}),
    };
    return { doc, stop, traffic: { entries: session.traffic(), complete: true } };
  } finally {
    await target.close();
  }
}

export async function certify(opts: CertifyOptions, version: string): Promise<number> {
  const embedded = opts.target === undefined;
  const keys = keysOf(opts);
  const redact = redactor([keys.primary, keys.alt, keys.broke]);
  const ui = createConsole({ quiet: opts.quiet, color: process.stdout.isTTY === true && !process.env.NO_COLOR, redact });
  // Before anything runs or is written: LOAD never goes near a production host, and a report directory
  // that cannot be written is a usage error now, not a lost run later.
  if (!embedded && opts.load.allowLoad && wantsFamily(opts, 'LOAD')) {
    try { refuseProduction(opts.target as string, productionHosts(opts.load.productionHosts)); } catch (err) {
      if (err instanceof LoadRefused) throw new UsageError(err.message);
      throw err;
    }
  }
  const dir = prepareReportDir(opts.out, new Date());
  const interrupt = onInterrupt();
  try {
    const run = await runCertification(opts, version, { ui, stopped: interrupt.stopped, redact });
    if ('unreachable' in run) {
      ui.error(`jobcert: ${run.unreachable}`);
      return EXIT.unreachable;
    }
    // The verdict stays the one judged against the baseline as it was; the reports say what the update changed.
    updateBaselineFile(run.doc, opts.gates, run.stop?.kind === 'signal');
    const paths = await writeReports(run.doc, dir, redact, run.traffic);
    if (opts.out === undefined) pointLatest(dir);
    ui.final(run.doc, paths);
    if (run.stop?.kind === 'signal') return EXIT[run.stop.signal];
    return EXIT[run.doc.verdict === 'interrupted' ? 'fail' : run.doc.verdict];
  } finally {
    interrupt.dispose();
  }
}
