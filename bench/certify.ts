/**
 * npm run bench:certify: a quick certification run against the embedded mock,
 * as a user runs it (`jobcert certify`), once as it is and once with the
 * `latency` legal variation (every response 200 ms late, as across a network),
 * in one run on this machine. Prints wall time, requests and the ratio.
 * Targets: ≤ 60 s at 0 ms and ≤ 90 s at 200 ms, every check passing.
 * Loopback only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Compliance } from '../core/results.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TARGETS_S = { none: 60, latency: 90 } as const;

interface Measured { label: string; wallMs: number; code: number | null; doc: Compliance }

function certify(label: keyof typeof TARGETS_S, extra: string[]): Promise<Measured> {
  const out = mkdtempSync(join(tmpdir(), 'jobcert-bench-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/jobcert.js'), 'certify', '--quiet', '--out', out, ...extra], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        const doc = JSON.parse(readFileSync(join(out, 'compliance.json'), 'utf8')) as Compliance;
        resolve({ label, wallMs: performance.now() - t0, code, doc });
      } catch (err) {
        reject(new Error(`${label}: no report (exit ${code}): ${(err as Error).message}`));
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  });
}

const runs = [await certify('none', []), await certify('latency', ['--mock-variant', 'latency'])];
console.log('\nadded latency  wall      requests  checks  verdict  target');
for (const r of runs) {
  const target = TARGETS_S[r.label as keyof typeof TARGETS_S];
  const s = r.doc.summary;
  console.log(`${(r.label === 'none' ? '0 ms' : '200 ms').padEnd(14)} ${(r.wallMs / 1000).toFixed(1).padStart(6)} s ${String(s.requests).padStart(9)}  ${String(s.pass)}/${s.total}  ${r.doc.verdict.padEnd(7)}  ≤ ${target} s ${r.wallMs / 1000 <= target ? 'met' : 'MISSED'}`);
}
const [base, slow] = runs as [Measured, Measured];
console.log(`\nratio wall(200 ms) / wall(0 ms): ${(slow.wallMs / base.wallMs).toFixed(2)}; requests per second: ${(base.doc.summary.requests / (base.wallMs / 1000)).toFixed(1)} and ${(slow.doc.summary.requests / (slow.wallMs / 1000)).toFixed(1)}`);
if (runs.some((r) => r.code !== 0)) process.exitCode = 1;
