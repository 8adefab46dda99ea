#!/usr/bin/env node
// The jobcert command. Installed as a package it runs the compiled JavaScript in
// dist/; in a clone of the repository, where the TypeScript sources are, it runs
// them through tsx, so `npm run certify` needs no build step and never a stale one.
import { existsSync } from 'node:fs';

const sources = new URL('../scripts/cli.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../dist/scripts/cli.js', import.meta.url).href);
}
