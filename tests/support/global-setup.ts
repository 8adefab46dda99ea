// Runs before any test file: builds the command line the tests spawn (compiled-cli.ts).
import { buildCompiledCli } from './compiled-cli.js';

export default function setup(): void {
  // Each vitest project runs the global setup; they share this process, so its environment says it is done.
  if (process.env.JOBCERT_TEST_CLI_BUILT === '1') return;
  const t0 = Date.now();
  buildCompiledCli();
  process.env.JOBCERT_TEST_CLI_BUILT = '1';
  console.log(`compiled the jobcert CLI for the tests into .test-dist/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
