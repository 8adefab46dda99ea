/**
 * What `jobcert pact verify` and `jobcert pact publish` do (registered in
 * scripts/commands/pact.ts, loaded only when one of them runs): the committed
 * consumer pacts (or the broker's, with --publish) verified against a target or
 * the embedded mock, as a PACT family of checks with the four reports; or the
 * pacts published to a Pact Broker. Exit codes as certify's: 0 verified, 1 an
 * interaction failed, 2 usage, 3 the target (or broker) could not be reached.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { accountsWithKeys, createEngine, DEFAULT_ACCOUNTS, startHttpServer, type RunningServer } from '../../mocks/index.js';
import { brokerFromEnv, gitVersion, publishPacts, type BrokerConfig } from '../../pact/broker.js';
import { MOCK_FAILING_VIDEO_URL, MOCK_VIDEO_URL } from '../../pact/media.js';
import { committedPacts, verifyPacts, type BrokerSource } from '../../pact/verify.js';
import { redactor } from '../../suites/lib/redact.js';
import { createConsole } from '../certify/console.js';
import { resolveOptions, type CertifyFlags } from '../certify/options.js';
import { writeReports } from '../certify/reports/write.js';
import { prepareReportDir } from '../certify/report-dir.js';
import { isGatingFailure, summarize, transportSummary, type Compliance } from '../certify/results.js';
import { UsageError } from '../cli-errors.js';
import { VERSION } from '../runtime.js';

const EXIT = { pass: 0, fail: 1, usage: 2, unreachable: 3 } as const;

export interface VerifyFlags extends Pick<CertifyFlags, 'target' | 'apiKey' | 'altApiKey' | 'brokeApiKey' | 'videoUrl' | 'failingVideoUrl' | 'jobTimeout' | 'requestTimeout' | 'out' | 'config' | 'quiet' | 'mockFault'> {
  pact?: string[];
  publish?: boolean;
  providerVersion?: string;
  providerBranch?: string;
  verbose?: boolean;
}

export interface PublishFlags { consumerVersion?: string; branch?: string; tag?: string[]; buildUrl?: string }

async function unreachable(url: string, path: string, headers: Record<string, string> = {}): Promise<string | undefined> {
  try {
    const res = await fetch(`${url}${path}`, { headers, redirect: 'manual', signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    return undefined;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return e.name === 'TimeoutError' ? 'no answer within 5 s' : (e.cause?.code ?? e.cause?.message ?? e.message);
  }
}

/** The broker's own credentials, so the reachability probe is a request like the others. */
function brokerAuth(b: BrokerConfig): Record<string, string> {
  if (b.token) return { authorization: `Bearer ${b.token}` };
  return { authorization: `Basic ${Buffer.from(`${b.username ?? ''}:${b.password ?? ''}`).toString('base64')}` };
}

function brokerOrExit(command: string): BrokerConfig {
  const { broker, missing } = brokerFromEnv();
  if (!broker) throw new UsageError(`${command} needs a Pact Broker: set ${missing.join(' and ')}`);
  try {
    const u = new URL(broker.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new UsageError(`PACT_BROKER_BASE_URL must be an http or https URL, got ${JSON.stringify(broker.url)}`);
  }
  return broker;
}

export async function verify(flags: VerifyFlags): Promise<number> {
  const startedAt = new Date();
  const t0 = performance.now();
  const opts = resolveOptions({ ...flags, mockFault: flags.mockFault ?? [] });
  const embedded = opts.target === undefined;
  let source: BrokerSource | undefined;
  if (flags.publish) {
    if (embedded) throw new UsageError('--publish records a provider\'s verification in the broker: it needs --target (the provider), not the embedded mock');
    const providerVersion = flags.providerVersion ?? process.env.PACT_PROVIDER_VERSION;
    if (!providerVersion) throw new UsageError('--publish needs --provider-version (or PACT_PROVIDER_VERSION): the provider version the result is recorded for');
    const broker = brokerOrExit('pact verify --publish');
    const providerBranch = flags.providerBranch ?? process.env.PACT_PROVIDER_BRANCH;
    source = { ...broker, publish: true, providerVersion, ...(providerBranch ? { providerBranch } : {}) };
  }
  const pactFiles = flags.pact?.map((p) => resolve(p)) ?? committedPacts();
  const keys = embedded
    ? { primary: opts.keys.primary ?? DEFAULT_ACCOUNTS[0]!.key, alt: opts.keys.alt ?? DEFAULT_ACCOUNTS[1]!.key, broke: opts.keys.broke ?? DEFAULT_ACCOUNTS[2]!.key }
    : opts.keys;
  const redact = redactor([keys.primary, keys.alt, keys.broke, source?.token, source?.password]);
  const ui = createConsole({ quiet: opts.quiet, color: process.stdout.isTTY === true && !process.env.NO_COLOR, redact });
  // Settled before anything runs, as certify does: an unusable directory is a usage error now.
  const dir = prepareReportDir(opts.out ?? join('reports', `pact-${startedAt.toISOString().replace(/[:.]/g, '-')}-${process.pid}`), startedAt);

  let server: RunningServer | undefined;
  try {
    let target: string;
    if (embedded) {
      const engine = createEngine({ accounts: accountsWithKeys({ primary: keys.primary, second: keys.alt, broke: keys.broke }), faults: opts.mock.faults, variants: opts.mock.variants });
      server = await startHttpServer(engine);
      target = server.url;
    } else {
      target = opts.target as string;
    }
    const shown = embedded ? `the embedded mock${opts.mock.faults.length ? ` with faults ${opts.mock.faults.join(', ')}` : ''} (${target})` : target;
    ui.header(`jobcert ${VERSION}: verifying ${source ? `the broker's pacts (${source.url})` : `${pactFiles.length} pact file(s)`} against ${shown}`);
    const down = await unreachable(target, '/health');
    if (down !== undefined) {
      ui.error(`jobcert: the target ${target} could not be reached (${down})`);
      return EXIT.unreachable;
    }
    if (source) {
      const brokerDown = await unreachable(source.url, '/', brokerAuth(source));
      if (brokerDown !== undefined) {
        ui.error(`jobcert: the Pact Broker ${source.url} could not be reached (${brokerDown})`);
        return EXIT.unreachable;
      }
    }

    let nativeOutput = '';
    const checks = await verifyPacts({
      target, keys: { primary: keys.primary as string, ...(keys.broke ? { broke: keys.broke } : {}) },
      videoUrl: opts.videos?.[0]?.url ?? MOCK_VIDEO_URL,
      ...((opts.run.failingVideo ?? (embedded ? MOCK_FAILING_VIDEO_URL : undefined)) ? { failingVideoUrl: opts.run.failingVideo ?? MOCK_FAILING_VIDEO_URL } : {}),
      jobTimeoutS: opts.run.jobTimeoutS, requestTimeoutMs: opts.run.requestTimeoutMs, redact, pactFiles,
      ...(source ? { broker: source } : {}),
      onOutput: (text) => {
        nativeOutput += text;
        if (flags.verbose) process.stderr.write(text);
      },
    });
    for (const c of checks) ui.result(c);
    const summary = summarize(checks, false);
    const doc: Compliance = {
      tool: 'jobcert', version: VERSION, target, profile: 'full', strict: false,
      started_at: startedAt.toISOString(), duration_ms: Math.round(performance.now() - t0),
      verdict: checks.some((c) => isGatingFailure(c, false)) || checks.length === 0 ? 'fail' : 'pass',
      summary, clips: [], transport: transportSummary(checks), checks,
    };
    const paths = await writeReports(doc, dir, redact);
    await writeFile(join(dir, 'pact-verifier.log'), redact(nativeOutput));
    ui.final(doc, paths);
    return doc.verdict === 'pass' ? EXIT.pass : EXIT.fail;
  } finally {
    await server?.close();
  }
}

export async function publish(flags: PublishFlags): Promise<number> {
  const broker = brokerOrExit('pact publish');
  const git = gitVersion();
  const consumerVersion = flags.consumerVersion ?? process.env.PACT_CONSUMER_VERSION ?? git.version;
  if (!consumerVersion) throw new UsageError('pact publish needs --consumer-version (or PACT_CONSUMER_VERSION); this checkout has no git commit to use');
  const branch = flags.branch ?? process.env.PACT_CONSUMER_BRANCH ?? git.branch;
  const files = committedPacts();
  if (files.length === 0) throw new UsageError('no pact files in contracts/pacts (npm run pact:consumer writes them)');
  const down = await unreachable(broker.url, '/', brokerAuth(broker));
  if (down !== undefined) {
    console.error(`jobcert: the Pact Broker ${broker.url} could not be reached (${down})`);
    return EXIT.unreachable;
  }
  console.log(`jobcert: publishing ${files.length} pact file(s) to ${broker.url} as version ${consumerVersion}${branch ? ` on branch ${branch}` : ''}`);
  const code = await publishPacts({
    broker, files, consumerVersion, ...(branch ? { branch } : {}), tags: flags.tag ?? [], ...(flags.buildUrl ? { buildUrl: flags.buildUrl } : {}),
    onOutput: (text) => process.stdout.write(text),
  });
  if (code !== 0) console.error(`jobcert: pact broker publish ${code === null ? 'could not run or timed out' : `exited ${code}`}`);
  return code === 0 ? EXIT.pass : EXIT.fail;
}

