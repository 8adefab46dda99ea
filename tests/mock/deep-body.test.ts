// ERR-3 under hostile bodies, with the VAL faults on too: the faults' relaxed
// validation must not walk (or clone) what it does not change, or a body of
// 5,000 nested objects overflows the stack and the mock answers 500. The mock
// runs deep in msw's stack when certify brings it up in-process, so the test
// calls it with most of the stack already used.
import { describe, expect, it } from 'vitest';
import { createEngine, DEFAULT_ACCOUNTS } from '../../mocks/index.js';

const DEPTH = 5_000;
const nested = `{"video_url":"https://media.example.com/clips/short.mp4?duration=5","composition":${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}`;

/** How many frames of a small function fit on this thread's stack. */
function frames(): number {
  let n = 0;
  const dive = (): void => { n++; dive(); };
  try { dive(); } catch { /* the limit */ }
  return n;
}

/** Runs `fn` with room for only ~SPARE frames left, as a call deep in msw's handler chain has. */
function withLittleStack<T>(fn: () => T): T {
  // Measured: the clean path needs under 4,000 of these frames; a deep clone of the body needs more than 9,000.
  const SPARE = 6000;
  const target = frames() - SPARE;
  const dive = (depth: number): T => (depth >= target ? fn() : dive(depth + 1));
  return dive(0);
}

describe('a body nested 5,000 deep, handled deep in a stack (ERR-3)', () => {
  for (const faults of [[], ['val-offset-y-off-by-one'], ['val-unknown-fields-accepted'], ['val-ranges-unchecked']] as const) {
    it(`gets 400 invalid_request, not a 5xx${faults.length ? ` (${faults[0]})` : ''}`, () => {
      const engine = createEngine({ faults: [...faults] });
      const res = withLittleStack(() => engine.handle({ method: 'POST', url: '/v1/jobs', headers: { 'x-api-key': DEFAULT_ACCOUNTS[0]!.key, 'content-type': 'application/json' }, body: new TextEncoder().encode(nested) }));
      expect([res.status, (res.body as { error?: { code?: string } } | undefined)?.error?.code ?? JSON.parse(String(res.body ?? '{}')).error?.code]).toEqual([400, 'invalid_request']);
    });
  }
});
