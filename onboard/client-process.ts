/**
 * Runs the client under test: a clean, explicit environment (a few basics plus
 * the JOBCERT_ variables), its own process group so everything it starts can be
 * stopped together, stdout and stderr captured line by line with a size cap
 * (the pipes are always drained, so a chatty client never blocks), and a
 * bounded wait: on timeout or interrupt the group gets SIGTERM, then SIGKILL.
 */
import { spawn } from 'node:child_process';
import { ClientLog, LINE_CHARS, type LogLine } from './log.js';

/** What a client may need from jobcert's own environment; everything else stays out. */
const BASE_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'TMP', 'TEMP', 'SYSTEMROOT', 'USER'];
const KILL_GRACE_MS = 3000;
/** After the client exits, how long its pipes may stay open (a background child holding them) before the group is killed. */
const DRAIN_MS = 1000;

export interface ClientRun {
  exitCode: number | null;
  signal: string | null;
  /** Why jobcert stopped it, if it did. */
  stopped: 'timeout' | 'interrupt' | null;
  startedAt: number;
  endedAt: number;
  log: ClientLog;
}

export class ClientStartError extends Error {}

export function clientEnv(vars: Record<string, string>, passThrough: readonly string[], from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_ENV, ...passThrough]) {
    const v = from[name];
    if (v !== undefined) env[name] = v;
  }
  return { ...env, ...vars };
}

export interface RunOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  timeoutMs: number;
  logCapBytes: number;
  now: () => number;
  /** Aborted when jobcert is interrupted (Ctrl-C): the client is stopped and graded as far as it got. */
  interrupt: AbortSignal;
  onLine?: (line: LogLine) => void;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try { process.kill(-pid, signal); } catch { /* the group is already gone */ }
}

/** Resolves when the client has exited (or was stopped); rejects with ClientStartError if it cannot start. */
export function runClient(opts: RunOptions): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const startedAt = opts.now();
    const lines: LogLine[] = [];
    let bytes = 0;
    let truncated = false;
    let stopped: ClientRun['stopped'] = null;
    let n = 0;

    const child = spawn(opts.command, opts.args, { env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    // Last resort: jobcert never leaves a client's process group behind, however it ends.
    const onExit = (): void => killGroup(pid, 'SIGKILL');
    process.once('exit', onExit);

    const take = (stream: 'stdout' | 'stderr') => {
      let partial = '';
      const push = (text: string): void => {
        if (truncated) return;
        bytes += Buffer.byteLength(text) + 1;
        if (bytes > opts.logCapBytes) { truncated = true; return; }
        const line: LogLine = { n: ++n, stream, t: opts.now(), text: text.length > LINE_CHARS ? `${text.slice(0, LINE_CHARS)}…` : text };
        lines.push(line);
        opts.onLine?.(line);
      };
      return {
        data(chunk: Buffer): void {
          const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
          partial = parts.pop() ?? '';
          // A line without an end is cut at the cap rather than held forever.
          if (partial.length > LINE_CHARS) { push(partial); partial = ''; }
          for (const p of parts) push(p);
        },
        end(): void { if (partial !== '') push(partial); partial = ''; },
      };
    };
    const out = take('stdout');
    const err = take('stderr');
    child.stdout.on('data', (c: Buffer) => out.data(c));
    child.stderr.on('data', (c: Buffer) => err.data(c));
    let openStreams = 2;
    let exited: { code: number | null; signal: string | null } | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      opts.interrupt.removeEventListener('abort', onInterrupt);
      out.end();
      err.end();
      killGroup(pid, 'SIGKILL'); // anything the client left running in its group
      process.off('exit', onExit);
      resolve({ exitCode: exited?.code ?? null, signal: exited?.signal ?? null, stopped, startedAt, endedAt: opts.now(), log: new ClientLog(lines, truncated, true) });
    };
    const streamEnded = (): void => { if (--openStreams === 0 && exited) finish(); };
    child.stdout.on('end', streamEnded);
    child.stderr.on('end', streamEnded);

    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: 'timeout' | 'interrupt'): void => {
      if (stopped || exited) return;
      stopped = why;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onInterrupt = (): void => stop('interrupt');
    opts.interrupt.addEventListener('abort', onInterrupt);

    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      opts.interrupt.removeEventListener('abort', onInterrupt);
      process.off('exit', onExit);
      const why = e.code === 'ENOENT' ? 'not found' : e.code === 'EACCES' ? 'permission denied' : e.message;
      reject(new ClientStartError(`the client cannot be started: ${opts.command}: ${why}`));
    });
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      if (openStreams === 0) finish();
      else drainTimer = setTimeout(finish, DRAIN_MS);
    });
  });
}
