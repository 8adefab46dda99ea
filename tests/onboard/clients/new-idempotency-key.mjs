#!/usr/bin/env node
// Breaks CLI-4: every retry of a create or start gets a fresh Idempotency-Key, so a lost response is done twice.
import { randomUUID } from 'node:crypto';
import { runClient } from './good-client.mjs';

await runClient({ idempotencyKey: (first, attempt) => (attempt === 0 ? first : randomUUID()) });
