// The shipped JSON Schema of jobcert.config.json is the zod schema the CLI
// checks the file with, rendered (scripts/config-schema.ts): stale, it fails.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA_PATH, configJsonSchema } from '../../scripts/config-schema.js';
import { SETTINGS } from '../../scripts/certify/settings.js';

describe('contracts/jobcert.config.schema.json', () => {
  it('is up to date with the zod schema of the config file (npm run config:schema writes it)', () => {
    expect(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')).toBe(configJsonSchema());
  });

  it('accepts a good config and rejects what the CLI rejects: unknown keys, wrong types, out of range', () => {
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')));
    expect(validate({ $schema: './node_modules/jobcert/dist/contracts/jobcert.config.schema.json', target: 'https://staging.example.com', videoUrl: ['short=https://cdn.example.com/5s.mp4'], profile: 'full', concurrency: 4, strict: true, allowLoad: true, thresholds: ['p99<800'] }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ targt: 'x' })).toBe(false);
    expect(validate({ concurrency: 'many' })).toBe(false);
    expect(validate({ concurrency: 0 })).toBe(false);
    expect(validate({ profile: 'slow' })).toBe(false);
    const schema = JSON.parse(readFileSync(CONFIG_SCHEMA_PATH, 'utf8')) as { properties: Record<string, { description?: string }> };
    for (const key of Object.keys(SETTINGS)) expect(schema.properties[key]?.description, key).toBeTruthy();
  });
});
