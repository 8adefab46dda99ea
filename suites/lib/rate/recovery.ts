import { backoffMs, parseRetryAfter } from '../backoff.js';
import type { Client, Reply } from '../client.js';
import type { KeyRole } from '../config.js';
import { MAX_RETRY_AFTER_MS } from '../gate.js';
import { FLOOD_PATH } from './flood.js';

/**
 * RATE-3 as SPEC words it: wait Retry-After, then back off with jitter (1–2 s,
 * 2–4 s, 4–8 s, 8–16 s) until the key is served again.
 */
export async function recover(raw: Client, throttled: Reply, key: KeyRole = 'primary'): Promise<{ recovered: boolean; waitedMs: number; attempts: number[]; last: Reply }> {
  let last = throttled;
  let waited = 0;
  const attempts: number[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const asked = parseRetryAfter(last.headers.get('retry-after'), last.headers.get('date')) ?? 0;
    const wait = Math.min(MAX_RETRY_AFTER_MS, Math.max(asked, backoffMs(attempt)));
    await raw.pause(wait);
    waited += wait;
    last = await raw.get(FLOOD_PATH, { key, retry429: false, bypassGate: true });
    attempts.push(last.status);
    if (last.status !== 429) {
      if (last.status >= 200 && last.status < 300) raw.gates.for(key).noteRecovered();
      return { recovered: last.status >= 200 && last.status < 300, waitedMs: waited, attempts, last };
    }
  }
  raw.gates.for(key).markStuck(`RATE-3 failed: still 429 after backing off 4 times (${Math.round(waited / 1000)} s)`);
  return { recovered: false, waitedMs: waited, attempts, last };
}
