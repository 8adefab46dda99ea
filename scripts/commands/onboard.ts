/** `jobcert onboard`: certify a partner's client (SPEC §4) by running it against the injecting onboarding mock. */
import type { Command } from 'commander';
import { VERSION } from '../runtime.js';
import { CONDITION_NAMES, isConditionName, type ConditionName } from '../../onboard/conditions.js';
import type { OnboardOptions } from '../../onboard/run.js';
import { parsePositiveInt, parsePositiveNumber, UsageError } from '../cli-errors.js';

const collect = (v: string, acc: string[] = []): string[] => [...acc, v];

interface OnboardFlags {
  profile: string;
  seed?: string;
  scenarios?: string;
  clientTimeout: number;
  clientJobDeadline?: number;
  processingMs: number;
  slowResponseMs: number;
  strict?: boolean;
  out?: string;
  quiet?: boolean;
  showClientLog?: boolean;
  env: string[];
  serve?: boolean;
  port?: number;
  duration?: number;
  clientLog?: string;
  apiKey?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function resolveOnboardOptions(command: string[], f: OnboardFlags): OnboardOptions {
  if (f.profile !== 'quick' && f.profile !== 'full') throw new UsageError(`--profile must be quick or full, got ${JSON.stringify(f.profile)}`);
  let seed = Math.floor(Math.random() * 0x1_0000_0000);
  if (f.seed !== undefined) {
    if (!/^\d+$/.test(f.seed.trim()) || Number(f.seed) > 0xffff_ffff) throw new UsageError(`--seed must be an integer from 0 to 4294967295, got ${JSON.stringify(f.seed)}`);
    seed = Number(f.seed);
  }
  let scenarios: ConditionName[] | undefined;
  if (f.scenarios !== undefined) {
    const names = f.scenarios.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !isConditionName(n));
    if (names.length === 0 || unknown.length > 0) throw new UsageError(`--scenarios: unknown ${unknown.length ? unknown.join(', ') : '(empty list)'}; known: ${CONDITION_NAMES.join(', ')}`);
    scenarios = names as ConditionName[];
  }
  for (const name of f.env) if (!ENV_NAME.test(name)) throw new UsageError(`--env takes a variable name, got ${JSON.stringify(name)}`);
  const serve = f.serve === true;
  if (serve && command.length > 0) throw new UsageError('--serve runs no command; drop the command after --, or drop --serve');
  if (!serve && command.length === 0) throw new UsageError('give the client to run after --, e.g. jobcert onboard -- node my-worker.js (or use --serve)');
  if (!serve) {
    const serveOnly = [['--port', f.port], ['--duration', f.duration], ['--client-log', f.clientLog], ['--api-key', f.apiKey]].filter(([, v]) => v !== undefined).map(([n]) => n);
    if (serveOnly.length > 0) throw new UsageError(`${serveOnly.join(', ')} only with --serve`);
  }
  if (f.apiKey !== undefined && !/^[!-~]{8,200}$/.test(f.apiKey)) throw new UsageError('--api-key must be 8–200 printable characters without spaces');
  return {
    mode: serve ? 'serve' : 'command', command, profile: f.profile, seed, ...(scenarios ? { scenarios } : {}),
    clientTimeoutMs: f.clientTimeout * 1000, ...(f.clientJobDeadline !== undefined ? { clientJobDeadlineMs: f.clientJobDeadline * 1000 } : {}), processingMs: f.processingMs, holdMs: f.slowResponseMs,
    strict: f.strict === true, ...(f.out !== undefined ? { out: f.out } : {}), quiet: f.quiet === true, showClientLog: f.showClientLog === true,
    passEnv: f.env, ...(f.port !== undefined ? { port: f.port } : {}), ...(f.duration !== undefined ? { durationMs: f.duration * 1000 } : {}),
    ...(f.clientLog !== undefined ? { clientLog: f.clientLog } : {}), ...(f.apiKey !== undefined ? { apiKey: f.apiKey } : {}),
  };
}

export function registerOnboardCommand(program: Command): void {
  program
    .command('onboard')
    .description("certify a partner's client: run it against the onboarding mock, inject faults into its traffic, grade CLI-1…CLI-12")
    .addHelpText('after', `
Examples:
  jobcert onboard -- node my-worker.js                        run the client with JOBCERT_BASE_URL, JOBCERT_API_KEY, JOBCERT_VIDEO_URLS
  jobcert onboard --profile full --seed 7 -- ./run-client.sh  more conditions, replayable
  jobcert onboard --serve --duration 300 --client-log worker.log   a deployed worker pointed at the printed URL`)
    .argument('[command...]', 'the client to run, after -- (it gets JOBCERT_BASE_URL, JOBCERT_API_KEY, JOBCERT_VIDEO_URLS)')
    .option('--profile <quick|full>', 'quick: one of each condition; full: repeats and combinations', 'quick')
    .option('--seed <n>', 'scenario seed (a run prints it; the same seed replays the same plan)')
    .option('--scenarios <list>', `only these conditions: ${CONDITION_NAMES.join(', ')}`)
    .option('--client-timeout <s>', 'stop the client after this many seconds', parsePositiveInt('--client-timeout', 1, 86_400), 300)
    .option('--client-job-deadline <s>', "the client's own deadline per job, in seconds from its first request about the job's source: CLI-3 excuses a retry chain that ends after it (default: none, no chain may end early)", parsePositiveNumber('--client-job-deadline'))
    .option('--processing-ms <n>', 'how long a normal job processes', parsePositiveInt('--processing-ms', 0, 600_000), 2000)
    .option('--slow-response-ms <n>', 'how long the slow response is held (longer than the client\'s request timeout)', parsePositiveInt('--slow-response-ms', 100, 300_000), 12_000)
    .option('--strict', 'SHOULD rules (CLI-5, CLI-10, CLI-11, CLI-12) gate too')
    .option('--out <dir>', 'report directory (default reports/onboard-<timestamp>/)')
    .option('--quiet', 'only the verdict table and report paths')
    .option('--show-client-log', "echo the client's output as it runs")
    .option('--env <name>', "pass this variable of jobcert's environment to the client (repeatable)", collect, [] as string[])
    .option('--serve', 'serve the mock for a client that cannot be run as a command; grade on Ctrl-C or after --duration')
    .option('--port <n>', 'with --serve: mock port (default: any free one)', parsePositiveInt('--port', 0, 65_535))
    .option('--duration <s>', 'with --serve: grade after this many seconds', parsePositiveInt('--duration', 1, 86_400))
    .option('--client-log <file>', "with --serve: the client's log, read when grading")
    .option('--api-key <key>', 'with --serve: the key to hand out (default: a fresh random one)')
    .action(async (command: string[], flags: OnboardFlags) => {
      const options = resolveOnboardOptions(command, flags); // usage errors before the onboarding run is loaded
      process.exit(await (await import('../../onboard/run.js')).onboard(options, VERSION));
    });
}
