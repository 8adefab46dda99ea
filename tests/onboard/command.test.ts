// The `jobcert onboard` command line around the grading: usage errors (exit 2,
// one line), a client that cannot start (exit 3), a client that does nothing
// (fails, not passes on absent evidence), Ctrl-C (the client's process group is
// stopped, what was seen is graded and reported), and --serve for a client that
// is not a command (a worker pointed at the printed URL and key, its log file).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveOnboardOptions } from '../../scripts/commands/onboard.js';
import { UsageError } from '../../scripts/cli-errors.js';
import { check, CLIENTS, notPassed, runOnboard, startOnboard } from './run-onboard.js';

const outs: string[] = [];
afterAll(() => { for (const dir of outs) rmSync(dir, { recursive: true, force: true }); });
const tracked = <T extends { out: string }>(r: T): T => { if (r.out) outs.push(r.out); return r; };

const waitFor = async (pred: () => boolean, ms: number): Promise<void> => {
  const until = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
};

const FLAGS = { profile: 'quick', clientTimeout: 300, processingMs: 2000, slowResponseMs: 12_000, env: [] as string[] };

describe('jobcert onboard: option checks (in process)', () => {
  it.each([
    [[], {}, /^give the client to run after --/],
    [['true'], { scenarios: 'bogus,never-finishes' }, /^--scenarios: unknown bogus; known: retry-after-seconds, /],
    [['true'], { profile: 'huge' }, /^--profile must be quick or full, got "huge"/],
    [['true'], { seed: 'abc' }, /^--seed must be an integer from 0 to 4294967295/],
    [['true'], { seed: '4294967296' }, /^--seed must be an integer from 0 to 4294967295/],
    [['true'], { serve: true }, /^--serve runs no command/],
    [['true'], { port: 4000, clientLog: 'x.log' }, /^--port, --client-log only with --serve/],
    [['true'], { env: ['A=B'] }, /^--env takes a variable name/],
    [[], { serve: true, apiKey: 'short' }, /^--api-key must be 8–200 printable characters/],
  ])('%j %j is a usage error', (command, flags, message) => {
    expect(() => resolveOnboardOptions(command, { ...FLAGS, ...flags })).toThrow(UsageError);
    expect(() => resolveOnboardOptions(command, { ...FLAGS, ...flags })).toThrow(message);
  });

  it('turns flags into options: seconds to ms, the seed kept, the scenarios checked', () => {
    const o = resolveOnboardOptions(['node', 'w.js'], { ...FLAGS, seed: '7', scenarios: 'never-finishes, redirect-output', clientTimeout: 60 });
    expect(o).toMatchObject({ mode: 'command', command: ['node', 'w.js'], seed: 7, scenarios: ['never-finishes', 'redirect-output'], clientTimeoutMs: 60_000 });
    expect(resolveOnboardOptions([], { ...FLAGS, serve: true, duration: 5 })).toMatchObject({ mode: 'serve', durationMs: 5000 });
  });
});

describe.concurrent('jobcert onboard: the command line', () => {
  it.each([
    [[], /^jobcert: give the client to run after --/],
    [['--client-timeout', '0', '--', 'true'], /^jobcert: --client-timeout must be an integer from 1 to 86400/],
  ])('%j → exit 2 with one line', async (args, message) => {
    const r = await runOnboard(args, { out: false, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  }, 90_000);

  it('an --out that cannot be written → exit 2 with one line, before the client runs', async () => {
    const r = await runOnboard(['--out', '/proc/jobcert-cannot-write-here', '--', 'sh', '-c', 'echo ran > /dev/stderr'], { out: false, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^jobcert: --out \/proc\/jobcert-cannot-write-here: cannot create \/proc\/jobcert-cannot-write-here/);
  }, 90_000);

  it('a client that cannot be started → exit 3 with one line', async () => {
    const r = tracked(await runOnboard(['--scenarios', 'never-finishes', '--', join(CLIENTS, 'no-such-client')], { timeoutMs: 60_000 }));
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toMatch(/^jobcert onboard: the client cannot be started: .*no-such-client: not found$/);
  }, 90_000);

  it('a client that does nothing fails: no rule passes on evidence that never came', async () => {
    const r = tracked(await runOnboard(['--scenarios', 'retry-after-seconds,failing-source', '--', 'true'], { timeoutMs: 60_000 }));
    expect(r.code).toBe(1);
    expect(r.doc?.checks.filter((c) => c.status === 'pass')).toEqual([]);
    expect(check(r.doc, 'cli.coverage').message).toMatch(/2 of 2 sources never got a job: .*c1 \(retry-after-seconds: .*\) never happened/);
    expect(r.stdout).toMatch(/^not exercised: CLI-1, CLI-2, CLI-3, CLI-4, CLI-6, CLI-7, CLI-8, CLI-9/m);
  }, 90_000);
});

describe('jobcert onboard: stopping and serving', () => {
  it('Ctrl-C stops the client\'s whole process group, grades what it saw and writes the reports', async () => {
    const marker = `marker-${process.pid}-${Date.now()}`;
    const run = startOnboard(['--scenarios', 'never-finishes', '--processing-ms', '500', '--', 'sh', '-c', 'node "$0" "$1" & wait', join(CLIENTS, 'polls-forever.mjs'), marker], { timeoutMs: 60_000 });
    await waitFor(() => /client: /.test(run.stdout()), 30_000);
    const alive = (): boolean => spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout.includes(marker);
    await waitFor(alive, 15_000);
    await new Promise((r) => setTimeout(r, 3000)); // a few polls of the job that never finishes
    run.child.kill('SIGINT');
    const r = tracked(await run.done);
    expect(r.code).toBe(1);
    expect(alive()).toBe(false); // the grandchild (node under sh) went with the group
    expect((r.doc?.onboarding?.client as { stopped: string }).stopped).toBe('interrupt');
    expect(check(r.doc, 'cli.coverage').message).toMatch(/jobcert was interrupted before the client finished/);
    // Interrupted by the operator is no proof of polling forever: CLI-6 says what it could not tell.
    expect(check(r.doc, 'CLI-6').status).toBe('skip');
    expect(check(r.doc, 'CLI-6').message).toMatch(/still being polled .* when jobcert was interrupted/);
  }, 90_000);

  it('--serve: prints URL, key and sources, grades on Ctrl-C with the --client-log file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobcert-serve-'));
    const logFile = join(dir, 'worker.log');
    const run = startOnboard(['--serve', '--seed', '3', '--scenarios', 'retry-after-seconds,failing-source,redirect-output', '--processing-ms', '500', '--client-log', logFile], { timeoutMs: 90_000 });
    await waitFor(() => /JOBCERT_VIDEO_URLS=/.test(run.stdout()), 30_000);
    const env = Object.fromEntries([...run.stdout().matchAll(/^ {2}(JOBCERT_[A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(env).sort()).toEqual(['JOBCERT_API_KEY', 'JOBCERT_BASE_URL', 'JOBCERT_VIDEO_URLS']);
    // The "deployed worker": started by someone else, pointed at what --serve printed, logging to a file.
    const fd = openSync(logFile, 'w');
    const worker = spawn(process.execPath, [join(CLIENTS, 'good-client.mjs'), '--job-timeout', '5'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', fd, fd] });
    // Bounded and reaped: a worker that never finishes must not outlive the test.
    const reaper = setTimeout(() => worker.kill('SIGKILL'), 60_000);
    const exit = await new Promise<number | null>((resolve) => worker.on('exit', (code) => { clearTimeout(reaper); resolve(code); }));
    closeSync(fd);
    expect(exit).not.toBeNull();
    run.child.kill('SIGINT');
    const r = tracked(await run.done);
    outs.push(dir);
    expect(r.code, r.stdout).toBe(0);
    expect(notPassed(r.doc)).toEqual([]);
    expect((r.doc?.onboarding as { mode: string }).mode).toBe('serve');
    expect(check(r.doc, 'CLI-9').log_lines?.[0]?.stream).toBe('file');
    expect(JSON.stringify(r.doc)).not.toContain(env.JOBCERT_API_KEY);
  }, 120_000);
});
