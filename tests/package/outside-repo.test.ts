// The package works outside this repository: `npm pack` (prepack builds dist/),
// installed into an empty folder elsewhere, offline, with its dependencies
// from the npm cache that `npm ci` filled (consumer-lock.ts) and nothing from the clone, then used as a CI job or a partner
// would: `npx jobcert --version`, `npx jobcert certify` against the embedded
// mock, `npx jobcert mock --port 0`, and the programmatic API and types from
// TypeScript. Sizes and the --help start time are printed for the record.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../certify/run-certify.js';
import { consumerLock } from './consumer-lock.js';

let project = '';
let tarball = '';

function npx(args: string[], opts: { timeoutMs?: number } = {}) {
  return spawnSync('npx', ['--no-install', 'jobcert', ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: opts.timeoutMs ?? 60_000 });
}

function du(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    total += entry.isDirectory() ? du(p) : entry.isFile() ? statSync(p).size : 0;
  }
  return total;
}

beforeAll(() => {
  const packs = mkdtempSync(join(tmpdir(), 'jobcert-pack-'));
  const out = execFileSync('npm', ['pack', '--pack-destination', packs, '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  tarball = join(packs, out.trim().split('\n').pop() as string);
  project = mkdtempSync(join(tmpdir(), 'jobcert-consumer-'));
  const extra = { '@types/node': '20.19.43', typescript: '5.9.3' };
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { jobcert: `file:${tarball}`, ...extra } }));
  writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock(ROOT, tarball, extra), null, 2));
  // Offline, from the cache `npm ci` filled: npm test needs no network.
  const install = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, timeout: 300_000, encoding: 'utf8' });
  if (install.status !== 0) {
    throw new Error(`installing the packed tarball offline from the npm cache failed (run \`npm ci\` in the repository first, so the cache holds every dependency): ${(install.stderr || install.stdout).trim().split('\n').slice(0, 6).join(' | ')}`);
  }
}, 480_000);

describe('jobcert installed from its tarball into an empty project', () => {
  it('is a real package: compiled JavaScript and types, no sources or tests, no tsx at run time', () => {
    const pkg = join(project, 'node_modules/jobcert');
    expect(existsSync(join(pkg, 'dist/scripts/cli.js'))).toBe(true);
    expect(existsSync(join(pkg, 'dist/scripts/api.d.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'dist/contracts/openapi.yaml'))).toBe(true);
    for (const absent of ['scripts', 'tests', 'bench', 'suites', 'contracts']) expect(existsSync(join(pkg, absent)), absent).toBe(false);
    expect(existsSync(join(project, 'node_modules/tsx')), 'tsx is not a runtime dependency').toBe(false);
    const t0 = performance.now();
    spawnSync(process.execPath, [join(pkg, 'bin/jobcert.js'), '--help'], { encoding: 'utf8' });
    console.log(`tarball ${(statSync(tarball).size / 1024).toFixed(0)} KiB; installed node_modules ${(du(join(project, 'node_modules')) / 1024 / 1024).toFixed(0)} MiB (jobcert itself ${(du(pkg) / 1024 / 1024).toFixed(1)} MiB); jobcert --help ${Math.round(performance.now() - t0)} ms`);
  });

  it('npx jobcert --version', () => {
    const r = npx(['--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('npx jobcert certify against the embedded mock: exit 0 and four reports', () => {
    const r = npx(['certify', '--quiet', '--out', 'reports'], { timeoutMs: 240_000 });
    expect(r.status, `${r.stdout.slice(-2000)}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/verdict PASS/);
    for (const f of ['compliance.json', 'compliance.md', 'compliance.html', 'junit.xml']) expect(existsSync(join(project, 'reports', f)), f).toBe(true);
  }, 300_000);

  it('npx jobcert mock --port 0 answers /health', async () => {
    // Its own process group: npx runs the mock as a grandchild, which a signal to npx alone leaves serving.
    const child = spawn('npx', ['--no-install', 'jobcert', 'mock', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL: ${out}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) { clearTimeout(timer); resolve(m[1] as string); }
        });
      });
      const res = await fetch(`${url}/health`);
      expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
    } finally {
      const group = -(child.pid as number);
      const exited = new Promise<void>((resolve) => { if (child.exitCode !== null || child.signalCode !== null) resolve(); else child.once('exit', () => resolve()); });
      try { process.kill(group, 'SIGINT'); } catch { /* already gone */ }
      const reaper = setTimeout(() => { try { process.kill(group, 'SIGKILL'); } catch { /* already gone */ } }, 5_000);
      await exited;
      // The mock itself, not only npx, goes: the group empties (the reaper's SIGKILL at the latest).
      const alive = (): boolean => { try { process.kill(group, 0); return true; } catch { return false; } };
      for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
      clearTimeout(reaper);
      expect(alive(), 'the npx process group is reaped').toBe(false);
    }
  }, 60_000);

  it('the programmatic API, the client and the mock import from TypeScript (tsc --noEmit)', () => {
    writeFileSync(join(project, 'consumer.ts'), `
import { certify, resolveOptions, VERSION, type CheckResult, type Compliance } from 'jobcert';
import { createClient, ApiError } from 'jobcert/client';
import { createEngine, startHttpServer } from 'jobcert/mock';

const options = resolveOptions({ only: 'AUTH' }, {});
const run: Promise<number> = certify(options, VERSION);
const engine = createEngine({ variants: ['retry-after-date'] });
const client = createClient({ baseUrl: 'http://127.0.0.1:4010', apiKey: 'k' });
const failed = (doc: Compliance): CheckResult[] => doc.checks.filter((c) => c.status === 'fail');
export { run, engine, client, failed, startHttpServer, ApiError };
`);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, types: ['node'] }, files: ['consumer.ts'] }));
    const r = spawnSync(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 150_000);
});
