/**
 * The Pact Broker hand-off. Broker settings come from the standard Pact
 * environment variables; publishing runs the `pact broker publish` binary of
 * @pact-foundation/pact-cli (its platform package ships it), with the broker's
 * credentials in the child's environment, never on its command line.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { UsageError } from '../core/errors.js';
import { redactor } from '../suites/lib/redact.js';

export interface BrokerConfig { url: string; token?: string; username?: string; password?: string }


/** The broker from PACT_BROKER_BASE_URL and PACT_BROKER_TOKEN (or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD); `missing` says what is not set. */
export function brokerFromEnv(env: NodeJS.ProcessEnv = process.env): { broker?: BrokerConfig; missing: string[] } {
  const url = env.PACT_BROKER_BASE_URL?.trim();
  const token = env.PACT_BROKER_TOKEN?.trim();
  const username = env.PACT_BROKER_USERNAME?.trim();
  const password = env.PACT_BROKER_PASSWORD;
  const missing: string[] = [];
  if (!url) missing.push('PACT_BROKER_BASE_URL');
  if (!token && !(username && password)) missing.push('PACT_BROKER_TOKEN (or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD)');
  if (missing.length > 0 || !url) return { missing };
  return { broker: { url: url.replace(/\/+$/, ''), ...(token ? { token } : { username, password }) }, missing };
}

/**
 * The `pact` binary of the installed platform package. pact-cli is an optional
 * peer dependency: only `jobcert pact publish` needs it, and it weighs more than
 * the rest of jobcert, so a user who never publishes does not install it.
 */
export function pactBinary(): string {
  const require = createRequire(import.meta.url);
  try {
    require.resolve('@pact-foundation/pact-cli/package.json');
  } catch {
    throw new UsageError('jobcert pact publish needs @pact-foundation/pact-cli, an optional peer dependency: install it beside jobcert with `npm install --save-dev @pact-foundation/pact-cli@^18.1.2`');
  }
  // pact-cli ships no type declarations; this is the one function used, as documented in its README.
  const standalone = require('@pact-foundation/pact-cli/src/pact-standalone.js') as { standalone(): { pactFullPath: string } };
  return standalone.standalone().pactFullPath;
}

/** This checkout's commit and branch, the default consumer version and branch. */
export function gitVersion(cwd: string = process.cwd()): { version?: string; branch?: string } {
  const git = (args: string[]): string | undefined => {
    try {
      return execFileSync('git', args, { cwd, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const version = git(['rev-parse', '--short=12', 'HEAD']);
  const branch = git(['rev-parse', '--abbrev-ref', 'HEAD']);
  return { ...(version ? { version } : {}), ...(branch && branch !== 'HEAD' ? { branch } : {}) };
}

export interface PublishOptions {
  broker: BrokerConfig;
  files: string[];
  consumerVersion: string;
  branch?: string;
  tags?: string[];
  buildUrl?: string;
  onOutput?: (text: string) => void;
  timeoutMs?: number;
}

/** Runs `pact broker publish`; resolves with its exit code (null when it was stopped at the timeout). */
export function publishPacts(opts: PublishOptions): Promise<number | null> {
  // First: without the optional pact-cli there is nothing to run, and the user is told how to add it.
  const binary = pactBinary();
  const redact = redactor([opts.broker.token, opts.broker.password]);
  const args = ['broker', 'publish', ...opts.files, '--consumer-app-version', opts.consumerVersion,
    ...(opts.branch ? ['--branch', opts.branch] : []), ...(opts.tags ?? []).flatMap((t) => ['--tag', t]), ...(opts.buildUrl ? ['--build-url', opts.buildUrl] : [])];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME, PACT_DO_NOT_TRACK: process.env.PACT_DO_NOT_TRACK ?? 'true',
    PACT_BROKER_BASE_URL: opts.broker.url,
    ...(opts.broker.token ? { PACT_BROKER_TOKEN: opts.broker.token } : { PACT_BROKER_USERNAME: opts.broker.username, PACT_BROKER_PASSWORD: opts.broker.password }),
  };
  return new Promise((resolve) => {
    const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (chunk: Buffer): void => opts.onOutput?.(redact(chunk.toString('utf8')));
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (err) => { clearTimeout(timer); opts.onOutput?.(`cannot run pact: ${err.message}\n`); resolve(null); });
    child.on('exit', (code) => { clearTimeout(timer); resolve(code); });
  });
}

/** The native verifier only logs a failed publication; this finds it in its output. */
export const PUBLISH_FAILED = /Publishing of verification results failed[^\n]*/;
