#!/usr/bin/env node
// Breaks CLI-3: treats 400 invalid_request as transient and sends the same request again.
import { POLICY, runClient } from './good-client.mjs';

await runClient({ retryable: (status) => status === 400 || POLICY.retryable(status) });
