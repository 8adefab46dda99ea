/**
 * CLI-2 (nothing before Retry-After), CLI-3 (retry what is transient with
 * growing, jittered, bounded delays; never retry a 4xx unchanged) and CLI-12
 * (after a 429, nothing at all with that key before Retry-After), all from the
 * arrival times the mock recorded. CLI-3 lets a chain end early only past the
 * client's own job deadline, which the run is told (`--client-job-deadline`).
 */
import type { Observed } from '../traffic.js';
import { GROWTH_PERCENT, GROWTH_MIN_MS, GROWTH_MIN_WAITS, JITTER_MIN_WAITS, judgeChain, judgeJitter, type Growth, type Wait } from './backoff.js';
import { describe, failureName, Index, isV1, MAX_ATTEMPTS, NON_RETRYABLE, retryable, sameBody, seconds, some, verdict, type Verdict } from './context.js';

/** Clock reads of two processes on one machine; the waits being judged are seconds long. */
const TOLERANCE_MS = 50;
/**
 * CLI-12 only: a request the client had already sent (or queued in its HTTP stack) when the 429
 * reached it is not a decision to ignore it. The wire shows arrivals, not sends, and a client short
 * of CPU (a loaded CI machine) was seen to land such a request 1.15 s after the 429; requests
 * arriving within 2 s of the 429 are left out. The injected Retry-After is 4–5 s, so a client
 * without a shared limiter still shows in the rest of the window.
 */
const IN_FLIGHT_MS = 2000;

const throttled = (ix: Index): Observed[] => ix.records.filter((r) => isV1(r) && r.delivered?.status === 429 && r.retryAfterUntil !== undefined);

export function gradeCli2(ix: Index): Verdict {
  const base = { id: 'cli.retry-after', rule: 'CLI-2', title: '' };
  const answered = throttled(ix);
  const injections = ix.injectionsOf(answered);
  if (answered.length === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: 'no 429 reached the client', requests: [], injections: [], logLines: [] });
  const early: string[] = [];
  const evidence: Observed[] = [];
  const waits: string[] = [];
  for (const r of answered) {
    const next = ix.next(r);
    if (!next) continue;
    const waited = next.arrivedAt - (r.endedAt ?? r.arrivedAt);
    const asked = (r.retryAfterUntil as number) - (r.endedAt ?? r.arrivedAt);
    if (next.arrivedAt < (r.retryAfterUntil as number) - TOLERANCE_MS) {
      early.push(`${describe(next)} came ${seconds(waited)} after the 429 #${r.seq} (Retry-After: ${r.delivered?.headers['retry-after']}, ${seconds(asked)})`);
      evidence.push(r, next);
    } else waits.push(`#${r.seq}→#${next.seq} waited ${seconds(waited)} of ${seconds(asked)}`);
  }
  if (early.length > 0) return verdict(base.id, base.rule, base.title, { status: 'fail', message: `${early.length} of ${answered.length} 429s were retried before Retry-After: ${some(early)}`, requests: evidence.map((r) => r.seq), injections, logLines: [] });
  return verdict(base.id, base.rule, base.title, {
    status: 'pass', message: `${answered.length} 429s (Retry-After in ${[...new Set(answered.map((r) => (/^\d+$/.test(r.delivered?.headers['retry-after'] ?? '') ? 'seconds' : 'HTTP-date')))].join(' and ')}); every retry waited: ${some(waits, 4)}`,
    requests: answered.map((r) => r.seq), injections, logLines: [],
  });
}

export function gradeCli12(ix: Index): Verdict {
  const base = { id: 'cli.shared-limiter', rule: 'CLI-12', title: '' };
  const answered = throttled(ix);
  if (answered.length === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: 'no 429 reached the client', requests: [], injections: [], logLines: [] });
  const problems: string[] = [];
  const evidence: Observed[] = [];
  for (const r of answered) {
    const from = (r.endedAt ?? r.arrivedAt) + IN_FLIGHT_MS;
    const until = (r.retryAfterUntil as number) - TOLERANCE_MS;
    const during = ix.records.filter((o) => isV1(o) && o.key === r.key && o.arrivedAt > from && o.arrivedAt < until);
    if (during.length === 0) continue;
    problems.push(`${during.length} request(s) with the same key during the Retry-After of #${r.seq}, first ${describe(during[0] as Observed)} ${seconds((during[0] as Observed).arrivedAt - (r.endedAt ?? r.arrivedAt))} after it`);
    evidence.push(r, ...during.slice(0, 3));
  }
  const injections = ix.injectionsOf(answered);
  if (problems.length > 0) return verdict(base.id, base.rule, base.title, { status: 'fail', message: some(problems), requests: evidence.map((r) => r.seq), injections, logLines: [] });
  return verdict(base.id, base.rule, base.title, { status: 'pass', message: `after each of ${answered.length} 429s no request with that key went out before Retry-After`, requests: answered.map((r) => r.seq), injections, logLines: [] });
}

interface Delay extends Wait { after: Observed; next: Observed }

/** Which deadline CLI-3 judged with: every verdict says it, so a report shows what a pass or a fail rests on. */
function deadlineNote(told: number | undefined): string {
  return told === undefined
    ? 'job deadline: none told (--client-job-deadline), so no retry chain may end early'
    : `job deadline: ${seconds(told)} per job (--client-job-deadline), counted from the client's first request about the job's source`;
}

/**
 * A transient failure the client left without a retry: did the deadline it told for that job pass
 * by the time the chain ended? The chain ends with its last attempt (the answer delivered, the drop,
 * or the client's close), the last moment the wire shows; clocks are compared with TOLERANCE_MS,
 * since the client starts its job clock a little before its create arrives. A client that gives up
 * in the middle of a backoff wait that crosses the deadline cannot be told from one that gave up at
 * once, and is judged at the failure: `why` then says how far off the deadline was.
 */
function judgeDeadline(ix: Index, r: Observed): { excused: boolean; why?: string } {
  const told = ix.input.clientJobDeadlineMs;
  if (told === undefined) return { excused: false };
  const job = ix.jobOf(r);
  if (job?.deadlineAt === undefined) return { excused: false, why: 'it belongs to no job, so the job deadline does not apply' };
  const t0 = ix.input.run.startedAt;
  // Millisecond precision, as the reports' timing lines: the tolerance being judged is 50 ms.
  const at = (t: number): string => `+${((t - t0) / 1000).toFixed(3)} s`;
  const ended = r.endedAt ?? r.arrivedAt;
  const times = `job ${job.source} from #${job.first.seq} at ${at(job.first.arrivedAt)}, its ${seconds(told)} deadline at ${at(job.deadlineAt)}, the chain ended at ${at(ended)} (times from the client's start)`;
  if (ended >= job.deadlineAt - TOLERANCE_MS) return { excused: true, why: `the chain ended ${seconds(Math.max(0, ended - job.deadlineAt))} after the job deadline had passed (${times})` };
  return { excused: false, why: `the job deadline was ${seconds(job.deadlineAt - ended)} away (${times})` };
}

export function gradeCli3(ix: Index): Verdict {
  const base = { id: 'cli.retry-policy', rule: 'CLI-3', title: '' };
  const problems: string[] = [];
  const evidence: Observed[] = [];
  const v1 = ix.records.filter(isV1);
  const failures = v1.filter(retryable);
  const refusals = v1.filter((r) => r.delivered !== undefined && NON_RETRYABLE.has(r.delivered.status));

  // Transient failures are retried, at most MAX_ATTEMPTS times, unless the client's own deadline for
  // that job had passed (the one it told the run): SPEC lets a chain end early for that reason only.
  const told = ix.input.clientJobDeadlineMs;
  let notes: string[] = [deadlineNote(told)];
  let pastDeadline = 0;
  const chains = ix.chains();
  const chainOf = new Map<Observed, Observed[]>(chains.flatMap((c) => c.map((r) => [r, c] as const)));
  for (const r of failures) {
    if (ix.next(r)) continue;
    if ((chainOf.get(r)?.length ?? 1) >= MAX_ATTEMPTS) continue;
    if (ix.cutShortAfter(r.endedAt ?? r.arrivedAt)) { notes.push(`${describe(r)} came too close to the end of the run to expect its retry`); continue; }
    const judged = judgeDeadline(ix, r);
    if (judged.excused) { pastDeadline++; notes.push(`${describe(r)} was not retried, excused: ${judged.why}`); continue; }
    problems.push(`${describe(r)} was not retried (${failureName(r)} is transient${judged.why ? `; ${judged.why}` : ''})`);
    evidence.push(r);
  }
  for (const c of chains.filter((ch) => ch.length > MAX_ATTEMPTS)) {
    problems.push(`${c.length} attempts of ${describe(c[0] as Observed)} (at most ${MAX_ATTEMPTS})`);
    evidence.push(c[0] as Observed, c[c.length - 1] as Observed);
  }

  // Delays grow and are jittered (judged in backoff.ts on the waits the client chose). A wait after a
  // 429 is the server's (CLI-2); one that overlaps any Retry-After of the same key may be the shared
  // limiter's (CLI-12): both are left out, and what cannot be judged is said to be so.
  const windows = throttled(ix).map((t) => ({ key: t.key, from: t.endedAt ?? t.arrivedAt, until: t.retryAfterUntil as number }));
  const waits: Delay[] = [];
  const waitsOf = new Map<Observed[], Delay[]>();
  let afterThrottle = 0;
  let limited = 0;
  for (const c of chains) {
    const own: Delay[] = [];
    for (let i = 0; i + 1 < c.length; i++) {
      const after = c[i] as Observed;
      const next = c[i + 1] as Observed;
      const from = after.endedAt ?? after.arrivedAt;
      const throttledBefore = after.delivered?.status === 429;
      const overlapped = !throttledBefore && windows.some((w) => w.key === next.key && from < w.until && next.arrivedAt > w.from);
      if (throttledBefore) afterThrottle++;
      if (overlapped) limited++;
      own.push({ after, next, ms: next.arrivedAt - from, position: i + 1, dictated: throttledBefore || overlapped });
    }
    waitsOf.set(c, own);
    waits.push(...own);
  }
  if (afterThrottle + limited > 0) notes.push(`left out of the growth and jitter comparison: ${afterThrottle} wait(s) after a 429 (Retry-After's, CLI-2) and ${limited} that overlapped a Retry-After of the same key (the shared limiter's, CLI-12)`);
  const grown: Extract<Growth<Delay>, { judged: true }>[] = [];
  const tooShort: string[] = [];
  for (const c of chains) {
    const judged = judgeChain(waitsOf.get(c) ?? []);
    for (const [prev, cur] of judged.shrinks) {
      problems.push(`delays shrink: ${seconds(prev.ms)} before #${prev.next.seq}, then ${seconds(cur.ms)} before #${cur.next.seq}`);
      evidence.push(prev.after, prev.next, cur.next);
    }
    if (!judged.growth.judged) {
      if (judged.growth.tooShort) tooShort.push(`${describe(c[0] as Observed)}: ${judged.growth.why}`);
      continue;
    }
    grown.push(judged.growth);
    if (!judged.growth.grows) {
      const own = judged.growth.own;
      problems.push(`delays do not grow: ${describe(c[0] as Observed)} was retried after ${own.map((d) => seconds(d.ms)).join(', ')} (before ${own.map((d) => `#${d.next.seq}`).join(', ')}), the longest not clearly above the first (${GROWTH_PERCENT} % and ${GROWTH_MIN_MS} ms more)`);
      evidence.push(c[0] as Observed, ...own.map((d) => d.next));
    }
  }
  const jitter = judgeJitter(waits);
  if (jitter.judged) {
    for (const { position, waits: list } of jitter.flat) {
      const ms = list.map((d) => d.ms);
      problems.push(`no jitter: ${list.length} retries after attempt ${position} all waited ${seconds(Math.min(...ms))}–${seconds(Math.max(...ms))}`);
      evidence.push(...list.slice(0, 3).map((d) => d.next));
    }
  }
  const mostOwn = Math.max(0, ...[...waitsOf.values()].map((list) => list.filter((d) => !d.dictated).length));
  const spread = (list: Delay[]): string => `${seconds(Math.min(...list.map((d) => d.ms)))}–${seconds(Math.max(...list.map((d) => d.ms)))}`;
  notes.push(
    grown.length > 0
      ? `growth: judged on ${grown.length} chain(s) with ${GROWTH_MIN_WAITS}+ waits of the client's own, first → longest: ${grown.slice(0, 3).map((g) => `${seconds(g.first.ms)} → ${seconds(g.longest.ms)}`).join('; ')}`
      : tooShort.length > 0 ? `growth: not judged, ${some(tooShort)}`
      : `growth: not judged, no chain had ${GROWTH_MIN_WAITS} waits of the client's own (at most ${mostOwn}); a chain of ${GROWTH_MIN_WAITS}+ retries after 5xx, drops or timeouts, clear of any Retry-After, would judge it`,
    jitter.judged
      ? `jitter: judged across chains, waits before ${jitter.positions.map((p) => `retry ${p.position}: ${spread(p.waits)} over ${p.waits.length} chains (${some(p.waits.map((d) => `${(d.ms / 1000).toFixed(3)} s before #${d.next.seq}`), 6)})`).join('; ')}`
      : `jitter: not judged, ${jitter.why}; ${JITTER_MIN_WAITS}+ chains retried as often after 5xx, drops or timeouts would judge it`,
  );
  const growthShort = grown.length > 0 ? `growing in ${grown.length} chain(s) of ${GROWTH_MIN_WAITS}+ own waits` : 'growth not judged (see notes)';
  const jitterShort = jitter.judged ? `jittered before retry ${jitter.positions.map((p) => p.position).join(', ')}` : 'jitter not judged (see notes)';

  // 400, 401, 402, 404, 409, 415 and 422 are not sent again unchanged.
  for (const r of refusals) {
    const again = ix.later(r).find((l) => l.key === r.key && sameBody(l.body, r.body));
    if (!again) continue;
    problems.push(`${describe(again)} repeated ${describe(r)} unchanged`);
    evidence.push(r, again);
  }

  const injections = ix.injectionsOf([...failures, ...refusals]);
  if (failures.length === 0 && refusals.length === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: 'no transient failure and no refusal reached the client', requests: [], injections: [], logLines: [], notes });
  if (problems.length > 0) return verdict(base.id, base.rule, base.title, { status: 'fail', message: `${problems.length} violation(s): ${some(problems)}`, requests: [...new Set(evidence.map((r) => r.seq))], injections, logLines: [], notes });
  const retried = chains.filter((c) => c.length > 1);
  const longest = Math.max(0, ...retried.map((c) => c.length));
  notes = [...notes, ...retried.slice(0, 8).map((c) => `${describe(c[0] as Observed)}: ${c.length} attempts, delays ${c.slice(1).map((n, i) => seconds(n.arrivedAt - ((c[i] as Observed).endedAt ?? (c[i] as Observed).arrivedAt))).join(', ')}`)];
  return verdict(base.id, base.rule, base.title, {
    status: 'pass',
    message: `${failures.length ? `${failures.length} transient failures all retried${pastDeadline ? ` or left past the job deadline (${pastDeadline})` : ''} (${retried.length} chains, at most ${longest} attempts, waits never shrinking, ${growthShort}, ${jitterShort})` : 'no transient failure'}; ${refusals.length ? `${refusals.length} refusals (${[...new Set(refusals.map((r) => r.delivered?.status))].join(', ')}) not repeated unchanged` : 'no refusal to judge'}`,
    requests: [...failures, ...refusals].map((r) => r.seq), injections, logLines: [], notes,
  });
}
