// jobcert/vitest: a certification inside a team's vitest suite gives one test
// per check with the same outcome `jobcert certify` reports for the same flags,
// and a failing check fails its test in the rule's words.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCertify } from '../certify/run-certify.js';

interface JsonReport { testResults: { assertionResults: { title: string; status: string; failureMessages: string[] }[] }[] }

/** The fixture file run by vitest (as a team would), its JSON report read back. */
function viaAdapter(flags: Record<string, unknown>): { id: string; status: string; failure: string }[] {
  const out = join(mkdtempSync(join(tmpdir(), 'jobcert-adapter-')), 'report.json');
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(ROOT, 'tests/adapter/fixture/vitest.config.ts'), '--reporter=json', `--outputFile=${out}`], {
    cwd: ROOT, env: { ...process.env, JOBCERT_ADAPTER_FLAGS: JSON.stringify(flags), NO_COLOR: '1' }, encoding: 'utf8', timeout: 240_000,
  });
  const report = JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
  expect(report.testResults.length, run.stderr.slice(0, 500)).toBe(1);
  return report.testResults[0]!.assertionResults.map((t) => ({ id: t.title.startsWith('run-wide') ? 'run-wide' : t.title.split(' ')[0]!, status: t.status, failure: t.failureMessages.join('\n') }));
}

const FLAGS = { mockTransport: 'msw', only: 'AUTH,OBS', seed: '7' };
const asVitest = (status: string): string => ({ pass: 'passed', fail: 'failed', error: 'failed', skip: 'skipped' })[status] ?? status;

describe('jobcert/vitest adapter', () => {
  it('one test per check, the same outcomes as jobcert certify', async () => {
    const [tests, cli] = await Promise.all([Promise.resolve().then(() => viaAdapter(FLAGS)), runCertify(['--mock-transport', 'msw', '--only', 'AUTH,OBS', '--seed', '7', '--quiet'])]);
    const expected = cli.doc!.checks.filter((c) => !c.id.startsWith('schema.') && c.id !== 'obs.request-id-unique-run').map((c) => [c.id, asVitest(c.status)]);
    const perCheck = tests.filter((t) => t.id !== 'run-wide').map((t) => [t.id, t.status]);
    expect(perCheck.sort()).toEqual(expected.sort());
    expect(tests.find((t) => t.id === 'run-wide')?.status).toBe('passed');
  }, 300_000);

  it('a broken rule fails its test with the rule\'s words, not assertion text', () => {
    const tests = viaAdapter({ ...FLAGS, only: 'AUTH', mockFault: ['auth-missing-as-invalid'] });
    const failed = tests.filter((t) => t.status === 'failed');
    expect(failed.map((t) => t.id)).toContain('auth.missing-key');
    const words = failed.find((t) => t.id === 'auth.missing-key')!.failure;
    expect(words).toMatch(/AUTH-2|missing_api_key/);
    expect(words).not.toMatch(/expected .* to |Object\.is|toHaveLength|deeply equal/);
    expect(tests.filter((t) => t.status === 'passed').length, 'the other AUTH checks still pass').toBeGreaterThan(0);
  }, 300_000);
});
