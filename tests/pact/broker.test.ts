// The broker hand-off against a loopback recorder standing in for a Pact
// Broker: what `jobcert pact publish` and `jobcert pact verify --publish` send
// (versions, branch, the pact itself, the verification result, the token as a
// bearer), that no API key or token is printed, and that a publication the
// broker did not take is an error, not a pass.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_ACCOUNTS, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { PACT_FILE, PACTS_DIR } from '../../pact/contract.js';
import { MOCK_FAILING_VIDEO_URL, MOCK_VIDEO_URL } from '../../pact/media.js';
import type { Compliance } from '../../core/results.js';
import { ROOT } from '../certify/run-certify.js';
import { startBrokerRecorder, type BrokerRecorder } from './broker-recorder.js';
import { runJobcert, type CliRun } from './run-jobcert.js';

const TOKEN = 'broker-token-for-tests-4f1c';
const PACT = JSON.parse(readFileSync(join(PACTS_DIR, PACT_FILE), 'utf8')) as Record<string, unknown>;
const KEYS = DEFAULT_ACCOUNTS.map((a) => a.key);
const brokerEnv = (r: BrokerRecorder): Record<string, string> => ({ PACT_BROKER_BASE_URL: r.url, PACT_BROKER_TOKEN: TOKEN });

describe.concurrent('jobcert pact publish', () => {
  it('publishes the committed pact with version, branch and tag, the token as a bearer, nothing secret printed', async () => {
    const broker = await startBrokerRecorder(PACT);
    try {
      const run = await runJobcert(['pact', 'publish', '--consumer-version', '1.4.0+abc', '--branch', 'feat/pact', '--tag', 'rc'], { env: brokerEnv(broker) });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      // jobcert's reachability probe, then the pact CLI's own navigation.
      expect(broker.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /', 'GET /', 'POST /contracts/publish']);
      for (const r of broker.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      const body = broker.requests.find((r) => r.path === '/contracts/publish')?.json as { pacticipantName: string; pacticipantVersionNumber: string; branch: string; tags: string[]; contracts: { consumerName: string; providerName: string; specification: string; contentType: string; content: string }[] };
      expect(body).toMatchObject({ pacticipantName: 'jobcert-reference-client', pacticipantVersionNumber: '1.4.0+abc', branch: 'feat/pact', tags: ['rc'] });
      expect(body.contracts).toHaveLength(1);
      expect(body.contracts[0]).toMatchObject({ consumerName: 'jobcert-reference-client', providerName: 'jobs-api-v1', specification: 'pact', contentType: 'application/json' });
      // The pact CLI re-serializes the file (it stamps its own pactRust models version into metadata); the contract itself is unchanged.
      const sent = JSON.parse(Buffer.from(body.contracts[0]!.content, 'base64').toString('utf8')) as typeof PACT;
      expect({ ...sent, metadata: undefined }).toEqual({ ...PACT, metadata: undefined });
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
    } finally {
      await broker.close();
    }
  }, 60_000);

  it('defaults the consumer version and branch to this checkout\'s git commit and branch', async () => {
    const broker = await startBrokerRecorder(PACT);
    try {
      const run = await runJobcert(['pact', 'publish'], { env: brokerEnv(broker) });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      const branch = execFileSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      const body = broker.requests.find((r) => r.path === '/contracts/publish')?.json as { pacticipantVersionNumber: string; branch?: string };
      expect(body.pacticipantVersionNumber).toBe(commit);
      if (branch !== 'HEAD') expect(body.branch).toBe(branch);
    } finally {
      await broker.close();
    }
  }, 60_000);
});

describe.concurrent('jobcert pact verify --publish', () => {
  let provider: RunningServer;
  let recorded: BrokerRecorder;
  let refusing: BrokerRecorder;
  let run: CliRun;
  let refused: CliRun;
  const out = mkdtempSync(join(tmpdir(), 'jobcert-pact-broker-'));
  const refusedOut = mkdtempSync(join(tmpdir(), 'jobcert-pact-broker-'));
  const args = (o: string): string[] => ['pact', 'verify', '--publish', '--provider-version', '2.0.0', '--provider-branch', 'main', '--target', provider.url, '--api-key', KEYS[0] as string,
    '--broke-api-key', KEYS[2] as string, '--video-url', MOCK_VIDEO_URL, '--failing-video-url', MOCK_FAILING_VIDEO_URL, '--quiet', '--out', o];

  beforeAll(async () => {
    provider = await startHttpServer(createEngine({ processingMs: 100 }));
    // The refusing broker serves a one-interaction pact: what matters there is the publication, not the verification.
    const oneInteraction = { ...PACT, interactions: (PACT.interactions as { description: string }[]).filter((i) => i.description === 'get a job that does not exist') };
    [recorded, refusing] = await Promise.all([startBrokerRecorder(PACT), startBrokerRecorder(oneInteraction, { withoutProviderLink: true })]);
    [run, refused] = await Promise.all([
      runJobcert(args(out), { env: brokerEnv(recorded), timeoutMs: 150_000 }),
      runJobcert(args(refusedOut), { env: brokerEnv(refusing), timeoutMs: 150_000 }),
    ]);
  }, 180_000);
  afterAll(async () => { await Promise.all([provider?.close(), recorded?.close(), refusing?.close()]); });

  it('verifies the broker\'s pacts and records the result for the provider version and branch', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const seen = recorded.requests.map((r) => `${r.method} ${r.path}`);
    expect(seen).toEqual(expect.arrayContaining([
      'POST /pacts/provider/jobs-api-v1/for-verification',
      'GET /pacts/provider/jobs-api-v1/consumer/jobcert-reference-client/pact-version/abc123',
      'PUT /pacticipants/jobs-api-v1/branches/main/versions/2.0.0',
      'POST /pacts/provider/jobs-api-v1/consumer/jobcert-reference-client/pact-version/abc123/verification-results',
    ]));
    const selection = recorded.requests.find((r) => r.method === 'POST' && r.path.endsWith('/for-verification'))?.json as { providerVersionBranch?: string; consumerVersionSelectors?: unknown[] };
    expect(selection.providerVersionBranch).toBe('main');
    expect(selection.consumerVersionSelectors).toEqual([{ mainBranch: true }, { deployedOrReleased: true }]);
    const result = recorded.requests.find((r) => r.path.endsWith('/verification-results'))?.json as { providerApplicationVersion: string; success: boolean };
    expect(result).toMatchObject({ providerApplicationVersion: '2.0.0', success: true });
    for (const r of recorded.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const doc = JSON.parse(readFileSync(join(out, 'compliance.json'), 'utf8')) as Compliance;
    expect(doc.summary.pass).toBe(19);
  });

  it('neither the API keys nor the broker token reach the broker\'s records of results, the console or the reports', () => {
    const brokerText = recorded.requests.filter((r) => r.path.endsWith('/verification-results')).map((r) => r.body).join('\n');
    for (const key of KEYS) expect(brokerText).not.toContain(key);
    const local = [run.stdout, run.stderr, refused.stdout, refused.stderr, readFileSync(join(out, 'compliance.json'), 'utf8'), readFileSync(join(out, 'pact-verifier.log'), 'utf8')].join('\n');
    for (const secret of [...KEYS, TOKEN]) expect(local).not.toContain(secret);
  });

  it('a result the broker did not take is an error (exit 1), not a pass', () => {
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    const doc = JSON.parse(readFileSync(join(refusedOut, 'compliance.json'), 'utf8')) as Compliance;
    expect(doc.checks.map((c) => [c.id, c.status])).toEqual([['pact.get-a-job-that-does-not-exist', 'pass'], ['pact.publish', 'error']]);
    const publish = doc.checks.find((c) => c.id === 'pact.publish');
    expect(publish?.message).toMatch(/Publishing of verification results failed.*pb:provider/);
    expect(refusing.requests.some((r) => r.path.endsWith('/verification-results'))).toBe(false);
  });
});
