// The engine on checks that send nothing: what a check throws becomes its
// status and message (a cited rule broken is a fail with a finding; a rule it
// relies on is not judged), missing inputs skip, at most `concurrency` run at
// once, --shuffle changes the order but never the set, a stop reports every
// check (unfinished or not run), and two sessions share no state.
import { describe, expect, it } from 'vitest';
import { defineCheck, RunSession, runChecks, type CheckDefinition } from '../../suites/index.js';
import type { RunConfig } from '../../suites/lib/config.js';
import { broken, fail, NotJudged } from '../../suites/lib/errors.js';
import type { CheckResult } from '../../core/results.js';

const config = (over: Partial<RunConfig> = {}): RunConfig => ({
  target: 'http://127.0.0.1:9', embedded: null, keys: { primary: 'jc_primary_key' }, videos: [{ label: 'short', url: 'https://media.example.com/a.mp4' }],
  profile: 'quick', jobTimeoutS: 5, requestTimeoutMs: 1000, deadlineAt: Date.now() + 60_000, concurrency: 2, burstMax: 100, promptPolicy: 'required', ...over,
});
const pass = (id: string, rules: string[] = ['AUTH-1']): CheckDefinition => defineCheck({ id, rules, title: id, run: async () => {} });
const byId = (results: CheckResult[]): Record<string, CheckResult> => Object.fromEntries(results.map((r) => [r.id, r]));

describe('engine', () => {
  it('turns what a check throws into a status, blaming only the rules it cites', async () => {
    const checks = [
      pass('auth.ok'),
      defineCheck({ id: 'idem.cited', rules: ['IDEM-1'], title: 't', run: async () => broken('IDEM-1', 'a retried start was not replayed') }),
      defineCheck({ id: 'idem.relied', rules: ['IDEM-3'], title: 't', run: async () => broken('AUTH-1', 'the primary key was refused') }),
      defineCheck({ id: 'val.words', rules: ['VAL-1'], title: 't', run: async () => fail('VAL-1: a valid body is accepted; got 400', { rule: 'VAL-1', requires: 'a valid body is accepted', observed: 'got 400' }) }),
      defineCheck({ id: 'obs.not-judged', rules: ['OBS-1'], title: 't', run: async () => { throw new NotJudged('not judged: no log source'); } }),
      defineCheck({ id: 'err.crash', rules: ['ERR-1'], title: 't', run: async () => { throw new TypeError('boom'); } }),
      // A check that tripped over an answer it could not read is blamed on that answer (client.ts, Reply.unusable), not on a TypeError.
      defineCheck({ id: 'obs.tripped', rules: ['OBS-3'], title: 't', run: async ({ recorder }) => {
        recorder.unusable.push({ blame: 'SCHEMA', why: 'POST /v1/jobs → 200: the body is not a JSON object (text/html): <html>' });
        throw new TypeError("Cannot read properties of undefined (reading 'id')");
      } }),
      defineCheck({ id: 'life.needs', rules: ['LIFE-5'], title: 't', needs: ['broke'], run: async () => { throw new Error('must not run'); } }),
      defineCheck({ id: 'rate.headers', rules: ['RATE-6'], title: 't', run: async () => {} }),
    ];
    const session = new RunSession(config());
    const { results } = await runChecks(checks, session, { concurrency: 3 });
    session.dispose();
    const r = byId(results);
    expect(results.map((c) => c.id), 'one result per check, in the registry order').toEqual(checks.map((c) => c.id));
    expect(r['auth.ok']).toMatchObject({ status: 'pass', family: 'AUTH', level: 'must' });
    expect(r['idem.cited']).toMatchObject({ status: 'fail', message: 'IDEM-1: a retried start was not replayed', finding: { rule: 'IDEM-1', observed: 'a retried start was not replayed' } });
    expect(r['idem.cited']!.finding!.requires).toMatch(/replays with Idempotent-Replayed/);
    expect(r['idem.relied']).toMatchObject({ status: 'error', message: 'not judged: the primary key was refused' });
    expect(r['val.words']).toMatchObject({ status: 'fail', finding: { rule: 'VAL-1', requires: 'a valid body is accepted', observed: 'got 400' } });
    expect(r['obs.not-judged']).toMatchObject({ status: 'error', message: 'not judged: no log source' });
    expect(r['err.crash']).toMatchObject({ status: 'error', message: 'harness could not judge: TypeError: boom' });
    expect(r['obs.tripped']).toMatchObject({ status: 'error', message: 'not judged: SCHEMA: POST /v1/jobs → 200: the body is not a JSON object (text/html): <html>' });
    expect(r['life.needs']).toMatchObject({ status: 'skip', message: 'needs --broke-api-key (a key with no credits)' });
    expect(r['rate.headers']?.level, 'a check citing only SHOULD rules is a SHOULD').toBe('should');
  });

  it('runs at most `concurrency` checks at once, and --shuffle runs the same set in another order', async () => {
    let now = 0;
    let most = 0;
    const started: string[] = [];
    const slow = (id: string): CheckDefinition => defineCheck({ id, rules: [], title: id, run: async () => {
      started.push(id);
      most = Math.max(most, ++now);
      await new Promise((r) => setImmediate(r));
      now--;
    } });
    const checks = Array.from({ length: 12 }, (_, i) => slow(`schema.c${i}`));
    const session = new RunSession(config());
    await runChecks(checks, session, { concurrency: 3 });
    expect(most).toBe(3);
    expect(started).toEqual(checks.map((c) => c.id));
    started.length = 0;
    const { results } = await runChecks(checks, session, { concurrency: 3, shuffle: 42 });
    session.dispose();
    expect(started).not.toEqual(checks.map((c) => c.id));
    expect([...started].sort()).toEqual(checks.map((c) => c.id).sort());
    expect(results.map((c) => c.id), 'reported in the registry order whatever the start order').toEqual(checks.map((c) => c.id));
  });

  it('a stop reports every check: finished ones as they ended, the running one unfinished, the rest not run', async () => {
    let release!: (why: string) => void;
    const stopped = new Promise<string>((r) => { release = r; });
    const session = new RunSession(config());
    const waits = defineCheck({ id: 'life.waits', rules: ['LIFE-3'], title: 't', run: ({ signal }) => new Promise<void>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
      // The interrupt comes while this check waits.
      release('the run was interrupted (SIGINT)');
    }) });
    stopped.then((why) => session.stop(new Error(why)), () => undefined);
    const { results } = await runChecks([pass('auth.first'), waits, pass('auth.after')], session, { concurrency: 1, stopped, windDownMs: 50 });
    session.dispose();
    expect(results.map((c) => [c.id, c.status, c.message])).toEqual([
      ['auth.first', 'pass', 'passed'],
      ['life.waits', 'error', 'unfinished: the run was interrupted (SIGINT) while it ran'],
      ['auth.after', 'error', 'not run: the run was interrupted (SIGINT) before it started'],
    ]);
  });

  it('past the run deadline no check starts, and each says so', async () => {
    const session = new RunSession(config({ deadlineAt: Date.now() - 1 }));
    await new Promise((r) => setImmediate(r));
    const { results } = await runChecks([pass('auth.late')], session, { concurrency: 2, deadlineReason: 'the run deadline (--max-duration 1 s) passed', deadlineGraceMs: 10 });
    session.dispose();
    expect(results[0]).toMatchObject({ status: 'error', message: 'not run: the run deadline (--max-duration 1 s) passed before it started' });
  });

  it('a check that runs last starts once every other has ended, shuffled or not (idem.ttl); a deadline before it leaves it not run', async () => {
    const ended = new Set<string>();
    let seenByLast: string[] = [];
    const others = Array.from({ length: 7 }, (_, i) => defineCheck({ id: `schema.c${i}`, rules: [], title: 't', run: async () => {
      await new Promise((r) => setTimeout(r, 2 + (i % 3)));
      ended.add(`schema.c${i}`);
    } }));
    const last = defineCheck({ id: 'idem.last', rules: ['IDEM-1'], title: 't', runsLast: true, run: async () => { seenByLast = [...ended]; } });
    // Declared first, so only the flag can hold it back.
    const checks = [last, ...others];
    for (const shuffle of [undefined, 1, 7, 42]) {
      ended.clear();
      seenByLast = [];
      const session = new RunSession(config());
      const { results } = await runChecks(checks, session, { concurrency: 3, ...(shuffle !== undefined ? { shuffle } : {}) });
      session.dispose();
      expect(seenByLast.sort(), `shuffle ${shuffle}`).toEqual(others.map((c) => c.id).sort());
      expect(results.map((c) => [c.id, c.status]), 'reported in the registry order').toEqual(checks.map((c) => [c.id, 'pass']));
    }
    const session = new RunSession(config({ deadlineAt: Date.now() + 30 }));
    const waits = defineCheck({ id: 'life.waits', rules: ['LIFE-3'], title: 't', run: ({ signal }) => new Promise<void>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }) });
    const { results } = await runChecks([last, waits], session, { concurrency: 2, deadlineReason: 'the run deadline passed', deadlineGraceMs: 10 });
    session.dispose();
    expect(results.map((c) => [c.id, c.status, c.message.split(':')[0]])).toEqual([['idem.last', 'error', 'not run'], ['life.waits', 'error', 'out of time']]);
  });

  it("openings go out before any check starts (idem.ttl's keyed write), each once, none for a skipped check", async () => {
    const events: string[] = [];
    const opener = defineCheck({ id: 'idem.opens', rules: ['IDEM-1'], title: 't', runsLast: true, opening: async () => { events.push('opening'); }, run: async () => { events.push('idem.opens'); } });
    const skipped = defineCheck({ id: 'idem.skipped', rules: ['IDEM-1'], title: 't', skip: 'not this run', opening: async () => { events.push('skipped opening'); }, run: async () => {} });
    const failing = defineCheck({ id: 'idem.bad-opening', rules: ['IDEM-1'], title: 't', opening: async () => { throw new Error('no answer'); }, run: async () => { events.push('idem.bad-opening'); } });
    const session = new RunSession(config());
    const { results } = await runChecks([pass('auth.first'), opener, skipped, failing], session, { concurrency: 2, shuffle: 3 });
    session.dispose();
    expect(events[0]).toBe('opening');
    expect(events.at(-1)).toBe('idem.opens');
    expect(events.filter((e) => e.endsWith(' opening') || e === 'opening')).toEqual(['opening']);
    expect(results.map((c) => c.status), "a failed opening is the check's to report, not the engine's").toEqual(['pass', 'pass', 'skip', 'pass']);
  });

  it('each session has its own key gates', () => {
    const a = new RunSession(config());
    const b = new RunSession(config());
    expect(a.gates.for('primary')).toBe(a.gates.for('primary'));
    expect(a.gates.for('primary')).not.toBe(b.gates.for('primary'));
    a.dispose();
    b.dispose();
  });
});
