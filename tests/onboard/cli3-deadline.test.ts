// CLI-3's one excuse for a retry chain that ends early: the client's own deadline
// for that job had passed, and the run was told it (`--client-job-deadline`).
// Graded on synthetic traffic (no client), plus the flag's parsing: in process,
// and once through the real command line (exit 2, one line, no stack trace).
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { grade, type GradeInput } from '../../onboard/grade/index.js';
import { ClientLog } from '../../onboard/log.js';
import { replayCommand } from '../../onboard/run.js';
import { Traffic, type Observed } from '../../onboard/traffic.js';
import { UsageError } from '../../scripts/cli-errors.js';
import { registerOnboardCommand, resolveOnboardOptions } from '../../scripts/commands/onboard.js';
import { runOnboard } from './run-onboard.js';

/** Client start; every time below is relative to it, as the reports print them. */
const T0 = 1_000_000;
const DEADLINE_MS = 60_000;

type Rec = Partial<Observed> & { arrivedAt: number };

/** One job (source clip-1, job_1): the create, then reads of it; times in ms after T0. */
function run(records: Rec[], clientJobDeadlineMs?: number): GradeInput {
  const traffic = new Traffic();
  for (const r of records) {
    const rec = traffic.add({ origin: 'mock', method: 'GET', url: '/v1/jobs/job_1', headers: {}, key: 'given', op: 'poll', jobId: 'job_1', source: 'clip-1', ...r, arrivedAt: T0 + r.arrivedAt } as Omit<Observed, 'seq' | 'outcome'>);
    rec.outcome = r.outcome ?? 'answered';
    rec.endedAt = T0 + (r.endedAt ?? r.arrivedAt + 5);
    if (r.delivered) rec.delivered = r.delivered;
    if (r.seen) rec.seen = r.seen;
  }
  return {
    plan: { seed: 1, profile: 'quick', conditions: [], sources: [], instances: [], balance: 1 }, traffic, deliveries: [], undelivered: [],
    log: new ClientLog([], false, true), ledger: { jobs: [], charges: [] },
    run: { mode: 'command', startedAt: T0, endedAt: T0 + 200_000, stopped: null, exitCode: 0 },
    baseUrl: 'http://127.0.0.1:1', artifactUrl: 'http://127.0.0.1:2',
    ...(clientJobDeadlineMs !== undefined ? { clientJobDeadlineMs } : {}),
  };
}

const create: Rec = { arrivedAt: 0, method: 'POST', url: '/v1/jobs', op: 'create', jobId: undefined, body: '{"video_url":"http://127.0.0.1:1/clip-1.mp4"}', delivered: { status: 200, headers: {}, body: '' } };
const read = (at: number): Rec => ({ arrivedAt: at, delivered: { status: 200, headers: {}, body: '' }, seen: { jobStatus: 'processing' } });
const unavailable = (at: number): Rec => ({ arrivedAt: at, delivered: { status: 503, headers: {}, body: '', errorCode: 'internal_error' } });
/** A job whose last read, at `at` ms, got a 503 and was never sent again. */
const abandonedAt = (at: number): Rec[] => [create, read(at - 5000), read(at - 3000), unavailable(at)];
const cli3 = (input: GradeInput) => {
  const v = grade(input).find((x) => x.rule === 'CLI-3');
  if (!v) throw new Error('no CLI-3 verdict');
  return v;
};

describe('CLI-3 with the client\'s job deadline (synthetic traffic)', () => {
  it('CLI-3: a chain that ends after the told job deadline passed is excused, and the notes say so with the times', () => {
    const v = cli3(run(abandonedAt(61_095), DEADLINE_MS));
    expect(v.status).toBe('pass');
    expect(v.message).toMatch(/^1 transient failures all retried or left past the job deadline \(1\)/);
    const notes = v.notes.join('\n');
    expect(notes).toMatch(/^job deadline: 60\.0 s per job \(--client-job-deadline\), counted from the client's first request/m);
    expect(notes).toMatch(/#4 GET \/v1\/jobs\/job_1 → 503 internal_error was not retried, excused: the chain ended 1\.10 s after the job deadline had passed \(job clip-1 from #1 at \+0\.000 s, its 60\.0 s deadline at \+60\.000 s, the chain ended at \+61\.100 s \(times from the client's start\)\)$/m);
  });

  it('CLI-3: the job deadline counts from the job\'s first request (the create), not from the chain\'s first attempt', () => {
    // The failing read is the chain's only attempt, 61 s after the create: a per-request clock would not have run out.
    expect(cli3(run([create, read(59_000), unavailable(61_000)], DEADLINE_MS)).status).toBe('pass');
  });

  it('CLI-3: a chain that ends before the told job deadline is "not retried", with how far the deadline was', () => {
    const v = cli3(run(abandonedAt(30_000), DEADLINE_MS));
    expect(v.status).toBe('fail');
    expect(v.requests).toEqual([4]);
    expect(v.message).toMatch(/#4 GET \/v1\/jobs\/job_1 → 503 internal_error was not retried \(503 internal_error is transient; the job deadline was 30\.0 s away \(job clip-1 from #1 at \+0\.000 s, its 60\.0 s deadline at \+60\.000 s, the chain ended at \+30\.005 s/);
    expect(v.notes[0]).toMatch(/^job deadline: 60\.0 s per job/);
  });

  it('CLI-3: the clock slack is 50 ms, no more: 1 s short of the deadline fails, 20 ms short passes', () => {
    // abandonedAt(x) ends the 503 at x + 5 ms.
    expect(cli3(run(abandonedAt(DEADLINE_MS - 1005), DEADLINE_MS)).status).toBe('fail');
    expect(cli3(run(abandonedAt(DEADLINE_MS - 25), DEADLINE_MS)).status).toBe('pass');
  });

  it('CLI-3: with no deadline told, a chain ending even long after the job began is "not retried", and the report says none was told', () => {
    const v = cli3(run(abandonedAt(61_000)));
    expect(v.status).toBe('fail');
    expect(v.message).toMatch(/#4 GET \/v1\/jobs\/job_1 → 503 internal_error was not retried \(503 internal_error is transient\)/);
    expect(v.notes[0]).toBe('job deadline: none told (--client-job-deadline), so no retry chain may end early');
  });

  it('CLI-3: a request about no job (a list) is not excused by a job deadline', () => {
    const list: Rec = { ...unavailable(90_000), url: '/v1/jobs?limit=10', op: 'list', source: undefined, jobId: undefined };
    const v = cli3(run([create, read(1000), list], DEADLINE_MS));
    expect(v.status).toBe('fail');
    expect(v.message).toMatch(/#3 GET \/v1\/jobs → 503 internal_error was not retried \(503 internal_error is transient; it belongs to no job, so the job deadline does not apply\)/);
  });

  it('CLI-3: a chain that was retried is judged as before, whatever the deadline; the deadline is named when nothing was left unretried', () => {
    const v = cli3(run([create, unavailable(1000), read(3000)], DEADLINE_MS));
    expect(v.status).toBe('pass');
    expect(v.message).toMatch(/^1 transient failures all retried \(/);
    expect(v.notes[0]).toMatch(/^job deadline: 60\.0 s per job/);
  });
});

describe('--client-job-deadline (CLI-3): parsing', () => {
  const FLAGS = { profile: 'quick', clientTimeout: 300, processingMs: 2000, slowResponseMs: 12_000, env: [] as string[] };

  /** Parses an onboard command line in process, as the binary does; the action never runs on these (the flag is refused first). */
  const parse = (args: string[]): Promise<unknown> => {
    const program = new Command('jobcert').exitOverride();
    registerOnboardCommand(program);
    return program.parseAsync(['onboard', ...args, '--', 'true'], { from: 'user' });
  };

  it.each(['abc', '0', '-5', '', 'Infinity', '60s'])('CLI-3: --client-job-deadline %j is a usage error naming the flag', async (raw) => {
    const refused = parse(['--client-job-deadline', raw]);
    await expect(refused).rejects.toThrow(UsageError);
    await expect(parse(['--client-job-deadline', raw])).rejects.toThrow(`--client-job-deadline must be a positive number, got ${JSON.stringify(raw)}`);
  });

  it('CLI-3: seconds become the grader\'s milliseconds, absent stays absent, and the replay command carries it', () => {
    const told = resolveOnboardOptions(['node', 'w.js'], { ...FLAGS, clientJobDeadline: 1.1 });
    expect(told.clientJobDeadlineMs).toBeCloseTo(1100);
    expect(replayCommand({ ...told, seed: 7 })).toMatch(/ --client-job-deadline 1\.1 --client-timeout 300 -- node w\.js$/);
    const none = resolveOnboardOptions(['node', 'w.js'], FLAGS);
    expect('clientJobDeadlineMs' in none).toBe(false);
    expect(replayCommand(none)).not.toMatch(/client-job-deadline/);
  });

  it('CLI-3: the real command line refuses a bad --client-job-deadline with exit 2 and one line, before any client runs', async () => {
    const r = await runOnboard(['--client-job-deadline', 'soon', '--', 'sh', '-c', 'echo ran >&2'], { out: false, timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('jobcert: --client-job-deadline must be a positive number, got "soon"');
  }, 90_000);
});
