/**
 * A mock answer's added latency observed through its timer instead of the wall
 * clock. The engine only marks a response's delay; the node:http adapter holds
 * it back with setTimeout (mocks/engine/latency.ts). Here that setTimeout is
 * vitest's fake one while a request is served, so a test sees whether the
 * answer waited on a timer and for how many ms of the fake clock it was held:
 * exact on any machine, however loaded. The request itself goes over a real
 * socket (node:http's client and server keep their own, real, timers).
 */
import { Agent, request } from 'node:http';
import { vi } from 'vitest';
import { createEngine, startHttpServer, type EngineOptions, type RunningServer } from '../../mocks/index.js';

export interface HeldAnswer {
  status: number;
  /** Timers pending once the engine had answered: 1 when the adapter held the answer back, 0 when it sent it at once. */
  timers: number;
  /** Fake ms that passed before the answer was let go: 0 when it was not held. */
  heldForMs: number;
}

export interface ObservedMock {
  server: RunningServer;
  /** One GET on a kept-alive connection, its answer held until the fake clock lets it go. */
  get(path: string, headers?: Record<string, string>): Promise<HeldAnswer>;
  close(): Promise<void>;
}

/** Longest hold looked for: more than any delay the mock adds. */
const MAX_HOLD_MS = 10_000;

export async function observedMock(options: EngineOptions): Promise<ObservedMock> {
  let onHandled: (() => void) | undefined;
  // The engine logs each request inside handle(); the adapter sets the answer's timer in the same turn.
  const server = await startHttpServer(createEngine({ ...options, log: (entry) => { options.log?.(entry); onHandled?.(); } }));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    server,
    async get(path, headers = {}) {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const handled = new Promise<void>((resolve) => { onHandled = resolve; });
        const status = new Promise<number>((resolve, reject) => {
          const req = request(`${server.url}${path}`, { agent, headers }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        });
        // The status only settles first if the request failed: then that failure is the test's.
        await Promise.race([handled, status]);
        onHandled = undefined;
        const timers = vi.getTimerCount();
        let heldForMs = 0;
        // One fake ms at a time: the answer goes out on exactly the ms its timer is due, not one before.
        while (vi.getTimerCount() > 0 && heldForMs < MAX_HOLD_MS) {
          vi.advanceTimersByTime(1);
          heldForMs++;
        }
        return { status: await status, timers, heldForMs };
      } finally {
        vi.useRealTimers();
      }
    },
    async close() {
      agent.destroy();
      await server.close();
    },
  };
}
