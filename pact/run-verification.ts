/**
 * One verification, in this process: the pact-js Verifier (its proxy on
 * loopback, the Rust verifier behind it) against the target, with the provider
 * states and the request filter of this folder. pact/verify.ts runs this in a
 * child process, because the native verifier prints straight to stdout.
 */
import { readFileSync } from 'node:fs';
import { Verifier } from '@pact-foundation/pact';
import { checkResult, type CheckResult } from '../core/results.js';
import { redactor } from '../suites/lib/redact.js';
import { disablePactTelemetry, PROVIDER, STATES, type StateName } from './contract.js';
import { providerStates, StateSkipped, type StateConfig } from './provider-states.js';
import { createRequestFilter } from './request-filter.js';
import { toCheckResults, type PactDocument, type VerifierJson } from './results.js';
import { VerificationSession } from './session.js';

export interface BrokerSource {
  url: string;
  token?: string;
  username?: string;
  password?: string;
  /** Record the result in the broker (needs providerVersion). */
  publish: boolean;
  providerVersion?: string;
  providerBranch?: string;
}

export interface VerificationInput extends StateConfig {
  /** Local pact files; ignored when `broker` is given (pacts then come from the broker). */
  pactFiles: string[];
  broker?: BrokerSource;
}

export interface VerificationOutput { checks: CheckResult[]; output: string[]; verified: boolean }

function parseVerifierJson(text: string): VerifierJson | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? (parsed as VerifierJson) : undefined;
  } catch {
    return undefined;
  }
}

export async function runVerification(input: VerificationInput): Promise<VerificationOutput> {
  disablePactTelemetry();
  const redact = redactor([input.keys.primary, input.keys.broke, input.broker?.token, input.broker?.password]);
  const session = new VerificationSession();
  const { handlers, throttle, gate, warmUp } = providerStates(input);
  const stateHandlers = Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, {
    setup: async () => {
      try {
        return await handler.setup();
      } catch (err) {
        const record = session.current;
        const message = redact(err instanceof Error ? err.message : String(err));
        if (record) {
          if (err instanceof StateSkipped) record.skipped = message;
          else record.stateError = message;
        }
        throw err;
      }
    },
    teardown: async () => {
      await handler.teardown?.().catch((err: unknown) => session.current?.notes.push(`teardown: ${redact(err instanceof Error ? err.message : String(err))}`));
      return undefined;
    },
  }])) as Record<StateName, { setup: () => Promise<Record<string, string>>; teardown: () => Promise<undefined> }>;

  const pacts: PactDocument[] = input.pactFiles.map((f) => JSON.parse(readFileSync(f, 'utf8')) as PactDocument);
  const broker = input.broker;
  const verifier = new Verifier({
    provider: PROVIDER,
    providerBaseUrl: input.target,
    logLevel: 'error',
    timeout: input.requestTimeoutMs,
    // pact-js types stateHandlers as HTTP and message handlers at once (an intersection no object satisfies); these are HTTP ones.
    stateHandlers: stateHandlers as unknown as ConstructorParameters<typeof Verifier>[0]['stateHandlers'],
    requestFilter: createRequestFilter({ target: input.target, keys: input.keys, session, throttle, gate, requestTimeoutMs: input.requestTimeoutMs, redact }),
    ...(broker
      ? {
          pactBrokerUrl: broker.url,
          ...(broker.token ? { pactBrokerToken: broker.token } : {}),
          ...(broker.username ? { pactBrokerUsername: broker.username, pactBrokerPassword: broker.password ?? '' } : {}),
          consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }],
          publishVerificationResult: broker.publish,
          ...(broker.providerVersion ? { providerVersion: broker.providerVersion } : {}),
          ...(broker.providerBranch ? { providerVersionBranch: broker.providerBranch } : {}),
          failIfNoPactsFound: true,
        }
      : { pactUrls: input.pactFiles }),
  });

  if (pacts.some((p) => p.interactions.some((i) => i.providerStates?.some((s) => s.name === STATES.completed || s.name === STATES.failed)))) warmUp();
  let text: string;
  try {
    text = await verifier.verifyProvider();
  } catch (err) {
    text = err instanceof Error ? err.message : String(err);
  }
  const json = parseVerifierJson(text);
  if (!json?.interactionResults) {
    const check = checkResult({
      id: 'pact.verification', rules: [], title: 'the pacts could be verified', status: 'error', message: redact(`the verifier did not run: ${text.slice(0, 500)}`),
    });
    return { checks: [check], output: [], verified: false };
  }
  const checks = toCheckResults(json, pacts, session.interactions);
  return { checks, output: (json.output ?? []).map(redact), verified: json.result === true };
}
