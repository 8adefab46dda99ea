/**
 * Child-process entry of pact/verify.ts: receives the verification input over
 * IPC (keys never go through argv or the environment), runs it, and answers
 * with the results. The native verifier's console output stays in this
 * process's stdout, which the parent captures.
 */
import { runVerification, type VerificationInput } from './run-verification.js';

process.once('message', (input: VerificationInput) => {
  runVerification(input).then(
    (out) => process.send?.({ ok: true, out }, () => process.exit(0)),
    (err: unknown) => process.send?.({ ok: false, error: err instanceof Error ? err.message : String(err) }, () => process.exit(0)),
  );
});
