import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/jobcert.js`;

function runToExit(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('jobcert mock', () => {
  it('starts on an ephemeral port with the given keys and faults, serves, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'mock', '--port', '0', '--api-key', 'k-one', '--alt-api-key', 'k-two', '--broke-api-key', 'k-three', '--fault', 'rate-no-limit', '--processing-ms', '10'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 15_000);
        child.stdout.on('data', () => {
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m && out.includes('Ctrl-C')) { clearTimeout(timer); resolve(m[1] as string); }
        });
      });
      expect(out).toMatch(/primary\s+key k-one/);
      expect(out).toMatch(/second\s+key k-two/);
      expect(out).toMatch(/zero-credit\s+key k-three/);
      expect(out).toMatch(/faults\s+rate-no-limit/);
      const ok = await fetch(`${url}/v1/jobs`, { headers: { 'x-api-key': 'k-one' } });
      expect(ok.status).toBe(200);
      const old = await fetch(`${url}/v1/jobs`, { headers: { 'x-api-key': 'jc_test_primary_7d1f0c' } });
      expect(old.status).toBe(401); // the default key was replaced (AUTH-2)
      const code = await new Promise<number | null>((resolve) => { child.on('exit', resolve); child.kill('SIGINT'); });
      expect(code).toBe(0);
    } finally {
      // Reaped whatever failed above: a mock left listening would outlive the test run.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it.each([
    [['mock', '--fault', 'no-such-fault'], /unknown fault "no-such-fault"; known faults: (?:[a-z0-9-]+, )*auth-accept-any-key, /],
    [['mock', '--port', 'http'], /--port must be an integer from 0 to 65535/],
    [['mock', '--rate-capacity', '0'], /--rate-capacity must be an integer from 1/],
    [['mock', '--host', '0.0.0.0'], /--host must be a loopback address/],
    [['mock', '--api-key', 'same', '--alt-api-key', 'same'], /the three API keys must differ/],
    [['mock', '--no-rate-limit', '--rate-capacity', '5'], /cannot be combined/],
    [['mock', '--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('usage error %j → exit 2, one clear line, no stack trace', (args, message) => {
    const r = runToExit(args as string[]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('a port in use is a clear usage error', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as { port: number }).port;
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const c = spawn(process.execPath, [BIN, 'mock', '--port', String(port)], { cwd: ROOT });
      let err = '';
      // A mock that started anyway would serve forever: bounded, then reaped.
      const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
      c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      c.on('exit', (code) => { clearTimeout(timer); resolve({ code, err }); });
    });
    blocker.close();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`port ${port} is in use`));
  });
});
