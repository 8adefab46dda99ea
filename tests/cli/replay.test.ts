// Issue 21: a failing run can be sent again. A fault's failing check replays
// as `failing` against the faulty (embedded) mock and as `fixed` against a clean
// mock; the curl script left beside the reports sends the same sequence with
// the ids a new provider hands out; no file holds a key.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS } from '../../mocks/engine/accounts.js';
import { createEngine, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { replayVerdict } from '../../scripts/replay/run.js';
import { COMPILED_CLI } from '../support/compiled-cli.js';
import { runCertify, type CertifyRun } from '../certify/run-certify.js';

const KEY = DEFAULT_ACCOUNTS[0]!.key;
const CHECK = 'idem.replay-start';

function jobcert(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [COMPILED_CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
}

let run: CertifyRun;
let clean: RunningServer;
let faulty: RunningServer;
beforeAll(async () => {
  [run, clean, faulty] = await Promise.all([
    runCertify(['--mock-fault', 'idem-no-replay-header', '--only', 'IDEM-1', '--skip', 'FUZZ', '--mock-transport', 'msw', '--quiet']),
    startHttpServer(createEngine({})),
    startHttpServer(createEngine({ faults: ['idem-no-replay-header'] })),
  ]);
}, 120_000);
afterAll(async () => { await Promise.all([clean.close(), faulty.close()]); });

describe.concurrent('jobcert replay', () => {
  it('the failing run left a sequence and a curl script per failing check, with no key in them', () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/replay: +\S+\/replay\/ /);
    const files = readdirSync(join(run.out, 'replay'));
    expect(files).toEqual(expect.arrayContaining([`${CHECK}.json`, `${CHECK}.sh`]));
    for (const f of files) for (const a of DEFAULT_ACCOUNTS) expect(readFileSync(join(run.out, 'replay', f), 'utf8')).not.toContain(a.key);
    const seq = JSON.parse(readFileSync(join(run.out, 'replay', `${CHECK}.json`), 'utf8'));
    // The job created first is the one the later starts name, as a variable.
    expect(Object.keys(seq.steps[0].captures)).toEqual(['ID_1']);
    expect(seq.steps.slice(1).every((s: { path: string }) => s.path.includes('${ID_1}'))).toBe(true);
  });

  it('replays as failing against the faulty mock (the run\'s own embedded mock and fault)', async () => {
    const r = await jobcert(['replay', run.out, '--check', CHECK, '--times', '2']);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/against the embedded mock with idem-no-replay-header/);
    expect(r.out).toMatch(/attempt 2\/2: FAIL: IDEM-1: /);
    expect(r.out).toMatch(/replay failing/);
  }, 90_000);

  it('replays as fixed against a clean mock, only after every attempt passed; keys from the environment', async () => {
    const r = await jobcert(['replay', run.out, '--check', CHECK, '--times', '3', '--target', clean.url], { JOBCERT_API_KEY: KEY });
    expect(r.code, r.err).toBe(0);
    expect(r.out.match(/attempt \d\/3: PASS/g)).toHaveLength(3);
    expect(r.out).toMatch(/replay fixed: 3 clean replay\(s\) in a row/);
    expect(r.out + r.err).not.toContain(KEY);
  }, 90_000);

  it('the curl script sends the sequence again, with the ids the provider hands out now', async () => {
    // Run asynchronously: the mock answering it lives in this very process.
    const { stdout: out } = await promisify(execFile)('sh', [join(run.out, 'replay', `${CHECK}.sh`)], { env: { ...process.env, JOBCERT_API_KEY: KEY, JOBCERT_TARGET: faulty.url }, encoding: 'utf8', timeout: 30_000 });
    const ids = [...out.matchAll(/"id":"(job_[^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(1); // created, then started twice: the same, new job
    expect(out.match(/-> HTTP 200/g)?.length).toBeGreaterThanOrEqual(2);
  }, 40_000);

  it('bad input is one clear line and exit 2', async () => {
    const cases = [['replay', '/no/such/dir', '--check', CHECK], ['replay', run.out, '--check', 'nope.check'], ['replay', run.out, '--check', 'schema.getJob'], ['replay', run.out, '--check', CHECK, '--times', '0']];
    for (const [args, r] of (await Promise.all(cases.map(async (args) => [args, await jobcert(args)] as const)))) {
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});

describe('the replay verdict', () => {
  it('fixed only when every attempt passed; flaky when they disagree; inconclusive when one could not judge', () => {
    const a = (status: 'pass' | 'fail' | 'error' | 'skip') => ({ status, message: '' });
    expect(replayVerdict([a('pass'), a('pass'), a('pass')])).toBe('fixed');
    expect(replayVerdict([a('fail'), a('fail')])).toBe('failing');
    expect(replayVerdict([a('pass'), a('fail'), a('pass')])).toBe('flaky');
    expect(replayVerdict([a('pass'), a('error')])).toBe('inconclusive');
    expect(replayVerdict([a('skip')])).toBe('inconclusive');
  });
});
