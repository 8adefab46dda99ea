#!/usr/bin/env node
// Breaks CLI-5: creates carry an Idempotency-Key, starts none ("a second start is refused 409 anyway", IDEM-5).
// So a start whose answer was lost is retried keyless, gets 409 job_not_startable, and the client gives up a job
// the provider did start and charge.
import { POLICY, runClient } from './good-client.mjs';
await runClient({ newIdempotencyKey: (op) => (op === 'start' ? undefined : POLICY.newIdempotencyKey(op)) });
