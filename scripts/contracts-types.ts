/**
 * Generates contracts/generated/api.d.ts from contracts/openapi.yaml, or with
 * `--check` fails (exit 1) when the checked-in file is stale. One function does
 * both so the check can never compare against a differently configured build.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const specUrl = new URL('../contracts/openapi.yaml', import.meta.url);
const outUrl = new URL('../contracts/generated/api.d.ts', import.meta.url);

const HEADER = '/**\n * Generated from contracts/openapi.yaml by `npm run contracts:generate`. Do not edit:\n * `npm run contracts:check` (part of `npm test`) fails when this file is stale.\n */\n\n';

export async function renderTypes(): Promise<string> {
  // defaultNonNullable: false keeps request fields with a default optional, as clients may omit them.
  const ast = await openapiTS(specUrl, { defaultNonNullable: false, alphabetize: false });
  return HEADER + astToString(ast);
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const fresh = await renderTypes();
  const current = await readFile(outUrl, 'utf8').catch(() => '');
  if (!check) {
    await writeFile(outUrl, fresh);
    console.log(`wrote ${fileURLToPath(outUrl)}`);
    return;
  }
  if (current !== fresh) {
    console.error('contracts/generated/api.d.ts is stale: run `npm run contracts:generate` and commit it.');
    process.exit(1);
  }
  console.log('contracts/generated/api.d.ts is up to date with contracts/openapi.yaml');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(`contracts: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  });
}
