// RATE: the seed's "burst test and confirm 429 handling with backoff". The
// limit is discovered, not assumed (lib/rate/discovery.ts): one adaptive flood of
// side-effect-free GETs finds it, the 429s it provoked are judged for RATE-2,
// and the probes that need an empty bucket go out under a fresh flood.
import { errorOf, expectOutcome, expectServed } from './lib/api.js';
import { isDelaySeconds, parseRetryAfter } from './lib/backoff.js';
import { broken, suite, fail } from './lib/check.js';
import type { Reply } from './lib/client.js';
import type { Discovery } from './lib/rate/discovery.js';
import { noDraft } from './lib/rate/episode.js';
import { NotJudged } from './lib/errors.js';
import { requireCount, requireEqual, requireHeader, requireStatus } from './lib/verdicts.js';

function describePush(d: Discovery): string {
  const p = d.profile;
  const perSecond = p.elapsed_ms > 0 ? Math.round((p.sent / p.elapsed_ms) * 1000) : p.sent;
  return `${p.sent} requests in ${(p.elapsed_ms / 1000).toFixed(1)} s at up to ${p.peak_concurrency} at once (≈${perSecond} req/s; bound ${p.bound.requests} requests or ${p.bound.seconds} s, --burst-max)`;
}

/**
 * No 429 within discovery's bound. The size of the limit is the provider's
 * (RATE-1), so a limit above what jobcert pushed is no fault: not judged. Only
 * a limit the provider itself advertises (RateLimit-Policy q and w) and the
 * flood went past without a 429 shows one that is not enforced: at most q
 * requests per window, plus q for each window the flood lasted.
 */
function unthrottled(d: Discovery): never {
  const p = d.profile;
  const windowS = Number(/(?:^|[;,\s])w=(\d+)/.exec(p.policy_header ?? '')?.[1] ?? Number.NaN);
  if (p.hinted_quota !== null && Number.isFinite(windowS) && windowS > 0) {
    const allowed = Math.ceil(p.hinted_quota * (1 + p.elapsed_ms / 1000 / windowS));
    if (p.sent > allowed) {
      fail(`no 429 came: ${describePush(d)}, though the provider advertises RateLimit-Policy ${p.policy_header} (at most about ${allowed} requests in that time)`, {
        rule: 'RATE-1', requires: 'a burst beyond the limit gets 429 rate_limited', observed: `${p.sent} requests in ${(p.elapsed_ms / 1000).toFixed(1)} s past an advertised limit of ${p.hinted_quota} per ${windowS} s, none throttled`,
      });
    }
  }
  throw new NotJudged(`not judged: no 429 came: ${describePush(d)}. The size of the limit is the provider's (RATE-1), and no advertised limit (RateLimit-Policy) was passed: raise --burst-max to push harder, or run jobcert nearer the target`);
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The discovery's throttled replies; without any, the probe cannot run and RATE-1 is to blame. */
function throttledOf(d: Discovery): Reply[] {
  if (d.throttled.length === 0) broken('RATE-1', `the primary key was never throttled: ${describePush(d)}`);
  return d.throttled;
}

export const RATE = suite('RATE', (check, config) => {
  check('rate.burst', ['RATE-1'], 'a burst beyond the limit gets 429 rate_limited (the limit is discovered)', async ({ rate, recorder, note }) => {
    const d = rate!;
    recorder.exchanges.push(...d.exchanges);
    if (!d.profile.throttled) unthrottled(d);
    const p = d.profile;
    note(`observed limit: ${p.requests_before_first_429} requests before the first 429; refill ≈ ${p.refill_per_second ?? '?'}/s over ${p.refill_window_ms} ms; Retry-After ${p.retry_after}; ${describePush(d)}`);
    const first = d.throttled.reduce((a, r) => (r.doneAt < a.doneAt ? r : a));
    expectOutcome(first, { status: 429, code: 'rate_limited' }, 'RATE-1', 'the first 429 of the burst');
  }, { rate: true });

  check('rate.retry-after', ['RATE-2'], 'every 429 carries a valid Retry-After ≥ 1 s (delay-seconds or HTTP-date)', async ({ rate, note }) => {
    const throttled = throttledOf(rate!);
    for (const r of throttled) {
      const value = r.headers.get('retry-after');
      const date = r.headers.get('date');
      if (parseRetryAfter(value, date) === undefined) fail(`429 with Retry-After ${JSON.stringify(value)}: neither delay-seconds nor an HTTP-date (request ${r.requestId ?? '?'})`);
      if (isDelaySeconds(value)) {
        if (Number(value) < 1) fail(`429 with Retry-After ${value}: less than 1 s ahead (request ${r.requestId ?? '?'})`);
      } else if (date && !Number.isNaN(Date.parse(date)) && Date.parse(value as string) - Date.parse(date) < 1000) {
        // Both are whole seconds of the provider's own clock.
        fail(`429 with Retry-After ${value} and Date ${date}: less than 1 s ahead (request ${r.requestId ?? '?'})`);
      }
    }
    const forms = new Set(throttled.map((r) => (isDelaySeconds(r.headers.get('retry-after')) ? 'delay-seconds' : 'HTTP-date')));
    note(`${throttled.length} 429 responses of the rate-limit discovery judged (${[...forms].join(', ')}); their exchanges are under rate.burst`);
  }, { rate: true });

  check('rate.recovers', ['RATE-3'], 'after Retry-After, jittered backoff recovers the key', async ({ episode, recorder, note }) => {
    if (!episode?.throttled || !episode.recovery) broken('RATE-1', 'the primary key was never throttled, so there was nothing to recover from');
    recorder.exchanges.push(...episode.floodExchanges);
    const { recovered, waitedMs, attempts, after } = episode.recovery;
    note(`${episode.floods} flood(s) of ${episode.sent} requests; waited ${waitedMs} ms in ${attempts.length} attempt(s): ${attempts.join(', ')}`);
    if (!recovered) fail(`still throttled after backing off ${attempts.length} times (${Math.round(waitedMs / 1000)} s; Retry-After ${after.headers.get('retry-after')}); answers: ${attempts.join(', ')}`);
  }, { pressure: true });

  check('rate.retry-after-honest', ['RATE-3'], "waiting a 429's Retry-After, with nothing else on the key, is enough: the next request is served", async ({ episode, recorder, note }) => {
    if (!episode?.throttled) broken('RATE-1', 'the primary key was never throttled, so no Retry-After could be waited out');
    const honesty = episode.honesty;
    if (!honesty) throw new NotJudged('not judged: the pressure episode ended before its first recovery');
    const { result, record: h } = honesty;
    // The probes only: the 429 first waited out is the flood's, under rate.recovers; a lone one is the probe before it.
    recorder.exchanges.push(...result.steps.map((s) => s.probe.exchange));
    const step = result.steps.at(-1);
    if (result.verdict === 'not-judged' || !step) throw new NotJudged(`not judged: ${result.why}`);
    const servedAfter = h.served_after_ms === null ? 'the key was not served again within the backoff that followed' : `the key was first served ${secs(h.served_after_ms)} after that 429${h.throttled_after > 1 ? `, ${h.throttled_after} throttled requests later` : ''}`;
    const rounding = step.toleranceMs > 0 ? ` (${step.asked.form === 'HTTP-date' ? 'the date read as the end of its second' : `its ${secs(step.asked.ms)} plus ${secs(step.toleranceMs)} a whole-second value may round away`})` : '';
    if (result.verdict === 'held-longer') {
      const observed = `Retry-After ${step.asked.value} asked for ${secs(step.asked.ms)}; jobcert waited ${secs(h.waited_ms ?? 0)}${rounding} with nothing else on the key, and the next request got 429 again (request ${step.probe.requestId ?? '?'}); ${servedAfter}`;
      fail(`RATE-3: ${observed}`, { rule: 'RATE-3', requires: "after waiting Retry-After, the same key's requests succeed again (RATE-1: Retry-After says when the throttled key may send again)", observed });
    }
    note(`Retry-After ${step.asked.value} (${step.asked.form}) asked for ${secs(step.asked.ms)}; the next request, ${secs(h.waited_ms ?? 0)} after that 429${rounding}, was served (${step.probe.status}): ${result.why}`);
  }, { pressure: true });

  check('rate.per-key', ['RATE-4'], "one key's burst does not throttle another", async ({ episode, recorder, note }) => {
    const probes = episode?.alt;
    if (!episode?.throttled || !probes) broken('RATE-1', 'the primary key was never throttled, so the second key could not be probed during its burst');
    recorder.exchanges.push(...probes.map((r) => r.exchange));
    note(`${probes.length} request(s) of the second key sent at once while the primary key was throttled${episode.confirmed ? ' (429s on both sides of them)' : ''}`);
    const throttled = probes.filter((r) => r.status === 429);
    if (throttled.length > 0) fail(`${throttled.length} of ${probes.length} requests of the second key were throttled (429) in the middle of the primary key's throttled burst`);
    for (const r of probes) requireStatus(r, 200, 'RATE-4', "one key's burst does not throttle another: the second key is served (200) in the middle of the primary key's throttled burst");
  }, { pressure: true, needs: ['alt'] });

  check('rate.no-side-effect', ['RATE-5'], 'a throttled start leaves the job created and charges nothing', async ({ episode, recorder, note }) => {
    if (!episode?.throttled) broken('RATE-1', 'the primary key was never throttled, so no start could be');
    const probe = episode.start;
    if (!probe) throw noDraft(episode);
    recorder.exchanges.push(probe.draft.exchange, probe.probe.exchange, ...(probe.readBack ? [probe.readBack.job.exchange, probe.readBack.events.exchange] : []));
    if (probe.probe.status !== 429) throw new Error(`no start was throttled in ${episode.floods} flood(s) of the primary key (the last answered ${probe.probe.status}); RATE-5 could not be probed`);
    errorOf(probe.probe);
    if (!probe.readBack) broken('RATE-3', 'the primary key did not recover, so the throttled start\'s job could not be read back');
    note(`the start was throttled in flood ${episode.floods}`);
    expectServed(probe.readBack.job, 'reading the job back');
    expectServed(probe.readBack.events, 'reading its usage events');
    requireEqual(probe.readBack.job.json?.status, 'created', 'RATE-5', 'a throttled request has no side effect: a 429\'d start leaves the job created');
    requireCount((probe.readBack.events.json?.events as { job_id?: string }[]).filter((e) => e.job_id === probe.id), 0, 'RATE-5', 'a throttled request has no side effect: a 429\'d start charges nothing', 'charge events');
  }, { pressure: true });

  check('rate.headers', ['RATE-6'], 'responses carry RateLimit and RateLimit-Policy', async ({ raw }) => {
    const r = await raw.get('/v1/jobs?limit=1');
    requireHeader(r, 'RateLimit', 'RATE-6', 'responses carry the IETF RateLimit field');
    requireHeader(r, 'RateLimit-Policy', 'RATE-6', 'responses carry the IETF RateLimit-Policy field');
  });
});
