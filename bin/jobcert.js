#!/usr/bin/env node
// The published entry: registers tsx so the TypeScript sources run as they are (no build step to go stale).
import { register } from 'tsx/esm/api';

register();
await import('../scripts/cli.ts');
