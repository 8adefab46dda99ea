/** Runs the real `jobcert certify` command line, as a user or CI would, and reads what it wrote. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Compliance } from '../../scripts/certify/results.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/jobcert.js');

export interface CertifyRun { code: number | null; stdout: string; stderr: string; out: string; ms: number; doc?: Compliance }

export function runCertify(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; out?: string | false } = {}): Promise<CertifyRun> {
  const out = opts.out === false ? '' : (opts.out ?? mkdtempSync(join(tmpdir(), 'jobcert-test-')));
  const argv = [BIN, 'certify', ...args, ...(out ? ['--out', out] : [])];
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 240_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      let doc: Compliance | undefined;
      try { doc = out ? (JSON.parse(readFileSync(join(out, 'compliance.json'), 'utf8')) as Compliance) : undefined; } catch { doc = undefined; }
      resolve({ code, stdout, stderr, out, ms: Date.now() - t0, ...(doc ? { doc } : {}) });
    });
  });
}
