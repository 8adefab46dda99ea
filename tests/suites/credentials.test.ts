// AUTH-2's near misses and misplaced keys (suites/lib/credentials.ts): each
// mutation kind derived deterministically, never equal to a valid key; the
// URL and cookie probes gated for remote targets; and the two checks run
// against the mock over loopback, clean (pass) and with each fault (fail),
// with no derived key in anything they report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { AUTH } from '../../suites/auth.suite.js';
import { RunSession, runChecks } from '../../suites/index.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { isLoopback, loggedProbes, misplacements, nearMisses, runNearMisses, secretsOf, toWire, type NearMissKind } from '../../suites/lib/credentials.js';
import { redactor } from '../../suites/lib/redact.js';
import { KEYS } from '../mock/harness.js';

const ALL_KINDS: NearMissKind[] = ['case-swapped', 'last-removed', 'char-appended', 'last-replaced', 'nbsp-appended', 'fullwidth-twin', 'canonical-twin'];

describe('near misses of a key (AUTH-2)', () => {
  const key = 'jc_Kelvin_7d1f0z';
  const misses = nearMisses(key, 'primary', [key]);
  const of = (kind: NearMissKind): string => misses.find((m) => m.kind === kind)?.value ?? 'absent';

  it('derives each mutation kind, deterministically, each named by what was done and never by its value', () => {
    expect(misses.map((m) => m.kind)).toEqual(ALL_KINDS);
    expect(nearMisses(key, 'primary', [key])).toEqual(misses);
    for (const m of misses) {
      expect(m.label).toMatch(/^the primary key /);
      expect(m.label).not.toContain(key);
      expect(m.label).not.toContain(m.value);
    }
  });

  it('each kind is the mutation it says', () => {
    expect(of('case-swapped')).toBe('JC_kELVIN_7D1F0Z');
    expect(of('last-removed')).toBe('jc_Kelvin_7d1f0');
    expect(of('char-appended')).toBe(`${key}a`);
    expect(of('last-replaced')).toBe('jc_Kelvin_7d1f0a');
    expect(of('nbsp-appended')).toBe(`${key}\u00a0`);
    expect(of('nbsp-appended').trim(), 'a Unicode trim gives the key back').toBe(key);
    expect(of('fullwidth-twin')).toBe('jc_Kelvin_7d1f0\uff5a');
    expect(of('fullwidth-twin').normalize('NFKC')).toBe(key);
    expect(of('canonical-twin')).toBe('jc_\u212aelvin_7d1f0z');
    expect(of('canonical-twin').normalize('NFC')).toBe(key);
  });

  it('the canonical twin of a key with a precomposed letter is its decomposition; keys without one have none', () => {
    const accented = nearMisses('jc_caf\u00e9_01', 'primary', []).find((m) => m.kind === 'canonical-twin');
    expect(accented?.value).toBe('jc_cafe\u0301_01');
    expect(nearMisses('jc_plain_01', 'primary', []).map((m) => m.kind)).not.toContain('canonical-twin');
    expect(nearMisses('12345', 'primary', []).map((m) => m.kind), 'no letters, no case variant').not.toContain('case-swapped');
  });

  it('never yields a valid key, nor the same value twice', () => {
    // The second key is the primary with its last character replaced, the third the primary in upper case.
    const keys = { primary: 'jc_abc_9', alt: 'jc_abc_0', broke: 'JC_ABC_9' };
    const all = runNearMisses(keys);
    const valid = Object.values(keys);
    expect(all.filter((m) => valid.includes(m.value) || valid.includes(m.wire))).toEqual([]);
    const fromPrimary = all.filter((m) => m.role === 'primary').map((m) => m.kind);
    expect(fromPrimary).not.toContain('last-replaced');
    expect(fromPrimary).not.toContain('case-swapped');
    expect(new Set(all.map((m) => m.value)).size).toBe(all.length);
    for (const k of [KEYS.primary, 'a', 'Z', 'ß', '\u00e9']) {
      for (const m of nearMisses(k, 'primary', [k])) expect(m.value, `${m.kind} of ${JSON.stringify(k)}`).not.toBe(k);
    }
  });

  it('goes out as ISO-8859-1 when every character is one byte, else as its UTF-8 bytes; the non-ASCII ones are marked', () => {
    expect(toWire('abc\u00a0')).toBe('abc\u00a0');
    expect(toWire('ab\uff5a')).toBe('ab\u00ef\u00bd\u009a');
    for (const m of misses) expect(m.nonAscii, m.kind).toBe(['nbsp-appended', 'fullwidth-twin', 'canonical-twin'].includes(m.kind));
  });

  it('the redactor hides each derived key and its wire form, also as JSON with \\u escapes', () => {
    const redact = redactor([key, ...misses.flatMap(secretsOf)]);
    const asciiJson = (v: string): string => JSON.stringify(v).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    for (const m of misses) {
      expect(redact(`x-api-key: ${m.wire}`), m.kind).toBe('x-api-key: <redacted>');
      expect(redact(JSON.stringify({ key: m.value })), m.kind).toBe('{"key":"<redacted>"}');
      expect(redact(`{"key":"${asciiJson(m.value)}"}`), m.kind).toBe('{"key":"<redacted>"}');
    }
  });
});

describe('a valid key in the wrong place (AUTH-2)', () => {
  const config = (target: string, over: Partial<RunConfig> = {}): RunConfig => ({
    target, embedded: null, keys: { primary: 'jc_p', broke: 'jc_b' }, videos: [], profile: 'quick', jobTimeoutS: 5, requestTimeoutMs: 1000,
    deadlineAt: Date.now() + 60_000, concurrency: 1, burstMax: 100, promptPolicy: 'required', ...over,
  });

  it('places the key in Bearer, Basic, three query parameters and a cookie; only the query and cookie are logged', () => {
    const probes = misplacements('jc_p', '/v1/jobs');
    expect(probes.map((p) => [p.where, p.logged])).toEqual([
      ['in Authorization: Bearer', false], ['in Authorization: Basic (as the user name)', false],
      ['in the query parameter api_key', true], ['in the query parameter key', true], ['in the query parameter apikey', true], ['in a cookie (api_key)', true],
    ]);
    expect(probes[1]?.headers.authorization).toBe(`Basic ${Buffer.from('jc_p:').toString('base64')}`);
    expect(probes[1]?.secrets).toEqual([Buffer.from('jc_p:').toString('base64')]);
    expect(probes[3]?.path).toBe('/v1/jobs?key=jc_p');
  });

  it('--probe-credentials-in-url (JOBCERT_PROBE_CREDENTIALS_IN_URL, config probeCredentialsInUrl) is off unless given', async () => {
    const { resolveOptions } = await import('../../scripts/certify/options.js');
    expect(resolveOptions({}, {}).run.probeCredentialsInUrl).toBeUndefined();
    expect(resolveOptions({ probeCredentialsInUrl: true }, {}).run.probeCredentialsInUrl).toBe(true);
    expect(resolveOptions({}, { JOBCERT_PROBE_CREDENTIALS_IN_URL: 'true' }).run.probeCredentialsInUrl).toBe(true);
    expect(() => resolveOptions({}, { JOBCERT_PROBE_CREDENTIALS_IN_URL: 'yes please' })).toThrow(/JOBCERT_PROBE_CREDENTIALS_IN_URL must be true or false/);
  });

  it('tells loopback from remote targets', () => {
    for (const t of ['http://127.0.0.1:8080', 'http://localhost:1', 'http://[::1]:9', 'http://api.localhost', 'http://127.9.8.7']) expect(isLoopback(t), t).toBe(true);
    for (const t of ['https://staging.example.com', 'http://10.0.0.1', 'http://128.0.0.1', 'http://localhost.example.com', 'not a url']) expect(isLoopback(t), t).toBe(false);
  });

  it('sends the URL and cookie probes with the primary key to loopback and the embedded mock; to a remote target only when asked, with the no-credit key', () => {
    expect(loggedProbes(config('http://127.0.0.1:9'))).toEqual({ role: 'primary', key: 'jc_p' });
    expect(loggedProbes(config('https://example.com', { embedded: { transport: 'msw', faults: [], variants: [], processingMs: 1 } }))).toEqual({ role: 'primary', key: 'jc_p' });
    expect(loggedProbes(config('https://staging.example.com'))).toEqual({ skipped: expect.stringContaining('--probe-credentials-in-url') });
    expect(loggedProbes(config('https://staging.example.com', { probeCredentialsInUrl: true }))).toEqual({ role: 'broke', key: 'jc_b' });
    expect(loggedProbes(config('https://staging.example.com', { probeCredentialsInUrl: true, keys: { primary: 'jc_p' } }))).toEqual({ skipped: expect.stringContaining('--broke-api-key') });
  });
});

describe('the AUTH-2 checks against the mock over loopback', () => {
  const CHECKS = ['auth.near-miss-keys', 'auth.key-in-wrong-place'];
  const servers: RunningServer[] = [];
  afterAll(async () => { await Promise.all(servers.map((s) => s.close())); });

  async function run(faults: string[]) {
    const server = await startHttpServer(createEngine({ faults, rateLimit: false }));
    servers.push(server);
    const config: RunConfig = {
      target: server.url, embedded: null, keys: { ...KEYS, alt: KEYS.second }, videos: [], profile: 'quick', jobTimeoutS: 5, requestTimeoutMs: 5000,
      deadlineAt: Date.now() + 30_000, concurrency: 2, burstMax: 100, promptPolicy: 'required',
    };
    const session = new RunSession(config);
    const { results } = await runChecks(AUTH.checks(config).filter((c) => CHECKS.includes(c.id)), session, { concurrency: 2 });
    session.dispose();
    return Object.fromEntries(results.map((r) => [r.id, r]));
  }

  let clean: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => { clean = await run([]); });

  it('both pass on the clean mock, every probe sent', () => {
    expect(clean['auth.near-miss-keys']).toMatchObject({ status: 'pass', message: 'passed' });
    expect(clean['auth.near-miss-keys']?.requests).toBe(runNearMisses({ ...KEYS, alt: KEYS.second }).length);
    expect(clean['auth.key-in-wrong-place']).toMatchObject({ status: 'pass', message: 'passed', requests: 6 });
  });

  it.each([
    ['auth-key-case-insensitive', 'auth.near-miss-keys', /the primary key with the case of its letters swapped must answer 401 invalid_api_key; got 200/],
    ['auth-key-prefix-match', 'auth.near-miss-keys', /the primary key with one more character at its end must answer 401/],
    ['auth-key-trimmed', 'auth.near-miss-keys', /the primary key followed by a no-break space .* must answer 401/],
    ['auth-key-normalized', 'auth.near-miss-keys', /the primary key with one character in its fullwidth form .* must answer 401/],
    ['auth-bearer-accepted', 'auth.key-in-wrong-place', /the primary key in Authorization: Bearer must answer 401 missing_api_key; got 200/],
    ['auth-query-key-accepted', 'auth.key-in-wrong-place', /the primary key in the query parameter api_key must answer 401/],
    ['auth-cookie-key-accepted', 'auth.key-in-wrong-place', /the primary key in a cookie \(api_key\) must answer 401/],
  ])('%s fails %s', async (fault, id, message) => {
    const result = (await run([fault]))[id];
    expect(result?.status).toBe('fail');
    expect(result?.message).toMatch(message);
    expect(result?.finding?.rule).toBe('AUTH-2');
  });

  it('reports no key and no near miss of one, in any form', async () => {
    const runs = [clean, await run(['auth-key-prefix-match', 'auth-key-trimmed']), await run(['auth-query-key-accepted'])];
    const text = JSON.stringify(runs);
    const keys = { ...KEYS, alt: KEYS.second };
    const secrets = [...Object.values(keys), ...runNearMisses(keys).flatMap(secretsOf), ...misplacements(KEYS.primary, '/').flatMap((p) => p.secrets)];
    for (const s of secrets) for (const form of [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)]) expect(text.includes(form), `a secret leaked (${form.length} chars)`).toBe(false);
    expect(text).toContain('<redacted>');
  });
});
