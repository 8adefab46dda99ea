/** The `jobcert` command line. Each subcommand lives in scripts/commands/ and loads its heavy parts only when it runs. */
import { Command, CommanderError } from 'commander';
import { registerCertifyCommand } from './commands/certify.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerInitCommand } from './commands/init.js';
import { registerLoadCommand } from './commands/load.js';
import { registerMockCommand } from './commands/mock.js';
import { registerOnboardCommand } from './commands/onboard.js';
import { registerPactCommand } from './commands/pact.js';
import { registerReplayCommand } from './commands/replay.js';
import { UsageError } from './cli-errors.js';
import { VERSION } from './runtime.js';

const program = new Command('jobcert')
  .description('contract tests and certification for the v1 Jobs API')
  .version(VERSION, '-v, --version', 'print the version')
  .helpOption('-h, --help', 'show help (every command has its own: jobcert <command> --help)')
  .exitOverride()
  .showSuggestionAfterError(true)
  .showHelpAfterError('(run jobcert --help for usage)')
  .addHelpText('after', `
Examples:
  jobcert certify                                 certify the embedded mock (no setup), reports in reports/latest/
  JOBCERT_API_KEY=… jobcert certify --target https://staging.example.com --video-url https://cdn.example.com/5s.mp4
  jobcert mock --port 4010                        serve the mock on loopback
  jobcert init                                    write jobcert.config.json and a GitHub workflow here
  jobcert diff OLD NEW                            what changed between two runs (report directories), for a PR comment

Exit codes: 0 pass, 1 a gating check failed, 2 usage error, 3 target unreachable (130/143 interrupted).`);

registerCertifyCommand(program);
registerMockCommand(program);
registerPactCommand(program);
registerLoadCommand(program);
registerOnboardCommand(program);
registerInitCommand(program);
registerDiffCommand(program);
registerReplayCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  const message = err instanceof UsageError ? err.message : err instanceof Error ? err.message : String(err);
  console.error(`jobcert: ${message}`);
  process.exit(2);
}
