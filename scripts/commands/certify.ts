/** `jobcert certify`: the integration checklist against a target (or the embedded mock), with reports. */
import type { Command } from 'commander';
import { VERSION } from '../runtime.js';
import { FAULT_NAMES } from '../../mocks/engine/faults.js';
import { VARIANT_NAMES } from '../../mocks/engine/variants.js';
import { SELECTABLE_FAMILIES } from '../certify/families.js';
import type { CertifyFlags } from '../certify/options.js';

const collect = (v: string, acc: string[] = []): string[] => [...acc, v];

export function registerCertifyCommand(program: Command): void {
  program
    .command('certify')
    .description('run the integration checklist against a target (default: the embedded mock) and write compliance reports')
    .addHelpText('after', `
Examples:
  jobcert certify                                             the embedded mock, no setup
  jobcert certify --only RATE,IDEM-2 --strict                 some families or rules; SHOULD rules gate too
  JOBCERT_API_KEY=… JOBCERT_ALT_API_KEY=… jobcert certify --target https://staging.example.com \\
    --video-url short=https://cdn.example.com/5s.mp4 --profile full --allow-load
  jobcert certify --mock-fault rate-no-recovery               watch a broken provider be caught (and bounded)
  jobcert certify --baseline jobcert.baseline.json            only failures not in the baseline gate (--baseline-update writes it)
Keys are best given as JOBCERT_API_KEY, JOBCERT_ALT_API_KEY, JOBCERT_BROKE_API_KEY: they never appear in any output.`)
    .option('--target <url>', 'base URL of the provider (env JOBCERT_TARGET); omitted: the embedded mock')
    .option('--api-key <key>', 'primary key (env JOBCERT_API_KEY); required with --target')
    .option('--alt-api-key <key>', 'a key of another account (env JOBCERT_ALT_API_KEY): AUTH-4, RATE-4, IDEM-4')
    .option('--broke-api-key <key>', 'a key with no credits (env JOBCERT_BROKE_API_KEY): LIFE-5')
    .option('--video-url <[label=]url>', "a clip the provider can process; repeatable, optionally labelled (env JOBCERT_VIDEO_URL). Facts judge billing and the default canvas: 'label[duration=SECONDS,width=PX,height=PX]=URL', the URL verbatim after ]= (quote it: the shell reads [ ]); without them those checks are not judged", collect)
    .option('--failing-video-url <url>', 'a source that fails processing (env JOBCERT_FAILING_VIDEO_URL)')
    .option('--profile <quick|full>', 'quick (PR gate, default) or full (staging certification)')
    .option('--only <list>', `families (${SELECTABLE_FAMILIES.join(',')}) or rule IDs to run`)
    .option('--skip <list>', 'families or rule IDs to leave out')
    .option('--strict', 'SHOULD rules also gate')
    .option('--baseline <file>', 'known failures (env JOBCERT_BASELINE): only new ones gate; an entry past its expires gates again')
    .option('--baseline-update', 'rewrite the --baseline file from this run: add new failures, drop fixed ones, keep reason/ticket/expires')
    .option('--job-timeout <s>', 'how long a started job may take to finish (default 60)')
    .option('--request-timeout <ms>', 'per request (default 10000)')
    .option('--seed <n>', 'fast-check seed of the fuzz checks (a run prints the one it used)')
    .option('--fuzz-runs <n>', 'FUZZ: cases over the family (default 380 quick, 5000 full)')
    .option('--fuzz-seconds <s>', 'FUZZ: seconds each check may search (default 25 quick, 600 full)')
    .option('--fuzz-path <check:path>', 'FUZZ: replay exactly one case, as a failing run prints it (with its --seed)')
    .option('--log-source <cmd|file>', 'provider logs for OBS-4: a JSON-lines file, or a command with {request_id}')
    .option('--out <dir>', 'report directory (default reports/<timestamp>/, and reports/latest)')
    .option('--config <file>', 'jobcert.config.json with the same keys (flags > env > file)')
    .option('--quiet', 'only the verdict table and report paths')
    .option('--shuffle', 'start the checks in a random order (seeded by --seed when given): they must not depend on order')
    .option('--allow-load', 'LOAD (full profile) may run against --target (never a production host)')
    .option('--threshold <expr>', "a LOAD SLO gate, k6-like: 'p99<800', 'errors<1%', 'rate>=200' (repeatable)", collect)
    .option('--load-api-key <key>', 'more keys to spread the LOAD over (repeatable)', collect)
    .option('--max-duration <s>', 'the run ends by then, unfinished checks reported as such (default 600 quick, 1800 full)')
    .option('--burst-max <n>', 'rate-limit discovery sends at most this many requests (default 5000; also bounded by 15 s)')
    .option('--idempotency-probe-after <s>', "IDEM-1: replay the run's keyed requests at its end no sooner than this many seconds after their first answer, within --max-duration (default 0 quick, 120 full)")
    .option('--concurrency <n>', 'checks that run at once (default 6); they share each key\'s rate-limit gate')
    .option('--prompt-policy <required|off>', 'VAL-3: the provider requires a prompt for pro (default), or is configured without it')
    .option('--probe-credentials-in-url', 'AUTH-2: against a remote --target, also send the no-credit key in the query and a cookie (access logs may keep it); loopback: always')
    .option('--mock-variant <name>', `embedded mock only: a legal variation the harness must accept (${VARIANT_NAMES.length} variants, see README)`, collect)
    .option('--mock-fault <name>', `embedded mock only: break a rule to see the harness catch it (${FAULT_NAMES.length} faults, see README)`, collect)
    .option('--mock-transport <http|msw>', 'embedded mock only: over loopback HTTP (default) or in-process msw')
    .action(async (flags: CertifyFlags) => {
      // Usage errors first; the run (vitest, the mock, the verifier) loads only then, so they and --help are fast.
      const { resolveOptions } = await import('../certify/options.js');
      const options = resolveOptions(flags);
      const { certify } = await import('../certify/run.js');
      const code = await certify(options, VERSION);
      process.exit(code);
    });
}
