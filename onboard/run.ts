/**
 * One onboarding run: plan the scenario from the seed, bring up the injecting
 * mock and the artifact host on loopback, run the client (or serve until told
 * to stop), read the engine's ledger, grade, write the four reports, print the
 * verdict table, and return the exit code (0 pass, 1 a gating check failed,
 * 3 the mock or the client could not start; usage errors never get here).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { prepareReportDir } from '../core/report-dir.js';
import { writeReports } from '../core/reports/write.js';
import { createEngine } from '../mocks/index.js';
import { redactor } from '../suites/lib/redact.js';
import { ClientStartError, clientEnv, runClient } from './client-process.js';
import type { ConditionName } from './conditions.js';
import { createOnboardConsole } from './console.js';
import { grade } from './grade/index.js';
import type { RunInfo } from './grade/context.js';
import { readLedger } from './ledger.js';
import { ClientLog, readLogFile } from './log.js';
import { buildPlan, sourceUrl, type Profile } from './plan.js';
import { buildCompliance } from './report.js';
import { Scenario } from './scenario.js';
import { startOnboardServers } from './server.js';
import { Traffic } from './traffic.js';

export const EXIT = { pass: 0, fail: 1, usage: 2, cannotStart: 3 } as const;
export const LOG_CAP_BYTES = 4 * 1024 * 1024;

export interface OnboardOptions {
  mode: 'command' | 'serve';
  command: string[];
  profile: Profile;
  seed: number;
  scenarios?: ConditionName[];
  clientTimeoutMs: number;
  /** CLI-3: the client's per-job deadline, told to the grader (`--client-job-deadline`). */
  clientJobDeadlineMs?: number;
  processingMs: number;
  holdMs: number;
  strict: boolean;
  out?: string;
  quiet: boolean;
  showClientLog: boolean;
  passEnv: string[];
  /** serve mode */
  port?: number;
  durationMs?: number;
  clientLog?: string;
  apiKey?: string;
}

const quote = (s: string): string => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The told deadline back in the seconds it was given in (ms × 1000 / 1000 can pick up float noise: 1.1 → 1.1000000000000003). */
const deadlineSeconds = (ms: number): number => Number((ms / 1000).toPrecision(12));

/** The command line that replays this run's plan (same seed, same scenario, same timings). */
export function replayCommand(o: OnboardOptions): string {
  const parts = ['npx', 'jobcert', 'onboard', '--seed', String(o.seed), '--profile', o.profile];
  if (o.scenarios) parts.push('--scenarios', o.scenarios.join(','));
  parts.push('--processing-ms', String(o.processingMs), '--slow-response-ms', String(o.holdMs));
  // The deadline changes CLI-3's verdict, so a replay without it would not grade the same.
  if (o.clientJobDeadlineMs !== undefined) parts.push('--client-job-deadline', String(deadlineSeconds(o.clientJobDeadlineMs)));
  if (o.mode === 'serve') parts.push('--serve');
  else parts.push('--client-timeout', String(Math.round(o.clientTimeoutMs / 1000)), '--', ...o.command);
  return parts.map(quote).join(' ');
}

const now = (): number => performance.timeOrigin + performance.now();

/**
 * One pass through every operation on a throwaway engine, so validators and
 * code paths are compiled before the client runs: a first request that blocks
 * the event loop would distort the timings the grader reads.
 */
function warmUp(): void {
  const engine = createEngine({ rateLimit: false, processingMs: 0 });
  const key = engine.accounts[0]?.key ?? '';
  const call = (method: string, url: string, body?: unknown): string => {
    const res = engine.handle({ method, url, headers: { 'x-api-key': key, 'content-type': 'application/json', 'idempotency-key': `warm-${url}` }, body: body === undefined ? null : new TextEncoder().encode(JSON.stringify(body)) });
    return typeof res.body === 'string' ? res.body : '';
  };
  const id = (JSON.parse(call('POST', '/v1/jobs', { video_url: 'http://127.0.0.1/warm.mp4', auto_start: false })) as { id: string }).id;
  call('POST', `/v1/jobs/${id}/start`, { model: 'light' });
  call('GET', `/v1/jobs/${id}`);
  call('GET', '/v1/jobs?limit=1');
  call('GET', '/v1/usage/events');
}

export async function onboard(o: OnboardOptions, version: string): Promise<number> {
  const startedAt = new Date();
  const key = o.apiKey ?? `jc_onboard_${randomBytes(12).toString('hex')}`;
  const redact = redactor([key]);
  const ui = createOnboardConsole({ color: process.stdout.isTTY === true && !process.env.NO_COLOR, redact });
  const info = (text: string): void => { if (!o.quiet) ui.line(text); };
  // The report directory is settled first, as certify does: a bad --out should not cost the partner a whole client run.
  let dir: string;
  try { dir = prepareReportDir(o.out ?? join('reports', `onboard-${startedAt.toISOString().replace(/[:.]/g, '-')}-${process.pid}`), startedAt); } catch (err) {
    ui.error(`jobcert: ${(err as Error).message}`);
    return EXIT.usage;
  }
  warmUp();
  const plan = buildPlan({ seed: o.seed, profile: o.profile, holdMs: o.holdMs, ...(o.scenarios ? { only: o.scenarios } : {}) });
  const never = new Set(plan.sources.filter((s) => s.processing === 'never').map((s) => s.path));
  const engine = createEngine({
    accounts: [{ name: 'onboarding', key, credits: plan.balance }],
    rateLimit: false, // 429s are the scenario's, scripted and replayable, not the token bucket's
    processingMs: o.processingMs,
    processingMsFor: (videoUrl) => {
      try { return never.has(new URL(videoUrl).pathname) ? Number.POSITIVE_INFINITY : undefined; } catch { return undefined; }
    },
  });
  const traffic = new Traffic();
  const scenario = new Scenario(plan);
  let servers;
  try {
    servers = await startOnboardServers({ engine, scenario, traffic, key, now, ...(o.port !== undefined ? { port: o.port } : {}) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    ui.error(`jobcert onboard: cannot start the onboarding mock: ${e.code === 'EADDRINUSE' ? `port ${o.port} is in use` : e.message}`);
    return EXIT.cannotStart;
  }
  const interrupt = new AbortController();
  const onSignal = (): void => interrupt.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const videoUrls = plan.sources.map((s) => sourceUrl(servers.url, s));
    const vars = { JOBCERT_BASE_URL: servers.url, JOBCERT_API_KEY: key, JOBCERT_VIDEO_URLS: videoUrls.join(',') };
    const conditions = `${plan.instances.length} conditions (${[...new Set(plan.instances.map((i) => i.condition))].join(', ')})`;
    info(`jobcert ${version} onboard: profile ${plan.profile}, seed ${plan.seed}, ${plan.sources.length} sources, ${conditions}`);
    info(`  mock ${servers.url}, artifact host ${servers.artifactUrl} (loopback only)`);
    info(`  client job deadline: ${o.clientJobDeadlineMs !== undefined ? `${deadlineSeconds(o.clientJobDeadlineMs)} s from each job's first request (CLI-3 excuses chains that end after it)` : 'none told (CLI-3: no retry chain may end early)'}`);

    let run: RunInfo;
    let log: ClientLog;
    if (o.mode === 'command') {
      info(`  client: ${o.command.map(quote).join(' ')} (timeout ${Math.round(o.clientTimeoutMs / 1000)} s)`);
      try {
        const client = await runClient({
          command: o.command[0] as string, args: o.command.slice(1), env: clientEnv(vars, o.passEnv), timeoutMs: o.clientTimeoutMs,
          logCapBytes: LOG_CAP_BYTES, now, interrupt: interrupt.signal,
          ...(o.showClientLog && !o.quiet ? { onLine: (l) => ui.line(`  client ${l.stream}| ${l.text}`) } : {}),
        });
        run = { mode: 'command', startedAt: client.startedAt, endedAt: client.endedAt, stopped: client.stopped, exitCode: client.exitCode };
        log = client.log;
        const how = client.stopped === 'timeout' ? `stopped after the client timeout (${Math.round(o.clientTimeoutMs / 1000)} s)` : client.stopped === 'interrupt' ? 'stopped: jobcert was interrupted' : `exited with ${client.exitCode ?? client.signal}`;
        info(`  client ${how} after ${((client.endedAt - client.startedAt) / 1000).toFixed(1)} s; ${traffic.records.length} requests, ${log.lines.length} log lines`);
      } catch (err) {
        if (err instanceof ClientStartError) { ui.error(`jobcert onboard: ${err.message}`); return EXIT.cannotStart; }
        throw err;
      }
    } else {
      ui.line('serving; point the client at:');
      ui.line(`  JOBCERT_BASE_URL=${servers.url}`);
      // Printed on purpose: the client needs it, and it is a mock key that unlocks nothing (like `jobcert mock`). Reports redact it.
      process.stdout.write(`  JOBCERT_API_KEY=${key}\n`);
      ui.line(`  JOBCERT_VIDEO_URLS=${vars.JOBCERT_VIDEO_URLS}`);
      ui.line(o.durationMs !== undefined ? `grading after ${Math.round(o.durationMs / 1000)} s or on Ctrl-C` : 'Ctrl-C stops serving and grades');
      const t0 = now();
      await new Promise<void>((done) => {
        const timer = o.durationMs !== undefined ? setTimeout(done, o.durationMs) : undefined;
        interrupt.signal.addEventListener('abort', () => { clearTimeout(timer); done(); }, { once: true });
      });
      run = { mode: 'serve', startedAt: t0, endedAt: now(), stopped: 'serve-end', exitCode: null };
      log = ClientLog.none();
      if (o.clientLog !== undefined) {
        try { log = await readLogFile(o.clientLog, LOG_CAP_BYTES); } catch (err) {
          ui.error(`jobcert onboard: cannot read --client-log ${o.clientLog} (${(err as Error).message}); grading without the log`);
        }
      }
      info(`stopped after ${((run.endedAt - t0) / 1000).toFixed(1)} s; ${traffic.records.length} requests, ${log.lines.length} log lines`);
    }

    const ledger = readLedger(engine, key);
    const input = { plan, traffic, deliveries: scenario.deliveries, undelivered: scenario.undelivered(), log, ledger, run, baseUrl: servers.url, artifactUrl: servers.artifactUrl, ...(o.clientJobDeadlineMs !== undefined ? { clientJobDeadlineMs: o.clientJobDeadlineMs } : {}) };
    const verdicts = grade(input);
    const replay = replayCommand(o);
    const doc = buildCompliance({
      input, verdicts, version, strict: o.strict, startedAt, durationMs: now() - startedAt.getTime(), redact, replay,
      target: o.mode === 'command' ? `client: ${o.command.map(quote).join(' ')}` : `client: served at ${servers.url}`,
      onboarding: {
        mode: o.mode, seed: plan.seed, profile: plan.profile, scenarios: plan.conditions, replay,
        client_job_deadline_s: o.clientJobDeadlineMs !== undefined ? deadlineSeconds(o.clientJobDeadlineMs) : null,
        base_url: servers.url, artifact_url: servers.artifactUrl,
        sources: plan.sources.map((s) => ({ name: s.name, url: sourceUrl(servers.url, s), processing: s.processing, instances: s.instances })),
        injections: plan.instances.map((i) => ({ ...i, delivered_to: scenario.deliveries.filter((d) => d.instance === i.id).map((d) => d.seq) })),
        client: { exit_code: run.exitCode, stopped: run.stopped, duration_ms: Math.round(run.endedAt - run.startedAt), log_lines: log.lines.length, log_truncated: log.truncated, log_given: log.given },
        requests: traffic.records.length + traffic.dropped,
        ledger: { jobs: ledger.jobs.length, charges: ledger.charges.length, credits: ledger.charges.reduce((n, c) => n + c.credits, 0) },
      },
    });
    const paths = await writeReports(doc, dir, redact);
    const tail = run.mode === 'command'
      ? `client ${run.stopped ? `stopped (${run.stopped})` : `exited ${run.exitCode}`} after ${((run.endedAt - run.startedAt) / 1000).toFixed(1)} s; replay: ${replay}`
      : `served ${((run.endedAt - run.startedAt) / 1000).toFixed(1)} s; replay: ${replay}`;
    ui.table(doc, paths, tail);
    return doc.verdict === 'pass' ? EXIT.pass : EXIT.fail;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await servers.close();
  }
}
