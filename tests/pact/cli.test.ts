// `jobcert pact verify` and `jobcert pact publish` as a user runs them: the
// embedded mock verifies (exit 0) with four valid, key-free reports; a fault
// fails (exit 1); usage errors are one line (exit 2); a target that is down is
// exit 3. Only loopback addresses are used.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS } from '../../mocks/index.js';
import type { Compliance } from '../../core/results.js';
import { ROOT } from '../certify/run-certify.js';
import { runJobcert, type CliRun } from './run-jobcert.js';

const KEYS = DEFAULT_ACCOUNTS.map((a) => a.key);
const readDoc = (dir: string): Compliance => JSON.parse(readFileSync(join(dir, 'compliance.json'), 'utf8')) as Compliance;

async function closedLoopbackPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe.concurrent('jobcert pact verify against the embedded mock', () => {
  let clean: CliRun;
  let faulty: CliRun;
  const cleanOut = mkdtempSync(join(tmpdir(), 'jobcert-pact-'));
  const faultyOut = mkdtempSync(join(tmpdir(), 'jobcert-pact-'));
  beforeAll(async () => {
    [clean, faulty] = await Promise.all([
      runJobcert(['pact', 'verify', '--out', cleanOut]),
      runJobcert(['pact', 'verify', '--mock-fault', 'err-wrong-codes', '--quiet', '--out', faultyOut]),
    ]);
  }, 180_000);

  it('the clean mock verifies: exit 0, every interaction a PASS line, the verdict', () => {
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout.match(/^ {2}PASS {2}pact\./gm)).toHaveLength(19);
    expect(clean.stdout).toMatch(/verdict PASS: 19 checks, 19 passed/);
    const doc = readDoc(cleanOut);
    expect(doc.verdict).toBe('pass');
    expect(doc.summary.by_family.PACT).toEqual({ pass: 19, fail: 0, skip: 0, error: 0 });
    console.log(`jobcert pact verify (embedded mock): ${clean.ms} ms wall`);
  });

  it('writes the reports (with the HAR of the evidence) plus the verifier log; compliance.json matches contracts/compliance.schema.json', () => {
    expect(readdirSync(cleanOut).sort()).toEqual(['compliance.html', 'compliance.json', 'compliance.md', 'exchanges.har', 'junit.xml', 'pact-verifier.log']);
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajvFormats.default.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'contracts/compliance.schema.json'), 'utf8')));
    expect(validate(readDoc(cleanOut)), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(readFileSync(join(cleanOut, 'junit.xml'), 'utf8')).toContain('pact.get-a-completed-job');
  });

  it('no API key in any report, in the verifier log or on the console', () => {
    const texts = [clean.stdout, clean.stderr, faulty.stdout, faulty.stderr, ...[cleanOut, faultyOut].flatMap((d) => readdirSync(d).map((f) => readFileSync(join(d, f), 'utf8')))];
    for (const key of KEYS) for (const t of texts) expect(t.includes(key), key).toBe(false);
    expect(readFileSync(join(cleanOut, 'compliance.json'), 'utf8')).toContain('<redacted>');
  });

  it('a fault the client relies on: exit 1, the interaction failed with the reason', () => {
    expect(faulty.code, faulty.stderr).toBe(1);
    const failed = readDoc(faultyOut).checks.filter((c) => c.status !== 'pass');
    expect(failed.map((c) => [c.id, c.status, c.rule_ids])).toEqual([['pact.get-a-job-that-does-not-exist', 'fail', ['AUTH-4', 'ERR-1', 'ERR-2']]]);
    expect(failed[0]?.message).toMatch(/\$\.error\.code: Expected 'job_not_found'/);
    expect(faulty.stdout).toMatch(/verdict FAIL/);
  });
});

describe.concurrent('usage errors exit 2 with one line; a target that is down exits 3', () => {
  const onlyBroker = { PACT_BROKER_BASE_URL: 'http://127.0.0.1:9' };
  it.each([
    [['pact', 'verify', '--target', 'http://127.0.0.1:9'], {}, /--target needs --api-key/],
    [['pact', 'verify', '--publish'], {}, /--publish .* needs --target/],
    [['pact', 'verify', '--publish', '--target', 'http://127.0.0.1:9', '--api-key', 'k', '--video-url', 'https://media.example.com/a.mp4'], {}, /--publish needs --provider-version/],
    [['pact', 'publish'], {}, /pact publish needs a Pact Broker: set PACT_BROKER_BASE_URL and PACT_BROKER_TOKEN \(or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD\)/],
    [['pact', 'publish'], onlyBroker, /needs a Pact Broker: set PACT_BROKER_TOKEN \(or/],
    [['pact', 'publish'], { PACT_BROKER_BASE_URL: 'ftp://127.0.0.1', PACT_BROKER_TOKEN: 't' }, /PACT_BROKER_BASE_URL must be an http or https URL/],
  ] as const)('%j %j', async (args, env, message) => {
    const run = await runJobcert([...args], { env: { ...env } });
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('a target that is down → exit 3 within seconds', async () => {
    const port = await closedLoopbackPort();
    const run = await runJobcert(['pact', 'verify', '--target', `http://127.0.0.1:${port}`, '--api-key', 'k', '--video-url', 'https://media.example.com/a.mp4', '--out', mkdtempSync(join(tmpdir(), 'jobcert-pact-'))]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/could not be reached \(ECONNREFUSED\)/);
  }, 60_000);
});
