/** `jobcert replay`: one failing check of a past run, sent again and judged by its own verdict. */
import type { Command } from 'commander';
import { VERSION } from '../runtime.js';
import type { ReplayFlags } from '../replay/run.js';

export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description("run one check of a past run again (its settings, seed and FUZZ case) and say fixed, flaky or failing")
    .argument('<report>', 'the run: its report directory (e.g. reports/latest) or its compliance.json')
    .requiredOption('--check <id>', 'the check to replay, e.g. idem.replay-start (a failing run lists them)')
    .option('--times <n>', 'attempts; fixed only after this many clean ones (default 3)')
    .option('--target <url>', "where to send it (default: the run's own target, or the embedded mock with the run's faults)")
    .option('--api-key <key>', 'primary key (env JOBCERT_API_KEY)')
    .option('--alt-api-key <key>', 'a key of another account (env JOBCERT_ALT_API_KEY)')
    .option('--broke-api-key <key>', 'a key with no credits (env JOBCERT_BROKE_API_KEY)')
    .addHelpText('after', `
Exit codes: 0 fixed, 1 failing or flaky, 2 usage, 3 target unreachable, 4 inconclusive (an attempt could not judge).
Without jobcert: every failing check also left replay/<id>.sh beside the reports, the same requests with curl only.`)
    .action(async (report: string, flags: ReplayFlags) => {
      const { replay } = await import('../replay/run.js');
      process.exit(await replay(report, flags, VERSION));
    });
}
