/** Runs the real `jobcert certify` command line, as a user or CI would, and reads what it wrote. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Compliance } from '../../core/results.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
import { COMPILED_CLI } from '../support/compiled-cli.js';
/** The clone's own command: bin/jobcert.js over the sources, through tsx (the README's `npm run certify`). */
const BIN = join(ROOT, 'bin/jobcert.js');

export interface CertifyRun {
  code: number | null;
  stdout: string;
  stderr: string;
  out: string;
  /** Wall time of the run, for the logs: never asserted on (CI machines are loaded; a hang is `hung`). */
  ms: number;
  /** The run was still going at `timeoutMs` and the backstop killed it: it hung. */
  hung: boolean;
  doc?: Compliance;
}

/**
 * The compiled command (tests/support/compiled-cli.ts), or with `sources` the
 * clone's bin/jobcert.js through tsx. `timeoutMs` is a backstop against a hang, not a performance bound: a run still
 * going then is killed and reported `hung` (its code is then null).
 */
export function runCertify(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; out?: string | false; sources?: boolean } = {}): Promise<CertifyRun> {
  const out = opts.out === false ? '' : (opts.out ?? mkdtempSync(join(tmpdir(), 'jobcert-test-')));
  const argv = [opts.sources ? BIN : COMPILED_CLI, 'certify', ...args, ...(out ? ['--out', out] : [])];
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    let hung = false;
    const timer = setTimeout(() => { hung = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 240_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      let doc: Compliance | undefined;
      try { doc = out ? (JSON.parse(readFileSync(join(out, 'compliance.json'), 'utf8')) as Compliance) : undefined; } catch { doc = undefined; }
      resolve({ code, stdout, stderr, out, ms: Date.now() - t0, hung, ...(doc ? { doc } : {}) });
    });
  });
}
