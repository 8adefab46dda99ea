// Issue 20: `incomplete` is a verdict. A run against a provider (a loopback mock
// over HTTP) without --alt-api-key cannot judge AUTH-4: it exits 4, and every
// report says which rule went unjudged and which input would judge it. Left out
// on purpose (--skip AUTH-4), or with the key given, the same run passes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS } from '../../mocks/engine/accounts.js';
import { createEngine, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { runCertify } from './run-certify.js';

let mock: RunningServer;
beforeAll(async () => { mock = await startHttpServer(createEngine({})); });
afterAll(async () => { await mock.close(); });

const [primary, second] = DEFAULT_ACCOUNTS;
const args = (...more: string[]): string[] => ['--target', mock.url, '--api-key', primary!.key, '--video-url', 'https://media.example.com/v.mp4?duration=2', '--only', 'AUTH', '--skip', 'FUZZ', '--quiet', ...more];

describe.concurrent('certify: a run that did not judge what it claims is incomplete (exit 4)', () => {
  it('no --alt-api-key: AUTH-4 unjudged, exit 4, named with its input in every report', async () => {
    const run = await runCertify(args());
    expect(run.code, run.stderr).toBe(4);
    expect(run.doc?.verdict).toBe('incomplete');
    const auth4 = run.doc?.completeness?.unjudged.find((u) => u.rule === 'AUTH-4');
    expect(auth4).toMatchObject({ level: 'must', judge_with: expect.stringMatching(/--alt-api-key/) });
    expect(auth4?.excused).toBeUndefined();
    expect(run.stdout).toMatch(/verdict INCOMPLETE/);
    expect(run.stdout).toMatch(/AUTH-4 \(MUST\) not judged/);
    const md = readFileSync(join(run.out, 'compliance.md'), 'utf8');
    expect(md).toMatch(/# jobcert compliance: .* INCOMPLETE/);
    expect(md).toMatch(/\| AUTH-4 \| must \| .*--alt-api-key.* \| \*\*yes\*\* \|/);
    const html = readFileSync(join(run.out, 'compliance.html'), 'utf8');
    expect(html).toMatch(/<tr class="gating"><td>AUTH-4<\/td>/);
    // The overview's coverage matrix: AUTH-4 in red, the rules --only left out shown as excused, not as holding.
    expect(html).toMatch(/<tr class="cov unjudged gating" data-rule="AUTH-4">/);
    expect(html).toMatch(/<tr class="cov excused" data-rule="RATE-1">/);
    expect(md).toMatch(/\*\*1 MUST rule not judged: AUTH-4\*\*/);
    expect(readFileSync(join(run.out, 'junit.xml'), 'utf8')).toMatch(/<error message="AUTH-4 \(MUST\) not judged[^"]*" type="incomplete">/);
    // What makes the run checkable later, without its key.
    const p = run.doc?.provenance;
    expect(p?.spec_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(p?.settings).toMatchObject({ keys: { primary: 'given', alt: 'absent' }, only: ['AUTH'] });
    expect(JSON.stringify(run.doc)).not.toContain(primary!.key);
  }, 90_000);

  it('AUTH-4 left out on purpose (--skip): the same run passes', async () => {
    const run = await runCertify(args('--skip', 'FUZZ,AUTH-4'));
    expect(run.code, run.stdout.slice(-800)).toBe(0);
    expect(run.doc?.completeness?.unjudged.find((u) => u.rule === 'AUTH-4')?.excused).toBe('selection');
  }, 90_000);

  it('with the second key given, AUTH-4 is judged and the run passes', async () => {
    const run = await runCertify(args('--alt-api-key', second!.key));
    expect(run.code, run.stdout.slice(-800)).toBe(0);
    expect(run.doc?.verdict).toBe('pass');
  }, 90_000);
});
