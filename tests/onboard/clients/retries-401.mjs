#!/usr/bin/env node
// Breaks CLI-1 (and CLI-3, which also forbids it): treats 401 as transient ("a new key may take a moment to
// propagate") and sends the refused request again, with the same key, with backoff.
import { POLICY, runClient } from './good-client.mjs';
await runClient({ retryable: (status) => status === 401 || POLICY.retryable(status) });
