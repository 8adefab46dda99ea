/** Runs the real `jobcert` command line (any subcommand) and collects what it printed. */
import { spawn } from 'node:child_process';
import { ROOT } from '../certify/run-certify.js';
import { COMPILED_CLI } from '../support/compiled-cli.js';

export interface CliRun { code: number | null; stdout: string; stderr: string; ms: number }

/** Broker and Jobcert settings a developer's shell may have; each test sets what it needs. */
const CLEARED = ['PACT_BROKER_BASE_URL', 'PACT_BROKER_TOKEN', 'PACT_BROKER_USERNAME', 'PACT_BROKER_PASSWORD', 'PACT_PROVIDER_VERSION', 'PACT_PROVIDER_BRANCH', 'PACT_CONSUMER_VERSION', 'PACT_CONSUMER_BRANCH', 'JOBCERT_TARGET', 'JOBCERT_API_KEY', 'JOBCERT_BROKE_API_KEY', 'JOBCERT_VIDEO_URL', 'JOBCERT_FAILING_VIDEO_URL'];

export function runJobcert(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', PACT_DO_NOT_TRACK: 'true' };
  for (const name of CLEARED) delete env[name];
  Object.assign(env, opts.env);
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [COMPILED_CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, ms: Date.now() - t0 }); });
  });
}
