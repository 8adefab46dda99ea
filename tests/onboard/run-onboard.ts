/** Runs the real `jobcert onboard` command line, as a partner or CI would, and reads what it wrote. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Compliance } from '../../core/results.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLIENTS = join(ROOT, 'tests/onboard/clients');
import { COMPILED_CLI } from '../support/compiled-cli.js';
/** The compiled command line (tests/support/compiled-cli.ts). */
const BIN = COMPILED_CLI;

export interface OnboardRun { code: number | null; stdout: string; stderr: string; out: string; ms: number; doc?: Compliance }

export interface RunningOnboard { child: ChildProcess; done: Promise<OnboardRun>; stdout(): string }

/**
 * Starts `jobcert onboard <args> --out <tmp>`. On the deadline it gets SIGTERM
 * (jobcert then stops its client's process group and grades), SIGKILL 10 s later.
 */
export function startOnboard(args: string[], opts: { timeoutMs?: number; env?: Record<string, string>; out?: string | false } = {}): RunningOnboard {
  const out = opts.out === false ? '' : (opts.out ?? mkdtempSync(join(tmpdir(), 'jobcert-onboard-')));
  const dashdash = args.indexOf('--');
  const own = dashdash === -1 ? args : args.slice(0, dashdash);
  const rest = dashdash === -1 ? [] : args.slice(dashdash);
  const argv = [BIN, 'onboard', ...own, ...(out ? ['--out', out] : []), ...rest];
  const t0 = Date.now();
  const child = spawn(process.execPath, argv, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const done = new Promise<OnboardRun>((resolve) => {
    const term = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs ?? 200_000);
    const kill = setTimeout(() => child.kill('SIGKILL'), (opts.timeoutMs ?? 200_000) + 10_000);
    child.on('exit', (code) => {
      clearTimeout(term);
      clearTimeout(kill);
      let doc: Compliance | undefined;
      try { doc = out ? (JSON.parse(readFileSync(join(out, 'compliance.json'), 'utf8')) as Compliance) : undefined; } catch { doc = undefined; }
      resolve({ code, stdout, stderr, out, ms: Date.now() - t0, ...(doc ? { doc } : {}) });
    });
  });
  return { child, done, stdout: () => stdout };
}

export const runOnboard = (args: string[], opts?: Parameters<typeof startOnboard>[1]): Promise<OnboardRun> => startOnboard(args, opts).done;

/** `CLI-3:fail`-style rows of every check that did not pass, sorted. */
export function notPassed(doc: Compliance | undefined): string[] {
  return (doc?.checks ?? []).filter((c) => c.status !== 'pass').map((c) => `${c.rule_ids[0] ?? c.id}:${c.status}`).sort();
}

export function check(doc: Compliance | undefined, rule: string): Compliance['checks'][number] {
  const found = doc?.checks.find((c) => c.rule_ids[0] === rule || c.id === rule);
  if (!found) throw new Error(`no check ${rule} in the report`);
  return found;
}
