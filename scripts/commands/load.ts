/** `jobcert load`: the LOAD stage on its own (or its k6 export), with SLO thresholds, guards and reports. */
import type { Command } from 'commander';
import { VERSION } from '../runtime.js';
import { DEFAULT_CAPS } from '../../load/guards.js';
import { DEFAULT_THRESHOLDS } from '../../load/thresholds.js';
import { SCENARIO_NAMES } from '../../load/types.js';
import type { LoadFlags } from '../load/options.js';

const collect = (v: string, acc: string[] = []): string[] => [...acc, v];

export function registerLoadCommand(program: Command): void {
  program
    .command('load')
    .description('load the provider (default: the embedded mock) with SLO thresholds and safety guards, and write reports; or export the scenarios for k6')
    .addHelpText('after', `
Examples:
  jobcert load                                                the embedded mock
  JOBCERT_API_KEY=… jobcert load --target https://staging.example.com --allow-load --video-url https://cdn.example.com/5s.mp4 \\
    --threshold 'p99<800' --threshold 'errors<1%'
  jobcert load --export k6 --out scenario.js                  the same scenarios as a k6 script (offline)`)
    .option('--target <url>', 'base URL of the provider (env JOBCERT_TARGET); omitted: the embedded mock in a child process on loopback')
    .option('--api-key <key>', 'primary key (env JOBCERT_API_KEY); required with --target')
    .option('--alt-api-key <key>', 'a second key to spread the load over (env JOBCERT_ALT_API_KEY)')
    .option('--load-api-key <key>', 'one more key to spread the load over; repeatable (env JOBCERT_LOAD_API_KEYS, comma-separated)', collect)
    .option('--video-url <url>', 'a clip the provider can process (env JOBCERT_VIDEO_URL); required with --target')
    .option('--scenario <list>', `scenarios to run, in order (default ${SCENARIO_NAMES.join(',')}); add limiter to flood the keys past their limits and judge the limiter apart`)
    .option('--connections <n>', 'open model: the fewest virtual users (raised to half a second of arrivals); closed model: the connections (default 10)')
    .option('--duration <s>', 'measured seconds per scenario (default: long enough for 1,000 non-429 answers at the rate, a judged p99, within --max-duration)')
    .option('--warmup <s>', 'warm-up seconds per scenario, excluded from the results (default 1)')
    .option('--rate <n>', 'open model: requests per second per scenario (default: 0.8 × the load keys\' discovered limits; the embedded mock: 400/s)')
    .option('--stages <list>', "open model in k6 stages from rate 0, duration:rate, e.g. '10s:50,40s:50,5s:0' (ramp up, hold, ramp down)")
    .option('--closed-loop', 'closed model: each connection sends when its last answer came, as fast as the target answers (latency then leaves out queueing)')
    .option('--find-capacity', 'step the rate up until a threshold breaks or the keys\' limits are reached; report the highest rate that met every threshold, with the curve')
    .option('--timeout <ms>', 'per request (default 10000)')
    .option('--threshold <expr>', `SLO threshold, repeatable, e.g. 'p99<800' 'errors<1%' 'rate>=200' (default ${DEFAULT_THRESHOLDS.join(' ')}; see README)`, collect)
    .option('--allow-load', 'confirm that --target may be loaded (or "allowLoad": true in the config file)')
    .option('--max-duration <s>', `cap on warm-up plus measured seconds of all scenarios (default ${DEFAULT_CAPS.maxDurationS})`)
    .option('--max-requests <n>', `cap on the requests of the whole run (default ${DEFAULT_CAPS.maxRequests})`)
    .option('--abort-after-errors <n>', `stop early once 5xx responses plus unanswered requests pass this (default ${DEFAULT_CAPS.abortAfterErrors})`)
    .option('--out <path>', 'report directory (default reports/<timestamp>-load/); with --export, the script file')
    .option('--export <k6>', 'write the scenarios and thresholds as a k6 script to --out instead of running them (offline)')
    .option('--config <file>', 'jobcert.config.json (flags > env > file)')
    .option('--quiet', 'only the checks, the verdict and the report paths')
    .option('--mock-fault <name>', 'embedded mock only: break a rule (e.g. load-latency, load-5xx-under-load); repeatable', collect)
    .option('--mock-rate-limit', 'embedded mock only: keep its rate limit on (60 burst, 30/s per key); off by default')
    .option('--mock-variant <name>', 'embedded mock only: a legal variation, e.g. bucket-10 (a limit of 10 requests/s per key); repeatable', collect)
    .option('--mock-latency-ms <n>', 'embedded mock only: the delay of --mock-fault load-latency (default 1000)')
    .action(async (flags: LoadFlags) => {
      const { resolveLoadOptions } = await import('../load/options.js');
      const options = resolveLoadOptions(flags); // usage errors before the load stage is loaded
      process.exit(await (await import('../load/run.js')).runLoad(options, VERSION));
    });
}
