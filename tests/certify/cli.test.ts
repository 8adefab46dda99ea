// certify's exit codes: 2 for usage errors (one clear line, no stack trace),
// 3 when the target cannot be reached at all, 1 with a clear AUTH failure for a
// wrong key. Only loopback addresses are used.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { runCertify } from './run-certify.js';

async function closedLoopbackPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('jobcert certify: usage errors exit 2', () => {
  it.each([
    [['--profile', 'slow'], /--profile must be quick or full/],
    [['--target', 'http://127.0.0.1:1'], /--target needs --api-key/],
    [['--target', 'http://127.0.0.1:1', '--api-key', 'k1'], /--target needs --video-url/],
    [['--target', 'ftp://127.0.0.1:1', '--api-key', 'k1', '--video-url', 'https://a.example/v.mp4'], /--target must use http or https, not ftp/],
    [['--only', 'AUTH,NOPE'], /--only: unknown family or rule "NOPE"/],
    [['--mock-fault', 'nope'], /unknown fault "nope"/],
    [['--job-timeout', '-5'], /--job-timeout must be a number/],
    [['--config', '/nonexistent/jobcert.config.json'], /no such file/],
    [['--api-key', 'same', '--alt-api-key', 'same'], /must differ/],
    [['--log-source', '/no/such/log'], /neither a file nor a command template/],
  ])('%j', async (args, message) => {
    const run = await runCertify(args as string[], { out: false, timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('jobcert certify against targets', () => {
  let wrongKeyTarget: RunningServer;
  beforeAll(async () => { wrongKeyTarget = await startHttpServer(createEngine()); });
  afterAll(async () => { await wrongKeyTarget.close(); });

  it('a target that is down → exit 3 within a few seconds', async () => {
    const port = await closedLoopbackPort();
    const run = await runCertify(['--target', `http://127.0.0.1:${port}`, '--api-key', 'k1', '--video-url', 'https://media.example.com/v.mp4'], { timeoutMs: 30_000 });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/could not be reached \(ECONNREFUSED\)/);
    console.log(`exit 3 after ${run.ms} ms`);
  });

  it('a wrong key → exit 1 with a clear AUTH-1 failure, no crash, the key redacted', async () => {
    const run = await runCertify(['--target', wrongKeyTarget.url, '--api-key', 'jc_wrong_key_123', '--video-url', 'https://media.example.com/v.mp4', '--only', 'AUTH-1,AUTH-2']);
    expect(run.code).toBe(1);
    const auth1 = run.doc?.checks.find((c) => c.id === 'auth.valid-key');
    expect(auth1?.status).toBe('fail');
    expect(auth1?.message).toMatch(/primary key was refused \(401 invalid_api_key\): check --api-key/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(JSON.stringify(run.doc) + run.stdout).not.toContain('jc_wrong_key_123');
  });

  it('flags win over the environment, which wins over --config', async () => {
    const { resolveOptions } = await import('../../scripts/certify/options.js');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'jobcert-cfg-')), 'jobcert.config.json');
    writeFileSync(file, JSON.stringify({ target: 'http://127.0.0.1:1', apiKey: 'from-file', videoUrl: ['short=https://a.example/s.mp4'], jobTimeout: 30 }));
    const fromFile = resolveOptions({ config: file }, {});
    expect([fromFile.target, fromFile.keys.primary, fromFile.run.jobTimeoutS, fromFile.videos?.[0]?.label]).toEqual(['http://127.0.0.1:1', 'from-file', 30, 'short']);
    expect(resolveOptions({ config: file }, { JOBCERT_API_KEY: 'from-env' }).keys.primary).toBe('from-env');
    expect(resolveOptions({ config: file, apiKey: 'from-flag' }, { JOBCERT_API_KEY: 'from-env' }).keys.primary).toBe('from-flag');
    writeFileSync(file, JSON.stringify({ apiKeys: 'typo' }));
    expect(() => resolveOptions({ config: file }, {})).toThrow(/unknown key "apiKeys"/);
  });

  it('LOAD settings reach certify from repeatable flags, the environment and the file, and bad ones are usage errors', async () => {
    const { resolveOptions } = await import('../../scripts/certify/options.js');
    // commander names a repeatable --threshold / --load-api-key in the singular.
    const viaFlags = resolveOptions({ threshold: ['p99<900'], loadApiKey: ['jc_more_1'] } as Record<string, unknown>, {});
    expect(viaFlags.load).toMatchObject({ thresholds: ['p99<900'], keys: ['jc_more_1'] });
    expect(resolveOptions({}, { JOBCERT_THRESHOLDS: 'p95<100;errors<1%', JOBCERT_PRODUCTION_HOSTS: 'Prod.example.com' }).load).toMatchObject({ thresholds: ['p95<100', 'errors<1%'], productionHosts: ['Prod.example.com'] });
    expect(() => resolveOptions({ threshold: ['p99 < fast'] } as Record<string, unknown>, {})).toThrow(/--threshold "p99 < fast"/);
    let message = '';
    try { resolveOptions({}, { JOBCERT_LOAD_API_KEYS: 'jc_ok_1,jc bad 2' }); } catch (err) { message = (err as Error).message; }
    expect(message).toMatch(/JOBCERT_LOAD_API_KEYS has a key with white space/);
    expect(message, 'a key is never echoed').not.toContain('jc_ok_1');
  });
});

describe('OBS-4 against an external target with --log-source', () => {
  let clean: RunningServer;
  let faulty: RunningServer;
  let dir: string;
  beforeAll(async () => {
    const { mkdtempSync, appendFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    dir = mkdtempSync(join(tmpdir(), 'jobcert-logs-'));
    const sink = (file: string) => (e: object) => appendFileSync(join(dir, file), `${JSON.stringify(e)}\n`);
    for (const f of ['clean.log', 'faulty.log']) writeFileSync(join(dir, f), ''); // a provider's log file exists before the run
    clean = await startHttpServer(createEngine({ log: sink('clean.log') }));
    faulty = await startHttpServer(createEngine({ log: sink('faulty.log'), faults: ['obs-logs-without-job-id'] }));
  });
  afterAll(async () => { await Promise.all([clean.close(), faulty.close()]); });

  const args = (url: string, logSource: string) => ['--target', url, '--api-key', 'jc_test_primary_7d1f0c', '--video-url', 'https://media.example.com/v.mp4', '--only', 'OBS-4', '--log-source', logSource, '--quiet'];

  it('a JSON-lines file and a command template both find each request id with its job id', async () => {
    for (const source of [`${dir}/clean.log`, `grep -F -- {request_id} ${dir}/clean.log`]) {
      const run = await runCertify(args(clean.url, source));
      expect(run.doc?.checks.find((c) => c.id === 'obs.logs')?.status, `${source}: ${run.stderr}`).toBe('pass');
      expect(run.code).toBe(0);
    }
  }, 120_000);

  it('logs without the job id fail OBS-4', async () => {
    const run = await runCertify(args(faulty.url, `${dir}/faulty.log`));
    expect(run.doc?.checks.find((c) => c.id === 'obs.logs')?.status).toBe('fail');
    expect(run.code).toBe(1);
  }, 60_000);
});

