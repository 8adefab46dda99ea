import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathnameOf } from '../../suites/lib/pathname.js';

describe('pathnameOf (the recording client\'s path without the URL parser)', () => {
  it('agrees with new URL().pathname on arbitrary URLs, dot segments and odd characters included', () => {
    const segment = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 4 }), fc.constantFrom('.', '..', '%2e', '%2E%2e', '.%2e', 'job_1', '', 'a b', 'é', '?', '#', '\\', '%zz', '@'));
    const base = fc.constantFrom('http://127.0.0.1:3000', 'http://localhost', 'https://u:p@h:1/base', 'http://[::1]:8080', 'HTTP://127.0.0.1');
    fc.assert(fc.property(base, fc.array(segment, { maxLength: 5 }), fc.option(fc.string()), (b, segments, query) => {
      const url = `${b}/${segments.join('/')}${query !== null ? `?${query}` : ''}`;
      let expected: string;
      try { expected = new URL(url).pathname; } catch { return; }
      expect(pathnameOf(url)).toBe(expected);
    }), { numRuns: 5000, seed: 20261127 });
  });

  it('takes the fast path for the paths jobcert builds and still rewrites what the parser rewrites', () => {
    expect(pathnameOf('http://127.0.0.1:4010/v1/jobs/job_01H%2F/start?x=1')).toBe('/v1/jobs/job_01H%2F/start');
    expect(pathnameOf('http://127.0.0.1:4010')).toBe('/');
    expect(pathnameOf('http://127.0.0.1:4010/v1/jobs/../usage')).toBe('/v1/usage');
    expect(pathnameOf('http://127.0.0.1:4010/v1/a b')).toBe('/v1/a%20b');
  });
});
