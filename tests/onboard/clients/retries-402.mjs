#!/usr/bin/env node
// Breaks CLI-8 (and CLI-3, which also forbids it): retries 402 insufficient_credits as if it were transient.
import { POLICY, runClient } from './good-client.mjs';

await runClient({ retryable: (status) => status === 402 || POLICY.retryable(status) });
