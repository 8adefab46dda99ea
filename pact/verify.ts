/**
 * Verifies the committed consumer pacts (or the broker's) against any target:
 * `verifyPacts({ target, keys, videoUrl }) → CheckResult[]`, one per
 * interaction, family PACT, ids `pact.<interaction-slug>`, rule IDs from the
 * pacts. Provider states are set up through the public API; keys reach the
 * target only through the request filter, never a pact, a log or a result.
 * The verification runs in a child process (the native verifier writes to
 * stdout; `onOutput` receives that text), bounded by `timeoutMs`.
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkResult, type CheckResult } from '../core/results.js';
import { modulePath, nodeArgsForModules } from '../core/runtime.js';
import { redactor } from '../suites/lib/redact.js';
import { PUBLISH_FAILED } from './broker.js';
import { PACTS_DIR } from './contract.js';
import { rulesOf, type PactDocument } from './results.js';
import type { BrokerSource, VerificationInput, VerificationOutput } from './run-verification.js';

export type { BrokerSource } from './run-verification.js';

export interface PactVerifyOptions {
  /** Provider base URL, no trailing slash. */
  target: string;
  /** The primary key; `broke` (no credits) for the 402 interaction, which is skipped without it. */
  keys: { primary: string; broke?: string };
  /** A source the target can process. */
  videoUrl: string;
  /** A source that fails processing; the failed-job interaction is skipped without it. */
  failingVideoUrl?: string;
  /** How long a started job may take (default 60 s). */
  jobTimeoutS?: number;
  /** Per request (default 10000 ms). */
  requestTimeoutMs?: number;
  /** Applied to every result (keys are redacted in any case). */
  redact?: (text: string) => string;
  /** Default: every pact in contracts/pacts. */
  pactFiles?: string[];
  /** Verify the broker's pacts instead, and optionally publish the result. */
  broker?: BrokerSource;
  /** The whole verification (default 10 minutes). */
  timeoutMs?: number;
  /** The native verifier's own console output. */
  onOutput?: (text: string) => void;
  /** Stops the verification (its process is killed): an interrupted certify run. */
  signal?: AbortSignal;
}

const WORKER = modulePath('pact/worker');

export function committedPacts(): string[] {
  return readdirSync(PACTS_DIR).filter((f) => f.endsWith('.json')).sort().map((f) => join(PACTS_DIR, f));
}

/** Every rule ID the committed pacts' interactions cite: `--only IDEM-1` verifies the interactions that cite it. */
export function committedPactRules(): string[] {
  const docs = committedPacts().map((f) => JSON.parse(readFileSync(f, 'utf8')) as PactDocument);
  return [...new Set(docs.flatMap((d) => d.interactions.flatMap((i) => rulesOf(i))))];
}

function harnessError(message: string): CheckResult {
  return checkResult({ id: 'pact.verification', rules: [], title: 'the pacts could be verified', status: 'error', message });
}

export async function verifyPacts(opts: PactVerifyOptions): Promise<CheckResult[]> {
  const redactKeys = redactor([opts.keys.primary, opts.keys.broke, opts.broker?.token, opts.broker?.password]);
  const redact = (s: string): string => (opts.redact ? opts.redact(redactKeys(s)) : redactKeys(s));
  const pactFiles = opts.pactFiles ?? committedPacts();
  if (pactFiles.length === 0 && !opts.broker) return [harnessError(`no pact files in ${PACTS_DIR}`)];
  const input: VerificationInput = {
    target: opts.target.replace(/\/+$/, ''), keys: opts.keys, videoUrl: opts.videoUrl,
    ...(opts.failingVideoUrl ? { failingVideoUrl: opts.failingVideoUrl } : {}),
    jobTimeoutS: opts.jobTimeoutS ?? 60, requestTimeoutMs: opts.requestTimeoutMs ?? 10_000, pactFiles,
    ...(opts.broker ? { broker: opts.broker } : {}),
  };
  const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
  let output = '';

  const outcome = await new Promise<{ ok: true; out: VerificationOutput } | { ok: false; error: string }>((resolve) => {
    const child = fork(WORKER, [], {
      execArgv: nodeArgsForModules(),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, PACT_DO_NOT_TRACK: process.env.PACT_DO_NOT_TRACK ?? 'true' },
    });
    let settled = false;
    const finish = (value: { ok: true; out: VerificationOutput } | { ok: false; error: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => { child.kill('SIGKILL'); finish({ ok: false, error: `the verification did not finish within ${Math.round(timeoutMs / 1000)} s` }); }, timeoutMs);
    opts.signal?.addEventListener('abort', () => { child.kill('SIGKILL'); finish({ ok: false, error: 'the verification was interrupted' }); }, { once: true });
    const forward = (chunk: Buffer): void => {
      const text = redact(chunk.toString('utf8'));
      output += text;
      opts.onOutput?.(text);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    child.on('message', (m: { ok: true; out: VerificationOutput } | { ok: false; error: string }) => finish(m));
    child.on('error', (err) => finish({ ok: false, error: err.message }));
    child.on('exit', (code, signal) => finish({ ok: false, error: `the verification process ended early (${signal ?? `exit ${code}`})` }));
    child.send(input);
  });
  if (!outcome.ok) return [harnessError(redact(outcome.error))];
  const checks = JSON.parse(redact(JSON.stringify(outcome.out.checks))) as CheckResult[];
  const publishFailure = opts.broker?.publish ? PUBLISH_FAILED.exec(output.replace(/\u001b\[[0-9;]*m/g, '')) : null;
  if (publishFailure) {
    checks.push(checkResult({
      id: 'pact.publish', rules: [], title: 'the verification result was recorded in the broker', status: 'error', message: publishFailure[0].slice(0, 500),
    }));
  }
  return checks;
}
