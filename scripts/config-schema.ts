/**
 * contracts/jobcert.config.schema.json, the JSON Schema of jobcert.config.json,
 * generated from the zod schema the CLI checks the file with (zod 4's
 * toJSONSchema), so editors complete and check the same rules. The package ships
 * it; tests/contracts/config-schema.test.ts fails when it is stale.
 * `npm run config:schema` writes it.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigFileSchema } from './certify/settings.js';

export const CONFIG_SCHEMA_PATH = fileURLToPath(new URL('../contracts/jobcert.config.schema.json', import.meta.url));

export function configJsonSchema(): string {
  const schema = z.toJSONSchema(ConfigFileSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  const doc = {
    $schema: schema.$schema,
    $id: 'https://jobcert.dev/schemas/jobcert.config.schema.json',
    title: 'jobcert.config.json',
    description: 'Settings of jobcert certify, load, pact and onboard; flags win over JOBCERT_* environment variables, which win over this file. Keep keys out of it: prefer JOBCERT_API_KEY and friends.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CONFIG_SCHEMA_PATH, configJsonSchema());
  console.log(`wrote ${CONFIG_SCHEMA_PATH}`);
}
