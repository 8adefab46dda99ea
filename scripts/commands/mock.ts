/** `jobcert mock`: the embedded mock over HTTP on loopback, until Ctrl-C. */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { accountsWithKeys } from '../../mocks/engine/accounts.js';
import { FAULT_NAMES, parseFaults } from '../../mocks/engine/faults.js';
import { parseVariants, VARIANTS, VARIANT_NAMES } from '../../mocks/engine/variants.js';
import type { LogSink } from '../../mocks/engine/types.js';
import { parsePositiveInt, parsePositiveNumber, UsageError } from '../cli-errors.js';

interface MockFlags {
  port: number;
  host: string;
  fault: string[];
  variant: string[];
  apiKey?: string;
  altApiKey?: string;
  brokeApiKey?: string;
  rateCapacity?: number;
  rateRefill?: number;
  rateLimit: boolean;
  processingMs?: number;
  log?: string;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1)$/;

export function registerMockCommand(program: Command): void {
  program
    .command('mock')
    .description('serve the spec-derived mock over HTTP on loopback')
    .addHelpText('after', `
Examples:
  jobcert mock --port 4010                                    serve until Ctrl-C
  jobcert mock --port 0 --variant retry-after-date            a free port, a legal variation
  jobcert mock --fault idem-replay-ignored --log mock.log      a broken provider, with JSON-lines logs`)
    .addHelpText('after', `\nLegal variations (--variant NAME): choices SPEC leaves to a provider, made differently; certify must pass each.\n${VARIANT_NAMES.map((v) => `  ${v.padEnd(20)} ${VARIANTS[v].description}`).join('\n')}\n\nFaults (--fault NAME): each breaks one rule; see the README's fault table.`)
    .option('--port <n>', 'port (0 = any free port)', parsePositiveInt('--port', 0, 65535), 4010)
    .option('--host <addr>', 'loopback address to bind', '127.0.0.1')
    .option('--fault <name>', `break one rule (repeatable): ${FAULT_NAMES.join(', ')}`, (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--variant <name>', 'a legal variation: another choice SPEC allows, every MUST rule kept (repeatable; see below)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--api-key <key>', 'primary key (replaces the default)')
    .option('--alt-api-key <key>', 'second key (replaces the default)')
    .option('--broke-api-key <key>', 'zero-credit key (replaces the default)')
    .option('--rate-capacity <n>', 'token bucket capacity per key (default 60)', parsePositiveInt('--rate-capacity'))
    .option('--rate-refill <n>', 'tokens per second (default 30)', parsePositiveNumber('--rate-refill'))
    .option('--no-rate-limit', 'switch rate limiting off (load tests of the mock itself)')
    .option('--processing-ms <n>', 'how long a job processes (default 300)', parsePositiveInt('--processing-ms', 0))
    .option('--log <file>', 'append JSON-lines logs to this file')
    .action(async (flags: MockFlags) => {
      if (!LOOPBACK.test(flags.host)) throw new UsageError(`--host must be a loopback address (127.0.0.0/8, localhost, ::1), got ${flags.host}`);
      const faults = [...parseFaults(flags.fault)];
      let variants: string[];
      try { variants = [...parseVariants(flags.variant)]; } catch (err) { throw new UsageError(`--variant: ${(err as Error).message}`); }
      const limiterVariant = variants.find((v) => (VARIANTS as Record<string, { group?: string }>)[v]?.group === 'limiter');
      if (limiterVariant && (flags.rateCapacity !== undefined || flags.rateRefill !== undefined || !flags.rateLimit)) throw new UsageError(`--variant ${limiterVariant} sets the rate limit itself; drop --rate-capacity/--rate-refill/--no-rate-limit`);
      const accounts = accountsWithKeys({ primary: flags.apiKey, second: flags.altApiKey, broke: flags.brokeApiKey });
      if (new Set(accounts.map((a) => a.key)).size !== accounts.length) throw new UsageError('the three API keys must differ');
      let log: LogSink | undefined;
      const stream = flags.log ? createWriteStream(flags.log, { flags: 'a' }) : undefined;
      if (stream) {
        stream.on('error', (err) => { console.error(`jobcert mock: cannot write --log ${flags.log}: ${err.message}`); process.exit(2); });
        log = (entry) => { stream.write(`${JSON.stringify(entry)}\n`); };
      }
      if (!flags.rateLimit && (flags.rateCapacity !== undefined || flags.rateRefill !== undefined)) throw new UsageError('--no-rate-limit cannot be combined with --rate-capacity/--rate-refill');
      // The engine and the server load only when the mock is served: --help stays fast.
      const { createEngine, DEFAULT_RATE_LIMIT } = await import('../../mocks/engine/engine.js');
      const { startHttpServer } = await import('../../mocks/adapters/http.js');
      const engine = createEngine({
        accounts, faults, variants, ...(log ? { log } : {}),
        ...(limiterVariant ? {} : { rateLimit: flags.rateLimit ? { capacity: flags.rateCapacity ?? DEFAULT_RATE_LIMIT.capacity, refillPerSecond: flags.rateRefill ?? DEFAULT_RATE_LIMIT.refillPerSecond } : false }),
        ...(flags.processingMs !== undefined ? { processingMs: flags.processingMs } : {}),
      });
      const server = await startHttpServer(engine, { port: flags.port, host: flags.host }).catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(err.code === 'EADDRINUSE' ? `port ${flags.port} is in use; pick another with --port` : `cannot listen: ${err.message}`);
      });
      console.log(`jobcert mock listening on ${server.url}`);
      for (const a of accounts) console.log(`  ${a.name.padEnd(12)} key ${a.key}  (${a.credits} credits)`);
      console.log(`  rate limit  ${limiterVariant ? `per the ${limiterVariant} variant` : flags.rateLimit ? `${flags.rateCapacity ?? DEFAULT_RATE_LIMIT.capacity} burst, ${flags.rateRefill ?? DEFAULT_RATE_LIMIT.refillPerSecond}/s per key` : 'off'}`);
      if (faults.length > 0) console.log(`  faults      ${faults.join(', ')}`);
      if (variants.length > 0) console.log(`  variants    ${variants.join(', ')}`);
      console.log('Ctrl-C stops it.');
      const stop = (): void => {
        void server.close().then(() => { stream?.end(); process.exit(0); });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
