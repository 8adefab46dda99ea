/**
 * One certification run: bring up the target (the embedded mock when there is
 * none), make sure it answers (exit 3 if not), run the suites through vitest's
 * Node API, derive the run-wide checks, write the reports, return the exit code.
 */
import { mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import { createWriteStream, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startVitest } from 'vitest/node';
import { accountsWithKeys, createEngine, DEFAULT_ACCOUNTS, DEFAULT_PROCESSING_MS, startHttpServer, type RunningServer } from '../../mocks/index.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { redactor } from '../../suites/lib/redact.js';
import { createConsole } from './console.js';
import { SELECTABLE_FAMILIES, type CertifyOptions, type Selection } from './options.js';
import { CheckCollector } from './reporter.js';
import { writeReports } from './reports/write.js';
import { isGatingFailure, summarize, withDerivedChecks, type CheckResult, type Compliance } from './results.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const EXIT = { pass: 0, fail: 1, usage: 2, unreachable: 3 } as const;

/** Mock media (SPEC §3): the vendor's advice of a short, a long and a difficult clip. */
export const EMBEDDED_CLIPS = [
  { label: 'short', url: 'https://media.example.com/clips/short.mp4?duration=5' },
  { label: 'long', url: 'https://media.example.com/clips/long.mp4?duration=45' },
  { label: 'difficult', url: 'https://media.example.com/clips/difficult-hair-and-glass.mp4?duration=20' },
];
export const EMBEDDED_FAILING_CLIP = 'https://media.example.com/clips/fail-corrupt.mp4';
const MSW_TARGET = 'http://127.0.0.1:9'; // in-process only; loopback discard port if interception ever failed

/** The single test file holding every family's checks (they share one worker, its key gates and its rate discovery). */
const ENTRY = 'suites/certify.entry.ts';
const ALL_FAMILIES = new Set(SELECTABLE_FAMILIES as readonly string[]);

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

async function reachable(target: string, timeoutMs: number): Promise<string | undefined> {
  try {
    await fetch(`${target}/health`, { redirect: 'manual', signal: AbortSignal.timeout(Math.min(timeoutMs, 5000)) });
    return undefined;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return e.name === 'TimeoutError' ? 'no answer within 5 s' : (e.cause?.code ?? e.cause?.message ?? e.message);
  }
}

export async function certify(opts: CertifyOptions, version: string): Promise<number> {
  const startedAt = new Date();
  const t0 = performance.now();
  const embedded = opts.target === undefined;
  const keys = embedded
    ? { primary: opts.keys.primary ?? DEFAULT_ACCOUNTS[0]!.key, alt: opts.keys.alt ?? DEFAULT_ACCOUNTS[1]!.key, broke: opts.keys.broke ?? DEFAULT_ACCOUNTS[2]!.key }
    : opts.keys;
  const redact = redactor([keys.primary, keys.alt, keys.broke]);
  const ui = createConsole({ quiet: opts.quiet, color: process.stdout.isTTY === true && !process.env.NO_COLOR, redact });

  let server: RunningServer | undefined;
  let logStream: WriteStream | undefined;
  let scratch: string | undefined;
  try {
    let target: string;
    let logSource: RunConfig['logSource'];
    if (embedded && opts.mock.transport === 'http') {
      scratch = await mkdtemp(join(tmpdir(), 'jobcert-'));
      const logPath = join(scratch, 'mock.log');
      const stream = (logStream = createWriteStream(logPath));
      const engine = createEngine({
        accounts: accountsWithKeys({ primary: keys.primary, second: keys.alt, broke: keys.broke }),
        faults: opts.mock.faults,
        variants: opts.mock.variants,
        log: (entry) => { stream.write(`${JSON.stringify(entry)}\n`); },
      });
      server = await startHttpServer(engine);
      target = server.url;
      logSource = { kind: 'file', path: logPath };
    } else if (embedded) {
      target = MSW_TARGET;
      logSource = { kind: 'memory' };
    } else {
      target = opts.target as string;
    }
    // A user-given log source wins over the embedded mock's own sink.
    if (opts.logSource !== undefined) logSource = opts.logSource;
    const failingVideo = opts.run.failingVideo ?? (embedded ? EMBEDDED_FAILING_CLIP : undefined);

    const config: RunConfig = {
      ...opts.run,
      target,
      deadlineAt: startedAt.getTime() + opts.maxDurationS * 1000,
      embedded: embedded ? { transport: opts.mock.transport, faults: opts.mock.faults, variants: opts.mock.variants, processingMs: DEFAULT_PROCESSING_MS } : null,
      keys: Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined)) as RunConfig['keys'],
      videos: opts.videos ?? EMBEDDED_CLIPS,
      ...(failingVideo !== undefined ? { failingVideo } : {}),
      ...(logSource ? { logSource } : {}),
    };

    const extras = [opts.mock.faults.length ? `faults ${opts.mock.faults.join(', ')}` : '', opts.mock.variants.length ? `variants ${opts.mock.variants.join(', ')}` : ''].filter(Boolean).join('; ');
    const shown = embedded ? `the embedded mock${extras ? ` with ${extras}` : ''} (${opts.mock.transport === 'msw' ? 'in-process' : target})` : target;
    ui.header(`jobcert ${version}: certifying ${shown}, profile ${config.profile}`);
    if (!(embedded && opts.mock.transport === 'msw')) {
      const down = await reachable(target, config.requestTimeoutMs);
      if (down !== undefined) {
        ui.error(`jobcert: the target ${target} could not be reached (${down})`);
        return EXIT.unreachable;
      }
    }

    const pattern = plan(opts.selection);
    const collector = new CheckCollector((r) => ui.result(r), redact);
    const previousExitCode = process.exitCode;
    const vitest = await startVitest('test', [], {
      root: ROOT, config: false, watch: false, include: [ENTRY], reporters: [collector], provide: { jobcert: config },
      setupFiles: [join(ROOT, 'suites/lib/setup.ts')], pool: 'threads', sequence: { concurrent: true }, maxConcurrency: config.concurrency,
      passWithNoTests: true, silent: true, ...(pattern ? { testNamePattern: pattern } : {}),
    }, { logLevel: 'silent', cacheDir: join(scratch ?? tmpdir(), '.vite-jobcert') });
    await vitest.close();
    process.exitCode = previousExitCode;
    for (const e of collector.loadErrors) ui.error(`jobcert: a suite failed to load: ${e}`);

    const checks: CheckResult[] = withDerivedChecks(collector.results, opts.selection);
    if (collector.loadErrors.length > 0) {
      checks.push({ id: 'harness.load', rule_ids: [], family: 'SCHEMA', level: 'must', title: 'every suite loaded', status: 'error', message: collector.loadErrors.join('; '), duration_ms: 0, requests: 0, evidence: [], request_ids: [], repro: null, notes: [] });
    }
    const summary = summarize(checks, opts.strict);
    const doc: Compliance = {
      tool: 'jobcert', version, target: embedded && opts.mock.transport === 'msw' ? 'embedded mock (in-process)' : target, profile: config.profile, strict: opts.strict,
      started_at: startedAt.toISOString(), duration_ms: Math.round(performance.now() - t0),
      verdict: checks.some((c) => isGatingFailure(c, opts.strict)) || checks.length === 0 ? 'fail' : 'pass',
      summary, clips: checks.flatMap((c) => (c.clip ? [c.clip] : [])),
      ...(collector.rateProfile ? { rate_limit: collector.rateProfile } : {}),
      checks,
    };
    const dir = await reportDir(opts.out, startedAt);
    const paths = await writeReports(doc, dir, redact);
    if (opts.out === undefined) await pointLatest(dir);
    ui.final(doc, paths);
    return doc.verdict === 'pass' ? EXIT.pass : EXIT.fail;
  } finally {
    await server?.close();
    if (logStream) await new Promise<void>((done) => logStream?.end(done));
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

async function reportDir(out: string | undefined, startedAt: Date): Promise<string> {
  if (out !== undefined) return resolve(out);
  return resolve('reports', startedAt.toISOString().replace(/[:.]/g, '-'));
}

async function pointLatest(dir: string): Promise<void> {
  const link = resolve('reports', 'latest');
  await unlink(link).catch(() => undefined);
  await symlink(dir.split('/').at(-1) as string, link).catch(() => undefined);
}

