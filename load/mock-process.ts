/**
 * The embedded mock for `jobcert load`, in a process of its own so that the
 * load generator and the server under load do not share one event loop.
 * Started by embedded-mock.ts with its settings as one JSON argument; prints
 * `listening on <url>`; exits on SIGTERM or when its parent's pipe closes.
 */
import { createEngine, DEFAULT_RATE_LIMIT, startHttpServer } from '../mocks/index.js';

interface Settings { faults: string[]; rateLimit: boolean; faultLatencyMs?: number }

const settings = JSON.parse(process.argv[2] ?? '{}') as Settings;
const engine = createEngine({
  faults: settings.faults, rateLimit: settings.rateLimit ? DEFAULT_RATE_LIMIT : false,
  ...(settings.faultLatencyMs !== undefined ? { faultLatencyMs: settings.faultLatencyMs } : {}),
});
const server = await startHttpServer(engine);
console.log(`listening on ${server.url}`);
const stop = (): void => { void server.close().then(() => process.exit(0)); };
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// The parent holds our stdin open; if it dies without a signal, we go with it.
process.stdin.on('end', stop);
process.stdin.resume();
