/**
 * jobcert's embedded mock in a process of its own, so that the client (the
 * load generator, or certify's floods) and the server do not share one event
 * loop: on two cores each gets one, as with a real provider. Started by
 * start.ts with its settings as JSON in JOBCERT_MOCK_SETTINGS (not
 * argv: the keys would show in `ps`); prints `listening on <url>`; exits on
 * SIGTERM or when its parent's pipe closes.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { accountsWithKeys, createEngine, DEFAULT_RATE_LIMIT, startHttpServer, type EngineOptions } from '../index.js';
import type { EmbeddedMockOptions } from './start.js';

const settings = JSON.parse(process.env.JOBCERT_MOCK_SETTINGS ?? '{}') as EmbeddedMockOptions;
delete process.env.JOBCERT_MOCK_SETTINGS;
const log: WriteStream | undefined = settings.logPath ? createWriteStream(settings.logPath, { flags: 'a' }) : undefined;
const engine = createEngine({
  faults: settings.faults as EngineOptions['faults'],
  ...(settings.variants ? { variants: settings.variants as EngineOptions['variants'] } : {}),
  // Unset: the engine's default bucket, or the one a rate-limit variant chooses.
  ...(settings.rateLimit !== undefined ? { rateLimit: settings.rateLimit ? DEFAULT_RATE_LIMIT : false } : {}),
  ...(settings.faultLatencyMs !== undefined ? { faultLatencyMs: settings.faultLatencyMs } : {}),
  ...(settings.keys || settings.loadKeys?.length ? { accounts: [...accountsWithKeys(settings.keys ?? {}), ...(settings.loadKeys ?? []).map((key, i) => ({ name: `load-${i + 1}`, key, credits: 1_000_000 }))] } : {}),
  ...(log ? { log: (entry: unknown) => { log.write(`${JSON.stringify(entry)}\n`); } } : {}),
});
const server = await startHttpServer(engine);
console.log(`listening on ${server.url}`);
const stop = (): void => {
  void server.close().then(() => (log ? new Promise<void>((done) => log.end(done)) : undefined)).then(() => process.exit(0));
};
process.once('SIGTERM', stop);
// Ctrl-C reaches the whole process group: the parent decides when we stop (it still
// has reports to write, and closes us with SIGTERM or by going away).
process.on('SIGINT', () => undefined);
// The parent holds our stdin open; if it dies without a signal, we go with it.
process.stdin.on('end', stop);
process.stdin.resume();
