/**
 * The few requests the stage sends outside the measured load: the probe,
 * setting up polled jobs, reading usage events afterwards. Bounded: a timeout
 * per request, a response cap, no redirects, at most 5 tries of a 429 (waiting
 * its Retry-After, at most 10 s each) and of a GET answered 5xx (a provider
 * can stay overloaded for a moment after the load; a read is safe to repeat).
 */
import { parseRetryAfter, sleep } from '../suites/lib/backoff.js';
import type { OutgoingRequest, ReceivedResponse } from './types.js';

const RESPONSE_CAP = 64 * 1024 * 1024;
const MAX_TRIES = 5;

export class TargetUnreachable extends Error {}

export interface SetupClient {
  send(req: Pick<OutgoingRequest, 'method' | 'path' | 'headers' | 'body'>): Promise<ReceivedResponse>;
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > RESPONSE_CAP) {
      await reader.cancel();
      throw new Error(`response larger than ${RESPONSE_CAP} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function setupClient(base: string, timeoutMs: number): SetupClient {
  return {
    async send(req) {
      for (let attempt = 1; ; attempt++) {
        let res: Response;
        try {
          res = await fetch(base + req.path, {
            method: req.method, headers: req.headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
            ...(req.body !== undefined ? { body: req.body } : {}),
          });
        } catch (err) {
          const e = err as Error & { cause?: { code?: string; message?: string } };
          throw new TargetUnreachable(e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message));
        }
        const headers: Record<string, string> = {};
        res.headers.forEach((v, k) => { headers[k] = v; });
        const body = await readCapped(res);
        const again = res.status === 429 || (res.status >= 500 && req.method === 'GET');
        if (!again || attempt >= MAX_TRIES) return { status: res.status, headers, body };
        const wait = res.status === 429 ? parseRetryAfter(headers['retry-after']) : undefined;
        await sleep(Math.min(10_000, Math.max(1000, wait ?? 1000)));
      }
    },
  };
}

/** Resolves when /health answers at all (any status); the stage gives exit 3 otherwise. */
export async function probe(base: string, timeoutMs: number): Promise<void> {
  await setupClient(base, Math.min(timeoutMs, 5000)).send({ method: 'GET', path: '/health', headers: {} });
}
