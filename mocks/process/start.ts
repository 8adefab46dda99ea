/** Starts jobcert's mock on loopback in a child process (mocks/process/main.ts): `jobcert load` and `jobcert certify` without --target. */
import { spawn } from 'node:child_process';
import { modulePath, nodeArgsForModules } from '../../core/runtime.js';

export interface EmbeddedMockOptions {
  faults: readonly string[];
  variants?: readonly string[];
  /** true: the mock's default token bucket (60 burst, 30/s per key); false: none (load measures the mock); unset: the engine's choice (a rate-limit variant's). */
  rateLimit?: boolean;
  faultLatencyMs?: number;
  /** Keys of the mock's accounts in place of the default ones. */
  keys?: { primary?: string; second?: string; broke?: string };
  /** More accounts with credits, one per key (`jobcert load --load-api-key` against the embedded mock). */
  loadKeys?: readonly string[];
  /** The mock's log, one JSON line per request, appended here (certify's OBS-4 log source). */
  logPath?: string;
}

export interface EmbeddedMock { url: string; close(): Promise<void> }

const SCRIPT = modulePath('mocks/process/main');
const START_TIMEOUT_MS = 20_000;

export function startEmbeddedMock(opts: EmbeddedMockOptions): Promise<EmbeddedMock> {
  const child = spawn(process.execPath, [...nodeArgsForModules(), SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, JOBCERT_MOCK_SETTINGS: JSON.stringify(opts) } });
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
