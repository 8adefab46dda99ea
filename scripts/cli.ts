/** The `jobcert` command line. Each subcommand lives in scripts/commands/. */
import { Command, CommanderError } from 'commander';
import { registerCertifyCommand } from './commands/certify.js';
import { registerLoadCommand } from './commands/load.js';
import { registerMockCommand } from './commands/mock.js';
import { registerPactCommand } from './commands/pact.js';
import { registerOnboardCommand } from './commands/onboard.js';
import { UsageError } from './cli-errors.js';

const program = new Command('jobcert')
  .description('contract tests and certification for the v1 Jobs API')
  .exitOverride()
  .showHelpAfterError('(run jobcert --help for usage)');

registerMockCommand(program);
registerCertifyCommand(program);
registerPactCommand(program);
registerLoadCommand(program);
registerOnboardCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  const message = err instanceof UsageError ? err.message : err instanceof Error ? err.message : String(err);
  console.error(`jobcert: ${message}`);
  process.exit(2);
}
