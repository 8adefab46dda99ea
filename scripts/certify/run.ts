/**
 * One certification run: settle the report directory (exit 2 if unusable),
 * bring up the target (the embedded mock when there is none), make sure it
 * answers (exit 3 if not), run the checks through vitest's Node API, derive
 * the run-wide checks, write the reports, return the exit code. An interrupt
 * (SIGINT, SIGTERM) or the run deadline stops the checks at once and still
 * writes the reports, listing what did not finish.
 */
import { join } from 'node:path';
import { createVitest, type Vitest } from 'vitest/node';
import { DEFAULT_ACCOUNTS, DEFAULT_PROCESSING_MS } from '../../mocks/index.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { redactor } from '../../suites/lib/redact.js';
import { createConsole } from './console.js';
import { SELECTABLE_FAMILIES, type CertifyOptions, type Selection } from './options.js';
import { pointLatest, prepareReportDir } from './report-dir.js';
import { CheckCollector } from './reporter.js';
import { writeReports } from './reports/write.js';
import { isGatingFailure, summarize, transportSummary, withDerivedChecks, type CheckResult, type Compliance } from './results.js';
import { bringUpTarget, unreachable } from './target.js';
import { modulePath, ROOT } from '../runtime.js';
import { verifyPacts } from '../../pact/verify.js';
import { runCertifyLoad } from '../../load/certify.js';
import type { LoadResults } from '../../load/results.js';
import { LoadRefused } from '../../load/stage.js';
import { productionHosts, refuseProduction } from '../../load/guards.js';
import { UsageError } from '../cli-errors.js';


export const EXIT = { pass: 0, fail: 1, usage: 2, unreachable: 3, SIGINT: 130, SIGTERM: 143 } as const;

/** Mock media (SPEC §3): the vendor's advice of a short, a long and a difficult clip. */
export const EMBEDDED_CLIPS = [
  { label: 'short', url: 'https://media.example.com/clips/short.mp4?duration=5' },
  { label: 'long', url: 'https://media.example.com/clips/long.mp4?duration=45' },
  { label: 'difficult', url: 'https://media.example.com/clips/difficult-hair-and-glass.mp4?duration=20' },
];
export const EMBEDDED_FAILING_CLIP = 'https://media.example.com/clips/fail-corrupt.mp4';

/** The single test file holding every family's checks (they share one worker, its key gates and its rate discovery). */
const ENTRY = modulePath('suites/certify.entry');
const ALL_FAMILIES = new Set(SELECTABLE_FAMILIES as readonly string[]);
/** Checks end themselves at the deadline; this backstop stops vitest if one does not. */
const DEADLINE_GRACE_MS = 15_000;
/** How long an interrupted or overdue run waits for vitest to wind down before reporting. */
const WIND_DOWN_MS = 1000;

/**
 * Which checks to run, for --only/--skip. Check names are `<family>.<name>
 * [<rule IDs>] <title>`, so a family matches the id prefix and a rule ID
 * matches inside the brackets.
 */
function plan(selection: Selection): RegExp | undefined {
  if (selection.only.length === 0 && selection.skip.length === 0) return undefined;
  // vitest matches the full name, "<describe> <test>", so a family is the id prefix after a space.
  const term = (item: string): string => (ALL_FAMILIES.has(item) ? `(?:^|\\s)${item.toLowerCase()}\\.` : `\\[[^\\]]*\\b${item}\\b[^\\]]*\\]`);
  const any = (items: string[]): string => `(?:${items.map(term).join('|')})`;
  const only = selection.only.length ? `(?=.*?${any(selection.only)})` : '';
  const skip = selection.skip.length ? `(?!.*?${any(selection.skip)})` : '';
  return new RegExp(`^${only}${skip}`);
}

type Stop = { kind: 'signal'; signal: 'SIGINT' | 'SIGTERM' } | { kind: 'deadline' };

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

/** Families that run outside vitest: with the full profile unless skipped, or when --only names them. */
function wantsFamily(opts: CertifyOptions, family: string): boolean {
  if (opts.selection.skip.includes(family)) return false;
  return opts.selection.only.length > 0 ? opts.selection.only.includes(family) : opts.run.profile === 'full';
}

async function verifyFamilyPact(opts: CertifyOptions, config: RunConfig, redact: (s: string) => string, interrupted: Promise<unknown>): Promise<CheckResult[]> {
  if (config.embedded?.transport === 'msw') {
    return [{ id: 'pact.verification', rule_ids: [], family: 'PACT', level: 'must', title: 'the pacts could be verified', status: 'skip', message: 'the Pact verifier needs a real socket: run with --mock-transport http (the default)', duration_ms: 0, requests: 0, evidence: [], request_ids: [], repro: null, notes: [] }];
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
    return { checks: [{ id: 'load.allowed', rule_ids: [], family: 'LOAD', level: 'must', title: 'the target may be load-tested', status: 'skip', message: 'needs --allow-load (or allowLoad in the config file): LOAD runs only against a target the user allows, never a production host', duration_ms: 0, requests: 0, evidence: [], request_ids: [], repro: null, notes: [] }] };
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

const within = <T>(p: Promise<T>, ms: number): Promise<T | undefined> => Promise.race([p, new Promise<undefined>((r) => { setTimeout(() => r(undefined), ms).unref(); })]);

export async function certify(opts: CertifyOptions, version: string): Promise<number> {
  const startedAt = new Date();
  const t0 = performance.now();
  const embedded = opts.target === undefined;
  const keys = embedded
    ? { primary: opts.keys.primary ?? DEFAULT_ACCOUNTS[0]!.key, alt: opts.keys.alt ?? DEFAULT_ACCOUNTS[1]!.key, broke: opts.keys.broke ?? DEFAULT_ACCOUNTS[2]!.key }
    : { ...opts.keys, primary: opts.keys.primary as string };
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
  const dir = prepareReportDir(opts.out, startedAt);

  const interrupt = onInterrupt();
  const target = await bringUpTarget(opts, keys);
  try {
    const failingVideo = opts.run.failingVideo ?? (embedded ? EMBEDDED_FAILING_CLIP : undefined);
    const logSource = opts.logSource ?? target.logSource;
    const config: RunConfig = {
      ...opts.run,
      target: target.url,
      deadlineAt: startedAt.getTime() + opts.maxDurationS * 1000,
      embedded: embedded ? { transport: opts.mock.transport, faults: opts.mock.faults, variants: opts.mock.variants, processingMs: DEFAULT_PROCESSING_MS } : null,
      keys: Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined)) as RunConfig['keys'],
      videos: opts.videos ?? EMBEDDED_CLIPS,
      ...(failingVideo !== undefined ? { failingVideo } : {}),
      ...(logSource ? { logSource } : {}),
    };

    const extras = [opts.mock.faults.length ? `faults ${opts.mock.faults.join(', ')}` : '', opts.mock.variants.length ? `variants ${opts.mock.variants.join(', ')}` : ''].filter(Boolean).join('; ');
    const shown = embedded ? `the embedded mock${extras ? ` with ${extras}` : ''} (${opts.mock.transport === 'msw' ? 'in-process' : target.url})` : target.url;
    ui.header(`jobcert ${version}: certifying ${shown}, profile ${config.profile}, fuzz seed ${config.seed} (replay with --seed ${config.seed})${opts.shuffle !== undefined ? `, checks shuffled (seed ${opts.shuffle})` : ''}`);
    if (!(embedded && opts.mock.transport === 'msw')) {
      const down = await unreachable(target.url, config.requestTimeoutMs);
      if (down !== undefined) {
        ui.error(`jobcert: the target ${target.url} could not be reached (${down})`);
        return EXIT.unreachable;
      }
    }

    const pattern = plan(opts.selection);
    const collector = new CheckCollector((r) => ui.result(r), redact);
    const previousExitCode = process.exitCode;
    const signalListeners = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
    const vitest: Vitest = await createVitest('test', {
      root: ROOT, config: false, watch: false, include: [ENTRY], reporters: [collector], provide: { jobcert: config },
      setupFiles: [modulePath('suites/lib/setup')], pool: 'threads', maxConcurrency: config.concurrency,
      sequence: { concurrent: true, ...(opts.shuffle !== undefined ? { shuffle: true, seed: opts.shuffle } : {}) },
      passWithNoTests: true, silent: true, ...(pattern ? { testNamePattern: pattern } : {}),
    }, { logLevel: 'silent', cacheDir: join(target.scratch, '.vite-jobcert') });
    // vitest's logger exits the process on SIGINT/SIGTERM; certify owns interrupts, because it must still write the reports.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!signalListeners.has(listener)) process.removeListener(signal, listener);
    }
    let backstop: NodeJS.Timeout | undefined;
    const overdue = new Promise<Stop>((resolve) => { backstop = setTimeout(() => resolve({ kind: 'deadline' }), Math.max(0, config.deadlineAt - Date.now()) + DEADLINE_GRACE_MS); });
    const finished = vitest.start().then(() => undefined);
    const stop = await Promise.race([finished, interrupt.stopped, overdue]);
    clearTimeout(backstop);
    if (stop) {
      ui.error(stop.kind === 'signal' ? `jobcert: ${stop.signal}: stopping the checks and writing the reports with what finished` : 'jobcert: the run deadline passed and some checks did not end; stopping them');
      await within(vitest.cancelCurrentRun('keyboard-input'), WIND_DOWN_MS);
    }
    // vitest may not settle after a stop: its workers end with the process.
    await within(vitest.close(), stop ? WIND_DOWN_MS : 30_000);
    process.exitCode = previousExitCode;
    for (const e of collector.loadErrors) ui.error(`jobcert: a suite failed to load: ${e}`);
    // PACT: the committed consumer pacts verified against the target (full profile, or --only PACT), after the checks.
    const pactChecks = stop || !wantsFamily(opts, 'PACT') ? [] : await verifyFamilyPact(opts, config, redact, interrupt.stopped);
    for (const c of pactChecks) ui.result(c);
    // LOAD: after the checks, so the load does not disturb their timing; the embedded mock gets its own process.
    const load = stop || !wantsFamily(opts, 'LOAD') ? undefined : await loadFamily(opts, config, embedded, (line) => ui.header(`  LOAD ${line}`));
    for (const c of load?.checks ?? []) ui.result(c);

    const reason = stop?.kind === 'signal' ? `the run was interrupted (${stop.signal})` : `the run deadline (--max-duration ${opts.maxDurationS} s) passed`;
    const checks: CheckResult[] = withDerivedChecks([...collector.results, ...pactChecks, ...(load?.checks ?? []), ...collector.unfinished(reason)], opts.selection);
    if (collector.loadErrors.length > 0) {
      checks.push({ id: 'harness.load', rule_ids: [], family: 'SCHEMA', level: 'must', title: 'every suite loaded', status: 'error', message: collector.loadErrors.join('; '), duration_ms: 0, requests: 0, evidence: [], request_ids: [], repro: null, notes: [] });
    }
    const summary = summarize(checks, opts.strict);
    // Discovery's requests count where no check carried them.
    if (collector.rateProfile && !checks.some((c) => c.id === 'rate.burst' && c.requests > 0)) summary.requests += collector.rateProfile.sent;
    const gatingFailure = checks.some((c) => isGatingFailure(c, opts.strict)) || checks.length === 0;
    const doc: Compliance = {
      tool: 'jobcert', version, target: embedded && opts.mock.transport === 'msw' ? 'embedded mock (in-process)' : target.url, profile: config.profile, strict: opts.strict,
      started_at: startedAt.toISOString(), duration_ms: Math.round(performance.now() - t0),
      verdict: stop?.kind === 'signal' ? 'interrupted' : gatingFailure ? 'fail' : 'pass',
      summary, clips: checks.flatMap((c) => (c.clip ? [c.clip] : [])),
      ...(collector.rateProfile ? { rate_limit: collector.rateProfile } : {}),
      transport: transportSummary(checks),
      checks,
      ...(load && 'results' in load ? { load: load.results } : {}),
    };
    const paths = await writeReports(doc, dir, redact);
    if (opts.out === undefined) pointLatest(dir);
    ui.final(doc, paths);
    if (stop?.kind === 'signal') return EXIT[stop.signal];
    return doc.verdict === 'pass' ? EXIT.pass : EXIT.fail;
  } finally {
    interrupt.dispose();
    await target.close();
  }
}
