// `jobcert load` settings: flags > env > config file, defaults, and a clear
// UsageError (exit 2, one line) for every bad value.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPS } from '../../load/guards.js';
import { DEFAULT_THRESHOLDS } from '../../load/thresholds.js';
import { UsageError } from '../../scripts/cli-errors.js';
import { resolveLoadOptions, type LoadFlags } from '../../scripts/load/options.js';

const config = (content: unknown): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'jobcert-cfg-')), 'jobcert.config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const EXT = { target: 'http://127.0.0.1:9', apiKey: 'k1', videoUrl: 'https://cdn.example.com/a.mp4' };

describe('jobcert load options', () => {
  it('defaults: the embedded mock, every scenario, documented thresholds and caps, rate limit off, the default plan (no rate, no duration)', () => {
    const o = resolveLoadOptions({}, {});
    expect(o).toMatchObject({
      keys: [], scenarios: ['poll', 'start', 'mixed'], connections: 10, warmupS: 1, timeoutMs: 10_000, thresholds: [...DEFAULT_THRESHOLDS], quiet: false, findCapacity: false,
      guards: { ...DEFAULT_CAPS, allowLoad: false, productionHosts: ['api.removebgvideo.com'] }, mock: { faults: [], variants: [], rateLimit: false },
    });
    expect(o.target).toBeUndefined();
    expect(o.rate).toBeUndefined();
    expect(o.durationS).toBeUndefined();
  });

  it('the open model: --rate (fractions too), --stages in k6 form, --closed-loop; and each refuses the others', () => {
    expect(resolveLoadOptions({ rate: '12.5' }, {}).rate).toBe(12.5);
    expect(resolveLoadOptions({ stages: '10s:50, 1m:50,5s:0' }, {}).stages).toEqual([{ durationS: 10, target: 50 }, { durationS: 60, target: 50 }, { durationS: 5, target: 0 }]);
    expect(resolveLoadOptions({ closedLoop: true }, {}).rate).toBe('closed');
    expect(resolveLoadOptions({ mockVariant: ['bucket-10'] }, {}).mock.variants).toEqual(['bucket-10']);
    expect(() => resolveLoadOptions({ rate: '5', stages: '10s:5' }, {})).toThrow(/--rate and --stages both set the rate/);
    expect(() => resolveLoadOptions({ closedLoop: true, rate: '5' }, {})).toThrow(/--closed-loop sends as fast as answers come/);
    expect(() => resolveLoadOptions({ stages: '10s:5', duration: '3' }, {})).toThrow(/--stages set the duration/);
    expect(() => resolveLoadOptions({ stages: 'ten:5' }, {})).toThrow(/"ten:5" is not duration:rate/);
    expect(() => resolveLoadOptions({ stages: '10s:0' }, {})).toThrow(/every stage has rate 0/);
    expect(() => resolveLoadOptions({ findCapacity: true, closedLoop: true }, {})).toThrow(/--find-capacity steps an open-model rate/);
    expect(() => resolveLoadOptions({ mockVariant: ['bucket-10'], mockRateLimit: true }, {})).toThrow(/sets the mock's limit/);
    expect(() => resolveLoadOptions({ mockVariant: ['nope'] }, {})).toThrow(/unknown variant "nope"/);
    expect(() => resolveLoadOptions({ ...EXT, mockVariant: ['bucket-10'] }, {})).toThrow(/apply to the embedded mock only/);
  });

  it('flags win over the environment, which wins over the file; keys are spread in order and never duplicated', () => {
    const file = config({ target: 'http://127.0.0.1:1', apiKey: 'file-key', loadApiKeys: ['f2'], allowLoad: true, connections: 3, thresholds: ['p95<100'], productionHosts: ['prod.example.com'], profile: 'full', videoUrl: ['short=https://cdn.example.com/s.mp4'] });
    const o = resolveLoadOptions({ config: file, target: 'http://127.0.0.1:2', loadApiKey: ['k3', 'k4'], connections: '7' }, { JOBCERT_API_KEY: 'env-key', JOBCERT_ALT_API_KEY: 'alt', JOBCERT_TARGET: 'http://127.0.0.1:3' });
    expect(o).toMatchObject({ target: 'http://127.0.0.1:2', keys: ['env-key', 'alt', 'k3', 'k4'], connections: 7, thresholds: ['p95<100'], videoUrl: 'https://cdn.example.com/s.mp4' });
    expect(o.guards).toMatchObject({ allowLoad: true, productionHosts: ['prod.example.com'] });
    expect(resolveLoadOptions({ config: file }, { JOBCERT_PRODUCTION_HOSTS: ' A.example.com , b.example.com' }).guards.productionHosts).toEqual(['a.example.com', 'b.example.com']);
    expect(resolveLoadOptions({ ...EXT }, { JOBCERT_LOAD_API_KEYS: 'x1,x2' }).keys).toEqual(['k1', 'x1', 'x2']);
  });

  it.each<[string, LoadFlags, RegExp]>([
    ['an unknown scenario', { scenario: 'poll,soak' }, /--scenario: unknown scenario "soak"/],
    ['a threshold that does not parse', { threshold: ['p99 < fast'] }, /--threshold "p99 < fast": expected \[scenario/],
    ['a threshold with an unknown metric', { threshold: ['latency<5'] }, /unknown metric "latency"/],
    ['a non-numeric rate', { rate: 'fast' }, /--rate must be a number from 0.1 to 1000000, got "fast"/],
    ['zero connections', { connections: '0' }, /--connections must be an integer from 1 to 1000/],
    ['a fractional duration', { duration: '1.5' }, /--duration must be an integer/],
    ['a target that is not http', { target: 'ftp://127.0.0.1' }, /--target must use http or https, not ftp/],
    ['--target without a key', { target: 'http://127.0.0.1:9', videoUrl: 'https://cdn.example.com/a.mp4' }, /--target needs --api-key/],
    ['--target without a clip', { target: 'http://127.0.0.1:9', apiKey: 'k' }, /--target needs --video-url/],
    ['the same key twice', { ...EXT, loadApiKey: ['k1'] }, /must differ/],
    ['a mock fault with --target', { ...EXT, mockFault: ['load-latency'] }, /apply to the embedded mock only/],
    ['an unknown mock fault', { mockFault: ['slow'] }, /--mock-fault: unknown fault "slow"/],
    ['--mock-latency-ms without its fault', { mockLatencyMs: '50' }, /add that fault/],
    ['an export format other than k6', { export: 'jmeter', out: 'x.js' }, /--export: only k6/],
    ['--export without --out', { export: 'k6' }, /--export k6 needs --out FILE/],
  ])('refuses %s', (_name, flags, message) => {
    expect(() => resolveLoadOptions(flags, {})).toThrow(UsageError);
    expect(() => resolveLoadOptions(flags, {})).toThrow(message);
  });

  it('refuses a config file that is missing, not JSON, or has an unknown key or a wrong type', () => {
    expect(() => resolveLoadOptions({ config: '/nonexistent/jobcert.config.json' }, {})).toThrow(/no such file/);
    expect(() => resolveLoadOptions({ config: config('{nope') }, {})).toThrow(/not valid JSON/);
    expect(() => resolveLoadOptions({ config: config({ allowLoads: true }) }, {})).toThrow(/unknown key "allowLoads"/);
    expect(() => resolveLoadOptions({ config: config({ allowLoad: 'yes' }) }, {})).toThrow(/key "allowLoad" must be true or false, got "yes"/);
  });
});
