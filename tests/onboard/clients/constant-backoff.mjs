#!/usr/bin/env node
// Breaks CLI-3: waits the same 1 s before every retry, so its delays neither grow nor vary. It honours
// Retry-After (the good client's larger-of-the-two), so after a 429 it waits what the server asked (CLI-2).
import { runClient } from './good-client.mjs';

await runClient({ backoffMs: () => 1000 });
