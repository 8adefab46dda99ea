#!/usr/bin/env node
// Breaks CLI-6: no job timeout, so a job that never finishes is polled until someone stops the client.
import { runClient } from './good-client.mjs';

await runClient({ jobTimeoutMs: Number.POSITIVE_INFINITY });
