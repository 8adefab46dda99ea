/**
 * One `jobcert load` run: export a k6 script (offline), or bring up the target
 * (the embedded mock in a child process when there is none), run the LOAD
 * stage, write the four reports plus load-results.json, return the exit code.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_ACCOUNTS } from '../../mocks/engine/accounts.js';
import { refuseProduction } from '../../load/guards.js';
import { startEmbeddedMock, type EmbeddedMock } from '../../mocks/process/start.js';
import { VARIANTS } from '../../mocks/engine/variants.js';
import { exportK6 } from '../../load/k6.js';
import { durationFor, EMBEDDED_RATE } from '../../load/plan.js';
import { runLoadStage, LoadRefused, TargetUnreachable } from '../../load/stage.js';
import { parseThreshold } from '../../load/thresholds.js';
import { redactor } from '../../suites/lib/redact.js';
import { UsageError } from '../cli-errors.js';
import { createConsole } from '../certify/console.js';
import { writeReports } from '../certify/reports/write.js';
import { makeDirs, prepareReportDir } from '../certify/report-dir.js';
import { isGatingFailure, summarize, transportSummary, type Compliance } from '../certify/results.js';
import type { LoadCommandOptions } from './options.js';

export const EXIT = { pass: 0, fail: 1, usage: 2, unreachable: 3 } as const;
/** The mock's media convention (SPEC §3): a 5-second clip. */
export const EMBEDDED_VIDEO = 'https://media.example.com/clips/load.mp4?duration=5';

async function exportScript(opts: LoadCommandOptions, version: string): Promise<number> {
  const target = opts.target ?? 'http://127.0.0.1:4010';
  // The script bakes in its default target: a production host is refused here too, though nothing is sent.
  // The caps guard this machine's generator, not a k6 run, so they do not apply.
  refuseProduction(target, opts.guards.productionHosts);
  // The same open model as a run: the rate given, or the embedded mock's; a target's limits cannot be discovered offline.
  const rate = opts.rate === 'closed' ? undefined : (opts.rate ?? (opts.stages || opts.target === undefined ? EMBEDDED_RATE : undefined));
  if (opts.rate === undefined && !opts.stages && rate === undefined) {
    throw new UsageError('--export k6 with --target needs --rate or --stages (or --closed-loop): the export is offline, so it cannot discover the keys\' limits; `jobcert load` prints the rate it found');
  }
  const durationS = opts.stages ? Math.max(1, opts.stages.reduce((s, x) => s + x.durationS, 0) - opts.warmupS) : (opts.durationS ?? (rate ? durationFor(rate, opts.guards.maxDurationS) : 5));
  const script = exportK6({
    target, videoUrl: opts.videoUrl ?? EMBEDDED_VIDEO, scenarios: opts.scenarios, connections: opts.connections, durationS,
    warmupS: opts.warmupS, timeoutMs: opts.timeoutMs, thresholds: opts.thresholds.map(parseThreshold), abortAfterErrors: opts.guards.abortAfterErrors,
    version, ...(rate !== undefined && !opts.stages ? { rate } : {}), ...(opts.stages ? { stages: opts.stages } : {}),
  });
  const path = resolve(opts.out as string);
  makeDirs(dirname(path), '--out');
  await writeFile(path, script);
  console.log(`jobcert: wrote the k6 script ${path} (${opts.scenarios.join(', ')}; ${opts.thresholds.length} thresholds). Nothing was sent to ${target}.`);
  console.log('run it: k6 run -e JOBCERT_TARGET=… -e JOBCERT_API_KEYS=key1,key2 -e JOBCERT_VIDEO_URL=… ' + path);
  return EXIT.pass;
}

export async function runLoad(opts: LoadCommandOptions, version: string): Promise<number> {
  if (opts.export === 'k6') {
    try {
      return await exportScript(opts, version);
    } catch (err) {
      if (err instanceof LoadRefused) throw new UsageError(err.message);
      throw err;
    }
  }
  const startedAt = new Date();
  const t0 = performance.now();
  const embedded = opts.target === undefined;
  const limiterVariant = opts.mock.variants.find((v) => (VARIANTS[v as keyof typeof VARIANTS] as { group?: string }).group === 'limiter');
  // The embedded mock's two keys with credits, and any --load-api-key given: the mock opens an account for each.
  const keys = embedded ? [DEFAULT_ACCOUNTS[0]!.key, DEFAULT_ACCOUNTS[1]!.key, ...opts.keys] : opts.keys;
  const redact = redactor(keys);
  const ui = createConsole({ quiet: opts.quiet, color: process.stdout.isTTY === true && !process.env.NO_COLOR, redact });
  // Settled before any load goes out, as certify does: an unusable directory is a usage error now.
  const dir = prepareReportDir(opts.out ?? join('reports', `${startedAt.toISOString().replace(/[:.]/g, '-')}-load-${process.pid}`), startedAt);
  let mock: EmbeddedMock | undefined;
  try {
    let target = opts.target;
    if (target === undefined) {
      try {
        mock = await startEmbeddedMock({
          faults: opts.mock.faults, variants: opts.mock.variants, loadKeys: opts.keys,
          // A limiter variant sets the limit itself; otherwise the flag decides (off: the load measures the mock).
          ...(limiterVariant ? {} : { rateLimit: opts.mock.rateLimit }),
          ...(opts.mock.latencyMs !== undefined ? { faultLatencyMs: opts.mock.latencyMs } : {}),
        });
      } catch (err) {
        ui.error(`jobcert: ${err instanceof Error ? err.message : String(err)}`);
        return EXIT.unreachable;
      }
      target = mock.url;
    }
    const limit = limiterVariant ? `its ${limiterVariant} limit` : opts.mock.rateLimit ? 'on: 60 burst, 30/s per key' : 'off';
    const shown = embedded
      ? `the embedded mock (${target}, rate limit ${limit}${opts.mock.faults.length ? `, faults ${opts.mock.faults.join(', ')}` : ''}${opts.mock.variants.length ? `, variants ${opts.mock.variants.join(', ')}` : ''})`
      : target;
    console.log(redact(`jobcert ${version}: load on ${shown}; ${opts.scenarios.join(', ')}; ${keys.length} key(s)`));
    let stage;
    try {
      stage = await runLoadStage({
        target, keys, videoUrl: opts.videoUrl ?? EMBEDDED_VIDEO, scenarios: opts.scenarios, connections: opts.connections,
        ...(opts.durationS !== undefined ? { durationS: opts.durationS } : {}),
        warmupS: opts.warmupS, timeoutMs: opts.timeoutMs, thresholds: opts.thresholds, guards: opts.guards, embedded,
        limiterOff: embedded && !opts.mock.rateLimit && !limiterVariant,
        ...(opts.rate !== undefined ? { rate: opts.rate } : {}), ...(opts.stages ? { stages: opts.stages } : {}),
        ...(opts.findCapacity ? { findCapacity: true } : {}), ...(opts.limiter ? { limiter: true } : {}),
        ...(opts.quiet ? {} : { log: (line: string) => ui.header(`  ${line}`) }),
      });
    } catch (err) {
      if (err instanceof LoadRefused) throw new UsageError(err.message);
      if (err instanceof TargetUnreachable) {
        ui.error(`jobcert: the target ${target} could not be reached (${err.message})`);
        return EXIT.unreachable;
      }
      throw err;
    }
    for (const c of stage.checks) ui.result(c);
    const capacity = stage.results.capacity;
    if (capacity) console.log(redact(capacity.capacity === null ? `capacity: no rate met every threshold on ${capacity.scenario}; stopped by ${capacity.stopped_by}` : `capacity: ${capacity.capacity}/s on ${capacity.scenario}, the highest rate at which every threshold held; stopped by ${capacity.stopped_by}`));
    for (const t of stage.results.thresholds) {
      const verdict = t.status === 'not-judged' ? 'NOT JUDGED' : t.pass ? 'PASS' : 'FAIL';
      const sample = `${t.sample.non_429} non-429 of ${t.sample.answers} answers`;
      console.log(redact(`threshold ${verdict}  ${t.expr.padEnd(22)} measured ${t.display} on ${sample} (${t.scope}), limit ${t.limit}${t.why ? `: ${t.why}` : ''}`));
    }
    const doc: Compliance = {
      tool: 'jobcert', version, target: embedded ? `embedded mock (${target})` : target, profile: 'full', strict: false,
      started_at: startedAt.toISOString(), duration_ms: Math.round(performance.now() - t0),
      verdict: stage.checks.some((c) => isGatingFailure(c, false)) ? 'fail' : 'pass',
      summary: summarize(stage.checks, false), clips: [], transport: transportSummary(stage.checks), checks: stage.checks, load: stage.results,
    };
    const paths = await writeReports(doc, dir, redact);
    ui.final(doc, paths);
    return doc.verdict === 'pass' ? EXIT.pass : EXIT.fail;
  } finally {
    await mock?.close();
  }
}
