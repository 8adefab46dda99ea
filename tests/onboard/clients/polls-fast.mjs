#!/usr/bin/env node
// Breaks CLI-6: reads a processing job every 100 ms.
import { runClient } from './good-client.mjs';

await runClient({ pollIntervalMs: () => 100 });
