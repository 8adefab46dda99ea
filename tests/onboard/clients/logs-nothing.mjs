#!/usr/bin/env node
// Logs nothing: breaks CLI-9 (and the log clause of CLI-8, and CLI-10, which also ask for log lines).
import { runClient } from './good-client.mjs';

await runClient({ log: () => {} });
