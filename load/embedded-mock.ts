/** Starts jobcert's mock on loopback in a child process (load/mock-process.ts) for `jobcert load` without --target. */
import { spawn } from 'node:child_process';
import { modulePath, nodeArgsForModules } from '../scripts/runtime.js';

export interface EmbeddedMockOptions {
  faults: readonly string[];
  /** The mock's default token bucket (60 burst, 30/s per key); off by default, so the load measures the mock. */
  rateLimit: boolean;
  faultLatencyMs?: number;
}

export interface EmbeddedMock { url: string; close(): Promise<void> }

const SCRIPT = modulePath('load/mock-process');
const START_TIMEOUT_MS = 20_000;

export function startEmbeddedMock(opts: EmbeddedMockOptions): Promise<EmbeddedMock> {
  const child = spawn(process.execPath, [...nodeArgsForModules(), SCRIPT, JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const close = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => { void close(); reject(new Error(`the embedded mock did not start within ${START_TIMEOUT_MS / 1000} s`)); }, START_TIMEOUT_MS);
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1] as string, close }); }
    });
    void gone.then(() => { clearTimeout(timer); reject(new Error(`the embedded mock exited before listening: ${err.trim().split('\n').at(-1) ?? ''}`)); });
  });
}
