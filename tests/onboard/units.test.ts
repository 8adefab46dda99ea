// The onboarding parts that need no client: the seeded plan (replayable,
// complete, isolated conditions), the log matcher, the SHOULD gate, and the
// grader's timing boundaries on synthetic traffic (CLI-2, CLI-6, CLI-12).
import { describe, expect, it } from 'vitest';
import { CONDITION_NAMES, CONDITIONS } from '../../onboard/conditions.js';
import { grade, type GradeInput } from '../../onboard/grade/index.js';
import { ClientLog } from '../../onboard/log.js';
import { buildPlan, type Plan } from '../../onboard/plan.js';
import { buildCompliance } from '../../onboard/report.js';
import { Traffic, type Observed } from '../../onboard/traffic.js';

describe('the scenario plan (onboard/plan.ts)', () => {
  const plan = (seed: number, profile: 'quick' | 'full' = 'quick'): Plan => buildPlan({ seed, profile, holdMs: 12_000 });

  it('is a pure function of the seed: the same seed replays, another seed differs', () => {
    expect(plan(42)).toEqual(plan(42));
    expect(plan(42, 'full')).toEqual(plan(42, 'full'));
    expect(JSON.stringify(plan(42))).not.toBe(JSON.stringify(plan(43)));
  });

  it('quick has one of each quick condition; full repeats them and adds the combinations', () => {
    const quickOnes = CONDITION_NAMES.filter((c) => CONDITIONS[c].profiles.includes('quick'));
    for (const seed of [1, 2, 3, 99]) {
      expect(plan(seed).instances.map((i) => i.condition).sort()).toEqual([...quickOnes].sort());
      const full = plan(seed, 'full').instances.map((i) => i.condition);
      for (const c of quickOnes) expect(full.filter((x) => x === c)).toHaveLength(2);
      for (const c of ['burst-429', 'burst-5xx', 'throttled-then-lost']) expect(full).toContain(c);
    }
  });

  it('keeps conditions apart: no source mixes a create/start failure with later ones; the ending ones come last', () => {
    for (let seed = 0; seed < 50; seed++) {
      const p = plan(seed, seed % 2 ? 'full' : 'quick');
      for (const s of p.sources) {
        const slots = p.instances.filter((i) => i.source === s.name).flatMap((i) => i.slots);
        const early = slots.filter((x) => x.nth !== 'every' && (x.op === 'create' || x.op === 'start'));
        if (s.processing === 'normal' && early.length > 0) expect(slots.filter((x) => !early.includes(x)), `seed ${seed} ${s.name}`).toEqual([]);
        const keys = slots.map((x) => `${x.op}#${x.nth}`);
        expect(new Set(keys).size, `seed ${seed} ${s.name}`).toBe(keys.length);
      }
      const last = p.sources.slice(-2).flatMap((s) => p.instances.filter((i) => i.source === s.name).map((i) => i.condition));
      if (p.profile === 'quick') expect(last).toEqual(['never-finishes', 'revoked-key']);
      expect(p.sources.filter((s) => s.path.includes('fail')).map((s) => s.processing)).toEqual(p.sources.filter((s) => s.processing === 'fails').map(() => 'fails'));
    }
  });

  it('--scenarios plans only what was asked', () => {
    const p = buildPlan({ seed: 5, profile: 'quick', holdMs: 1000, only: ['redirect-output', 'insufficient-credits'] });
    expect(p.instances.map((i) => i.condition).sort()).toEqual(['insufficient-credits', 'redirect-output']);
    expect(p.sources).toHaveLength(2);
    expect(p.sources.find((s) => s.processing === 'too-expensive')?.durationS).toBeGreaterThan(3600);
  });
});

describe('the client log (onboard/log.ts)', () => {
  const log = new ClientLog([
    { n: 1, stream: 'stdout', t: 10, text: 'job_a started model=light' },
    { n: 2, stream: 'stderr', t: 11, text: 'error request_id=req_1' },
    { n: 3, stream: 'stdout', t: 12, text: 'output_format=webm' },
    { n: 4, stream: 'stderr', t: 13, text: 'code=insufficient_credits' },
    ...Array.from({ length: 5 }, (_, i) => ({ n: 5 + i, stream: 'stdout' as const, t: 14 + i, text: 'noise' })),
    { n: 10, stream: 'stdout', t: 20, text: 'code=processing_failed' },
  ], false, true);

  it('finds parts of one entry within a few lines of one stream, not across streams or far apart', () => {
    expect(log.findTogether(['job_a', 'webm'])?.map((l) => l.n)).toEqual([1, 3]);
    expect(log.findTogether(['req_1', 'insufficient_credits'])?.map((l) => l.n)).toEqual([2, 4]);
    expect(log.findTogether(['job_a', 'insufficient_credits'])).toBeUndefined(); // another stream
    expect(log.findTogether(['job_a', 'processing_failed'])).toBeUndefined(); // 9 lines apart
    expect(log.findAny(['job_a'], 11)).toBeUndefined(); // written before that moment
  });
});

/** A synthetic run: records with the fields the grader reads. */
function synthetic(records: Partial<Observed>[], run: Partial<GradeInput['run']> = {}): GradeInput {
  const traffic = new Traffic();
  for (const r of records) {
    const rec = traffic.add({ origin: 'mock', method: 'GET', url: '/v1/jobs/job_1', headers: {}, key: 'given', op: 'poll', jobId: 'job_1', source: 'clip-1', arrivedAt: 0, ...r } as Omit<Observed, 'seq' | 'outcome'>);
    rec.outcome = r.outcome ?? 'answered';
    if (r.endedAt !== undefined) rec.endedAt = r.endedAt;
    if (r.delivered) rec.delivered = r.delivered;
    if (r.retryAfterUntil !== undefined) rec.retryAfterUntil = r.retryAfterUntil;
    if (r.seen) rec.seen = r.seen;
    if (r.closedSince !== undefined) rec.closedSince = r.closedSince;
  }
  return {
    plan: { seed: 1, profile: 'quick', conditions: [], sources: [], instances: [], balance: 1 }, traffic, deliveries: [], undelivered: [],
    log: new ClientLog([], false, true), ledger: { jobs: [], charges: [] },
    run: { mode: 'command', startedAt: 0, endedAt: 60_000, stopped: null, exitCode: 0, ...run }, baseUrl: 'http://127.0.0.1:1', artifactUrl: 'http://127.0.0.1:2',
  };
}
const ok = (status = 200, jobStatus = 'processing'): Partial<Observed> => ({ delivered: { status, headers: {}, body: '' }, seen: { jobStatus } });
const throttled = (at: number, waitMs: number): Partial<Observed> => ({ arrivedAt: at, endedAt: at + 1, retryAfterUntil: at + 1 + waitMs, delivered: { status: 429, headers: { 'retry-after': String(waitMs / 1000) }, body: '', errorCode: 'rate_limited' } });
const verdictOf = (input: GradeInput, rule: string) => grade(input).find((v) => v.rule === rule);

describe('grading boundaries (synthetic traffic)', () => {
  it('CLI-2: a retry at Retry-After passes, one a second early fails and names both requests', () => {
    expect(verdictOf(synthetic([throttled(1000, 3000), { arrivedAt: 4001, endedAt: 4002, ...ok() }]), 'CLI-2')?.status).toBe('pass');
    const early = verdictOf(synthetic([throttled(1000, 3000), { arrivedAt: 3001, endedAt: 3002, ...ok() }]), 'CLI-2');
    expect(early?.status).toBe('fail');
    expect(early?.requests).toEqual([1, 2]);
  });

  it('CLI-12: another request of the key inside Retry-After fails, unless it may have been on its way (≤ 2 s)', () => {
    const other = (at: number): Partial<Observed> => ({ arrivedAt: at, endedAt: at + 1, url: '/v1/jobs/job_2', jobId: 'job_2', ...ok() });
    expect(verdictOf(synthetic([throttled(1000, 4000), other(2900), { arrivedAt: 5100, endedAt: 5101, ...ok() }]), 'CLI-12')?.status).toBe('pass');
    expect(verdictOf(synthetic([throttled(1000, 4000), other(3200), { arrivedAt: 5100, endedAt: 5101, ...ok() }]), 'CLI-12')?.status).toBe('fail');
  });

  it('CLI-6: 1 s between reads passes, 0.9 s fails; no read after completed; still polling at the client timeout fails', () => {
    const reads = (gap: number): Partial<Observed>[] => [{ arrivedAt: 0, endedAt: 10, ...ok() }, { arrivedAt: 10 + gap, endedAt: 20 + gap, ...ok(200, 'completed') }];
    expect(verdictOf(synthetic(reads(1000)), 'CLI-6')?.status).toBe('pass');
    expect(verdictOf(synthetic(reads(900)), 'CLI-6')?.status).toBe('fail');
    expect(verdictOf(synthetic([...reads(1000), { arrivedAt: 3000, endedAt: 3001, ...ok(200, 'completed') }]), 'CLI-6')?.message).toMatch(/read 1 more time\(s\) after #2 .* said completed/);
    // A read the client gave up on: jobcert saw the close late (starved), the heartbeat bounds when it happened.
    const closedLate = synthetic([{ arrivedAt: 0, endedAt: 3500, closedSince: 3000, outcome: 'client-closed' }, { arrivedAt: 4200, endedAt: 4201, ...ok(200, 'completed') }]);
    expect(verdictOf(closedLate, 'CLI-6')?.status).toBe('pass');
    const stuck = Array.from({ length: 10 }, (_, i) => ({ arrivedAt: 50_000 + i * 1100, endedAt: 50_001 + i * 1100, ...ok() }));
    expect(verdictOf(synthetic(stuck, { stopped: 'timeout' }), 'CLI-6')?.status).toBe('fail');
    expect(verdictOf(synthetic(stuck, { stopped: null }), 'CLI-6')?.status).toBe('pass');
  });

  it('CLI-3: a wait stretched by another request\'s Retry-After (the shared limiter) is not read as shrinking backoff', () => {
    const fail503 = (at: number, end: number): Partial<Observed> => ({ arrivedAt: at, endedAt: end, delivered: { status: 503, headers: {}, body: '', errorCode: 'internal_error' } });
    const chain = [fail503(0, 1), fail503(5001, 5002), { arrivedAt: 7002, endedAt: 7003, ...ok() }];
    expect(verdictOf(synthetic(chain), 'CLI-3')?.message).toMatch(/delays shrink: 5\.00 s before #2, then 2\.00 s before #3/);
    // A shrink within 10 % + 1 s is not claimed: one starved wait can stretch that much.
    expect(verdictOf(synthetic([fail503(0, 1), fail503(3001, 3002), { arrivedAt: 5002, endedAt: 5003, ...ok() }]), 'CLI-3')?.status).toBe('pass');
    const limiter = { ...throttled(500, 4000), url: '/v1/jobs/job_9', jobId: 'job_9' };
    const withLimiter = synthetic([chain[0] as Partial<Observed>, limiter, { ...limiter, arrivedAt: 4600, endedAt: 4601, retryAfterUntil: undefined, ...ok() }, chain[1] as Partial<Observed>, chain[2] as Partial<Observed>]);
    expect(verdictOf(withLimiter, 'CLI-3')?.status).toBe('pass');
  });

  /** One read failing 503 once per wait, retried after each wait (ms), then answered. */
  const chain503 = (start: number, waits: number[], url = '/v1/jobs/job_1'): Partial<Observed>[] => {
    const out: Partial<Observed>[] = [];
    let t = start;
    for (const w of waits) {
      out.push({ url, arrivedAt: t, endedAt: t + 1, delivered: { status: 503, headers: {}, body: '', errorCode: 'internal_error' } });
      t += 1 + w;
    }
    return [...out, { url, arrivedAt: t, endedAt: t + 1, ...ok() }];
  };

  it('CLI-3: three retries 1 s apart do not grow: the chain and its requests are named', () => {
    const v = verdictOf(synthetic(chain503(0, [1000, 1000, 1002])), 'CLI-3');
    expect(v?.status).toBe('fail');
    expect(v?.message).toMatch(/delays do not grow: #1 GET \/v1\/jobs\/job_1 → 503 internal_error was retried after 1\.00 s, 1\.00 s, 1\.00 s \(before #2, #3, #4\)/);
    expect(v?.requests).toEqual([1, 2, 3, 4]);
  });

  it('CLI-3: growing waits, capped at 16 s, pass with growth judged; two retries leave growth not judged', () => {
    const capped = verdictOf(synthetic(chain503(0, [1500, 3000, 6000, 12_000, 16_000, 16_000])), 'CLI-3');
    expect(capped?.status).toBe('pass');
    expect(capped?.notes.join('\n')).toMatch(/^growth: judged on 1 chain\(s\) with 3\+ waits of the client's own, first → longest: 1\.50 s → 16\.0 s$/m);
    const short = verdictOf(synthetic(chain503(0, [1000, 1000])), 'CLI-3');
    expect(short?.status).toBe('pass');
    expect(short?.message).toMatch(/growth not judged \(see notes\), jitter not judged \(see notes\)/);
    expect(short?.notes.join('\n')).toMatch(/^growth: not judged, no chain had 3 waits of the client's own \(at most 2\)/m);
  });

  it('CLI-3: waits Retry-After dictated (429s each waited exactly its 4 s) neither fail growth nor jitter: not judged', () => {
    const url = (n: number): string => `/v1/jobs/job_${n}`;
    const throttledChain = (n: number, start: number): Partial<Observed>[] => [0, 1, 2, 3].map((i) => {
      const at = start + i * 4001;
      return i < 3 ? { ...throttled(at, 4000), url: url(n), jobId: url(n).slice(9) } : { url: url(n), jobId: url(n).slice(9), arrivedAt: at, endedAt: at + 1, ...ok() };
    });
    const v = verdictOf(synthetic([...throttledChain(1, 0), ...throttledChain(2, 100_000), ...throttledChain(3, 200_000)]), 'CLI-3');
    expect(v?.status).toBe('pass');
    const notes = v?.notes.join('\n') ?? '';
    expect(notes).toMatch(/left out of the growth and jitter comparison: 9 wait\(s\) after a 429/);
    expect(notes).toMatch(/^growth: not judged/m);
    expect(notes).toMatch(/^jitter: not judged/m);
  });

  it('CLI-3: a 503 chain held by another request\'s Retry-After (the shared limiter) is not judged for growth', () => {
    const limiter = { ...throttled(1500, 5000), url: '/v1/jobs/job_9', jobId: 'job_9' };
    const held = [...chain503(0, [1000, 5500, 1000]), limiter, { url: '/v1/jobs/job_9', jobId: 'job_9', arrivedAt: 6600, endedAt: 6601, ...ok() }];
    const v = verdictOf(synthetic(held.sort((a, b) => (a.arrivedAt ?? 0) - (b.arrivedAt ?? 0))), 'CLI-3');
    expect(v?.status).toBe('pass');
    expect(v?.notes.join('\n')).toMatch(/1 that overlapped a Retry-After of the same key/);
    expect(v?.notes.join('\n')).toMatch(/^growth: not judged, no chain had 3 waits of the client's own \(at most 2\)/m);
  });

  it('CLI-3: the same wait before the first retry in three chains is no jitter, even when each chain is short', () => {
    const v = verdictOf(synthetic([...chain503(0, [1000], '/v1/jobs/job_1'), ...chain503(10_000, [1003], '/v1/jobs/job_2'), ...chain503(20_000, [1006], '/v1/jobs/job_3')]), 'CLI-3');
    expect(v?.status).toBe('fail');
    expect(v?.message).toMatch(/no jitter: 3 retries after attempt 1 all waited 1\.00 s–1\.01 s/);
  });
});

describe('CLI-11 (onboard/grade/validation.ts)', () => {
  const start = { method: 'POST', url: '/v1/jobs/job_1/start', op: 'start' as const, body: '{"model":"light","text_prompt":"x"}' };
  const rejected = { status: 400, headers: {}, body: '{"error":{"code":"invalid_request","message":"text_prompt is only allowed with model pro, not light","param":"text_prompt"}}', errorCode: 'invalid_request' };
  const read = { engine: { status: 200, headers: {}, body: '' }, ...ok() };

  it('counts the API\'s 400 also when an injection then dropped its answer: the body was the client\'s', () => {
    const v = verdictOf(synthetic([{ ...start, engine: rejected, outcome: 'dropped', injection: { instance: 'c1', condition: 'drop-after-start', action: 'dropped' } }, read]), 'CLI-11');
    expect(v?.status).toBe('fail');
    expect(v?.requests).toEqual([1]);
    expect(v?.message).toMatch(/text_prompt is only allowed with model pro/);
  });

  it('does not count an injected 400: it never reached the API', () => {
    expect(verdictOf(synthetic([{ ...start, delivered: rejected, injection: { instance: 'c1', condition: 'bad-request', action: '400' } }, read]), 'CLI-11')?.status).toBe('pass');
  });
});

describe('the gate (onboard/report.ts)', () => {
  it('a SHOULD failure is reported but gates only with --strict', () => {
    const input = synthetic([]);
    const verdicts = [
      { id: 'cli.validation', rule: 'CLI-11', title: 't', status: 'fail' as const, message: 'm', requests: [], injections: [], logLines: [], notes: [] },
      { id: 'cli.api-key', rule: 'CLI-1', title: 't', status: 'pass' as const, message: 'm', requests: [], injections: [], logLines: [], notes: [] },
    ];
    const doc = (strict: boolean) => buildCompliance({ input, verdicts, version: '0', strict, startedAt: new Date(0), durationMs: 1, target: 't', replay: 'r', redact: (s) => s, onboarding: {} });
    expect(doc(false).verdict).toBe('pass');
    expect(doc(false).checks[0]?.level).toBe('should');
    expect(doc(true).verdict).toBe('fail');
  });
});
