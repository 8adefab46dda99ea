/**
 * `jobcert pact verify` and `jobcert pact publish`. Registration only: the
 * work (and the verifier it loads) is imported when one of them runs, so the
 * other commands and `--help` start fast.
 */
import type { Command } from 'commander';
import { FAULT_NAMES } from '../../mocks/engine/faults.js';
import type { PublishFlags, VerifyFlags } from '../pact/run.js';

const collect = (v: string, acc: string[] = []): string[] => [...acc, v];

export function registerPactCommand(program: Command): void {
  const pact = program.command('pact').description('consumer pacts of the reference client: verify a provider against them, publish them to a Pact Broker');
  pact
    .command('verify')
    .description('verify the committed pacts against a target (default: the embedded mock) and write PACT reports')
    .addHelpText('after', `
Examples:
  jobcert pact verify                                         the embedded mock
  JOBCERT_API_KEY=… jobcert pact verify --target https://staging.example.com --video-url https://cdn.example.com/5s.mp4
  PACT_BROKER_BASE_URL=… PACT_BROKER_TOKEN=… jobcert pact verify --target … --publish --provider-version "$GIT_SHA"`)
    .option('--target <url>', 'base URL of the provider (env JOBCERT_TARGET); omitted: the embedded mock')
    .option('--api-key <key>', 'primary key (env JOBCERT_API_KEY); required with --target')
    .option('--alt-api-key <key>', 'accepted as in certify; the pacts do not use it')
    .option('--broke-api-key <key>', 'a key with no credits (env JOBCERT_BROKE_API_KEY): the 402 interaction; skipped without it')
    .option('--video-url <[label=]url>', 'a clip the provider can process (env JOBCERT_VIDEO_URL); the first one is used', collect)
    .option('--failing-video-url <url>', 'a source that fails processing: the failed-job interaction; skipped without it')
    .option('--job-timeout <s>', 'how long a started job may take to finish (default 60)')
    .option('--request-timeout <ms>', 'per request (default 10000)')
    .option('--pact <file>', 'a pact file to verify instead of contracts/pacts/*.json (repeatable)', collect)
    .option('--publish', 'verify the broker\'s pacts and record the result there (needs PACT_BROKER_BASE_URL and a token)')
    .option('--provider-version <v>', 'with --publish: the provider version (env PACT_PROVIDER_VERSION)')
    .option('--provider-branch <b>', 'with --publish: the provider branch (env PACT_PROVIDER_BRANCH)')
    .option('--out <dir>', 'report directory (default reports/pact-<timestamp>/)')
    .option('--config <file>', 'jobcert.config.json as in certify')
    .option('--quiet', 'only the verdict table and report paths')
    .option('--verbose', 'also print the native verifier\'s own output')
    .option('--mock-fault <name>', `embedded mock only: break a rule (${FAULT_NAMES.length} faults, see README)`, collect)
    .action(async (flags: VerifyFlags) => { process.exit(await (await import('../pact/run.js')).verify(flags)); });
  pact
    .command('publish')
    .description('publish contracts/pacts to the Pact Broker of PACT_BROKER_BASE_URL (token in PACT_BROKER_TOKEN)')
    .addHelpText('after', `
Example:
  PACT_BROKER_BASE_URL=https://broker.example.com PACT_BROKER_TOKEN=… jobcert pact publish --consumer-version "$GIT_SHA" --branch main`)
    .option('--consumer-version <v>', 'consumer version (env PACT_CONSUMER_VERSION; default: this checkout\'s git commit)')
    .option('--branch <b>', 'consumer branch (env PACT_CONSUMER_BRANCH; default: the current git branch)')
    .option('--tag <t>', 'a tag for the version (repeatable)', collect)
    .option('--build-url <url>', 'the CI build that produced the pacts')
    .action(async (flags: PublishFlags) => { process.exit(await (await import('../pact/run.js')).publish(flags)); });
}
