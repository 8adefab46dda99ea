/**
 * `jobcert replay <report dir> --check <id>`: runs one check of a past run
 * again, `--times` times, with the run's own settings (clips, seed, profile,
 * the FUZZ case it printed, the embedded mock's faults) against the same
 * target or another (`--target`), and judges each attempt with the check's
 * own verdict. `fixed` only after every attempt passed, `flaky` when the
 * attempts disagree, `failing` when every one failed; attempts that could not
 * judge (skipped, not judged) make it `inconclusive`. Keys come from the same
 * settings as certify (flags or JOBCERT_*_API_KEY); the report never held them.
 */
import { readRun } from '../../core/diff/read.js';
import type { CheckResult, Compliance } from '../../core/results.js';
import { UsageError } from '../cli-errors.js';
import { createConsole } from '../certify/console.js';
import { resolveOptions, type CertifyFlags } from '../certify/options.js';
import { runCertification, type Stop } from '../certify/run.js';
import { redactor } from '../../suites/lib/redact.js';

export interface ReplayFlags {
  check: string;
  times?: string;
  target?: string;
  apiKey?: string;
  altApiKey?: string;
  brokeApiKey?: string;
  quiet?: boolean;
}

export type ReplayVerdict = 'fixed' | 'flaky' | 'failing' | 'inconclusive';
export const REPLAY_EXIT: Record<ReplayVerdict, number> = { fixed: 0, failing: 1, flaky: 1, inconclusive: 4 };

/** Checks made from the whole run, or by a stage, are not a sequence of their own to send again. */
const NOT_REPLAYABLE: [RegExp, string][] = [
  [/^schema\./, 'is judged over every response of the run; replay the checks whose answers broke the spec (their ids are in its evidence)'],
  [/^obs\.request-id-unique-run$/, 'is judged over every request of the run; run certify --only OBS-1 instead'],
  [/^pact\./, 'belongs to the PACT stage: run jobcert pact verify'],
  [/^load\./, 'belongs to the LOAD stage: run jobcert load'],
  [/^harness\./, 'is about the run itself, not the provider'],
];


/** certify's options for the past run's settings, narrowed to one check, with the user's overrides. */
function optionsFor(doc: Compliance, check: CheckResult, flags: ReplayFlags): ReturnType<typeof resolveOptions> {
  const settings = (doc.provenance?.settings ?? {}) as Record<string, unknown>;
  const mock = settings.mock as { faults?: string[]; variants?: string[]; transport?: 'http' | 'msw' } | undefined;
  const embedded = flags.target === undefined && (mock !== undefined || doc.target.startsWith('embedded mock'));
  if (!embedded && flags.target === undefined && !/^https?:\/\//.test(doc.target)) throw new UsageError(`the run's target ${JSON.stringify(doc.target)} is not a URL: give --target`);
  const videos = Array.isArray(settings.videos) ? (settings.videos as CertifyFlags['videoUrl']) : doc.clips.map((c) => `${c.label}=${c.url}`);
  // The FUZZ case the failing run printed, so the replay sends that very case.
  const fuzzPath = /--fuzz-path (\S+)/.exec(check.message)?.[1];
  const flagsOut: CertifyFlags = {
    ...(embedded ? {} : { target: flags.target ?? doc.target }),
    ...(flags.apiKey ? { apiKey: flags.apiKey } : {}),
    ...(flags.altApiKey ? { altApiKey: flags.altApiKey } : {}),
    ...(flags.brokeApiKey ? { brokeApiKey: flags.brokeApiKey } : {}),
    ...(!embedded && videos?.length ? { videoUrl: videos } : {}),
    ...(typeof settings.failing_video === 'string' && !embedded ? { failingVideoUrl: settings.failing_video } : {}),
    profile: doc.profile,
    only: check.family,
    ...(doc.provenance?.seed != null ? { seed: String(doc.provenance.seed) } : {}),
    ...(fuzzPath ? { fuzzPath } : {}),
    ...(typeof settings.job_timeout_s === 'number' ? { jobTimeout: String(settings.job_timeout_s) } : {}),
    ...(typeof settings.prompt_policy === 'string' ? { promptPolicy: settings.prompt_policy } : {}),
    ...(doc.strict ? { strict: true } : {}),
    ...(embedded ? { mockFault: mock?.faults ?? [], mockVariant: mock?.variants ?? [], mockTransport: mock?.transport ?? 'http' } : {}),
    quiet: true,
  };
  const opts = resolveOptions(flagsOut);
  return { ...opts, checks: [check.id] };
}

export interface ReplayAttempt { status: CheckResult['status']; message: string }

export function replayVerdict(attempts: readonly ReplayAttempt[]): ReplayVerdict {
  const statuses = new Set(attempts.map((a) => a.status));
  if (statuses.has('pass') && statuses.has('fail')) return 'flaky';
  if (statuses.size === 1 && statuses.has('pass')) return 'fixed';
  if (statuses.size === 1 && statuses.has('fail')) return 'failing';
  return 'inconclusive';
}

export async function replay(dir: string, flags: ReplayFlags, version: string, write: (s: string) => void = (s) => { process.stdout.write(s); }): Promise<number> {
  const times = flags.times === undefined ? 3 : Number(flags.times);
  if (!Number.isInteger(times) || times < 1 || times > 20) throw new UsageError(`--times must be a whole number from 1 to 20, got ${JSON.stringify(flags.times)}`);
  const { doc } = readRun(dir);
  const check = doc.checks.find((c) => c.id === flags.check);
  if (!check) {
    const failing = doc.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => c.id);
    throw new UsageError(`--check ${JSON.stringify(flags.check)}: no such check in this run${failing.length ? ` (its failing checks: ${failing.join(', ')})` : ''}`);
  }
  const why = NOT_REPLAYABLE.find(([re]) => re.test(check.id));
  if (why) throw new UsageError(`${check.id} ${why[1]}`);
  const opts = optionsFor(doc, check, flags);
  const redact = redactor([opts.keys.primary, opts.keys.alt, opts.keys.broke]);
  const ui = createConsole({ quiet: true, color: false, redact, write: () => {} });
  const never = new Promise<Stop>(() => {});
  write(`jobcert replay: ${check.id} (${check.rule_ids.join(', ') || 'no rule'}), which ended ${check.status} on ${doc.started_at}; ${times} attempt(s) against ${opts.target ?? 'the embedded mock'}${opts.mock.faults.length ? ` with ${opts.mock.faults.join(', ')}` : ''}\n`);
  const attempts: ReplayAttempt[] = [];
  for (let i = 1; i <= times; i++) {
    const run = await runCertification(opts, version, { ui, stopped: never, redact });
    if ('unreachable' in run) {
      write(`attempt ${i}: ${redact(run.unreachable)}\n`);
      return 3;
    }
    const again = run.doc.checks.find((c) => c.id === check.id);
    const attempt: ReplayAttempt = again ? { status: again.status, message: again.message } : { status: 'skip', message: 'the check was not part of this run (its inputs differ: a clip, a key)' };
    attempts.push(attempt);
    write(redact(`attempt ${i}/${times}: ${attempt.status.toUpperCase()}${attempt.status === 'pass' ? '' : `: ${attempt.message.split('\n')[0]?.slice(0, 300)}`}\n`));
  }
  const verdict = replayVerdict(attempts);
  const said: Record<ReplayVerdict, string> = {
    fixed: `fixed: ${times} clean replay(s) in a row`,
    flaky: `flaky: the attempts disagree (${attempts.map((a) => a.status).join(', ')})`,
    failing: `failing: every attempt failed as the run did`,
    inconclusive: `inconclusive: ${attempts.filter((a) => a.status !== 'pass' && a.status !== 'fail').length} attempt(s) could not judge; see their messages`,
  };
  write(`replay ${said[verdict]}\n`);
  return REPLAY_EXIT[verdict];
}
