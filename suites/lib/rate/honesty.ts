/**
 * RATE-3 as a client lives it: "after waiting Retry-After, the same key's
 * requests succeed again", and RATE-1: "Retry-After says when the throttled
 * key may send again". jobcert waits a 429's Retry-After and sends one request.
 *
 * What may legitimately stand between a 429 and its promise is other traffic
 * on the key: a request of the flood admitted after that 429 was decided
 * spends what it counted on (a layered limit's last slot, a bucket's token).
 * So the flood's latest promise, waited exactly, only ever proves honesty; a
 * 429 then is a fresh promise made with nothing else on the key (the flood has
 * ended, the episode holds the key alone), and that one must hold: waited,
 * plus the whole second either form may round away, the next request is
 * served, or the provider held the key longer than it said.
 */
import { isDelaySeconds, parseRetryAfter } from '../backoff.js';
import type { Client, Reply } from '../client.js';
import type { KeyRole } from '../config.js';
import { MAX_RETRY_AFTER_MS } from '../gate.js';
import { FLOOD_PATH } from './flood.js';

import type { RetryAfterHonesty } from '../../../core/results.js';

/** Both forms name whole seconds: a provider rounding its wait to one may be up to a second short. */
export const ROUNDING_TOLERANCE_MS = 1000;

export interface Asked {
  value: string;
  form: 'delay-seconds' | 'HTTP-date';
  /** The wait named, in ms: delay-seconds as is, an HTTP-date from the response's Date (or jobcert's clock without one). */
  ms: number;
  /** An HTTP-date with no usable Date beside it: the wait rests on the two clocks agreeing. */
  ownClock: boolean;
}

export function askedOf(r: Reply, now: number = Date.now()): Asked | undefined {
  const value = r.headers.get('retry-after');
  if (value === null || parseRetryAfter(value, r.headers.get('date'), now) === undefined) return undefined;
  if (isDelaySeconds(value)) return { value, form: 'delay-seconds', ms: Number(value.trim()) * 1000, ownClock: false };
  const date = Date.parse(r.headers.get('date') ?? '');
  const ownClock = Number.isNaN(date);
  return { value, form: 'HTTP-date', ms: Math.max(0, Date.parse(value.trim()) - (ownClock ? now : date)), ownClock };
}

export interface HonestyStep {
  /** The 429 whose Retry-After was waited out. */
  throttled: Reply;
  asked: Asked;
  /** True when nothing else on the key was in flight from that 429 to the probe: its promise is judged. */
  lone: boolean;
  toleranceMs: number;
  probe: Reply;
}

export interface Honesty {
  steps: HonestyStep[];
  verdict: RetryAfterHonesty['verdict'];
  /** Why it was not judged, or what the pass rests on. */
  why: string;
}

const served = (r: Reply): boolean => r.status >= 200 && r.status < 300;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * Waits out the flood's 429s as told and probes the key, at most twice. The
 * caller holds the key alone, and `throttled` are the 429s of a flood that has
 * ended (nothing of it is in flight).
 */
export async function waitAsTold(raw: Client, throttled: readonly Reply[], key: KeyRole = 'primary'): Promise<Honesty> {
  let ref: { reply: Reply; asked: Asked } | undefined;
  for (const r of throttled) {
    const asked = askedOf(r);
    if (asked && (!ref || r.doneAt + asked.ms > ref.reply.doneAt + ref.asked.ms)) ref = { reply: r, asked };
  }
  const steps: HonestyStep[] = [];
  if (!ref) return { steps, verdict: 'not-judged', why: 'no 429 of the flood carried a valid Retry-After (rate.retry-after judges RATE-2)' };
  for (const lone of [false, true]) {
    const toleranceMs = lone ? ROUNDING_TOLERANCE_MS : 0;
    if (ref.asked.ms + toleranceMs > MAX_RETRY_AFTER_MS) return { steps, verdict: 'not-judged', why: `Retry-After ${ref.asked.value} asks for more than jobcert waits (${MAX_RETRY_AFTER_MS / 1000} s)` };
    await raw.pause(Math.max(0, ref.reply.doneAt + ref.asked.ms + toleranceMs - performance.now()));
    const probe = await raw.get(FLOOD_PATH, { key, retry429: false, bypassGate: true });
    steps.push({ throttled: ref.reply, asked: ref.asked, lone, toleranceMs, probe });
    if (served(probe)) {
      return {
        steps, verdict: 'honest',
        why: lone ? `the first request after the flood's last promise met a fresh 429 (a request of the flood admitted after that 429 may have spent what it counted on); that lone 429's Retry-After ${ref.asked.value}, waited with ${seconds(toleranceMs)} for rounding, was enough`
          : `waiting the flood's latest Retry-After (${ref.asked.value}) exactly was enough`,
      };
    }
    if (probe.status !== 429) return { steps, verdict: 'not-judged', why: `the request after the wait answered ${probe.status}, neither served nor throttled` };
    if (lone) break;
    const next = askedOf(probe);
    if (!next) return { steps, verdict: 'not-judged', why: 'the 429 after the wait carried no valid Retry-After (rate.retry-after judges RATE-2)' };
    ref = { reply: probe, asked: next };
  }
  if (ref.asked.ownClock) return { steps, verdict: 'not-judged', why: `Retry-After ${ref.asked.value} is an HTTP-date with no Date header beside it, so the wait rested on jobcert's clock agreeing with the provider's` };
  return { steps, verdict: 'held-longer', why: 'a lone 429 waited out as told, and more, met another 429' };
}

/** The report's record: the judged step (the last), and when the key was first served after its 429. */
export function honestyRecord(h: Honesty, firstServed: Reply | undefined, throttledAfter: number): RetryAfterHonesty {
  const step = h.steps.at(-1);
  if (!step) return { verdict: h.verdict, retry_after: null, form: null, asked_ms: null, tolerance_ms: 0, waited_ms: null, first_status: null, served_after_ms: null, throttled_after: 0, note: h.why };
  return {
    verdict: h.verdict, retry_after: step.asked.value, form: step.asked.form, asked_ms: step.asked.ms, tolerance_ms: step.toleranceMs,
    waited_ms: Math.round(step.probe.sentAt - step.throttled.doneAt), first_status: step.probe.status,
    served_after_ms: firstServed ? Math.round(firstServed.sentAt - step.throttled.doneAt) : null,
    throttled_after: throttledAfter, note: h.why,
  };
}
