#!/usr/bin/env node
// Breaks CLI-2 (and so CLI-12): after a 429 it waits only its own backoff, never the server's Retry-After.
import { runClient } from './good-client.mjs';

await runClient({ retryAfterMs: () => 0 });
