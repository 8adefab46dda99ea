import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validatorFor } from '../../contracts/ajv.js';
import { STATUS_OF } from '../../contracts/errors.js';
import { schemasByName } from '../../contracts/schemas.js';
import { operations, resolveRef, specExamples, type ResponseObject } from '../../contracts/spec.js';

describe('contracts/openapi.yaml', () => {
  const examples = specExamples();

  it('has examples for every operation, the seed request among them', () => {
    expect(examples.length).toBeGreaterThan(20);
    const seed = examples.find((e) => e.where === 'startJob request example seed');
    expect(seed?.value).toMatchObject({ model: 'pro', text_prompt: 'person, clothing accessories, glowing ring', background: { type: 'transparent' } });
    for (const op of operations) expect(examples.some((e) => e.where.startsWith(`${op.operationId} 200`)), op.operationId).toBe(true);
  });

  it.each(examples.map((e) => [e.where, e] as const))('%s passes ajv and zod', (_where, example) => {
    const validate = validatorFor(example.schemaRef);
    expect(validate(example.value), JSON.stringify(validate.errors)).toBe(true);
    const name = example.schemaRef.replace('#/components/schemas/', '') as keyof typeof schemasByName;
    const zod = schemasByName[name];
    expect(zod, `a zod schema for ${name}`).toBeDefined();
    expect(zod.safeParse(example.value).success).toBe(true);
  });

  it('documents X-Request-Id on every response (OBS-1) and Retry-After on every 429 (RATE-2)', () => {
    for (const op of operations) {
      for (const [status, raw] of Object.entries(op.operation.responses)) {
        const res = raw.$ref ? resolveRef<ResponseObject>(raw.$ref) : raw;
        expect(Object.keys(res.headers ?? {}), `${op.operationId} ${status}`).toContain('X-Request-Id');
        if (status === '429') expect(Object.keys(res.headers ?? {})).toContain('Retry-After');
        if (status !== '200') expect(res.content?.['application/json']?.schema?.$ref, `${op.operationId} ${status} uses the envelope (ERR-1)`).toBe('#/components/schemas/ErrorResponse');
      }
    }
  });

  it('requires the API key everywhere but /health (AUTH-5)', () => {
    expect(operations.filter((o) => !o.requiresKey).map((o) => o.path)).toEqual(['/health']);
  });

  it('STATUS_OF (contracts/errors.ts) pairs each code with its ERR-2 status', () => {
    const spec = readFileSync(new URL('../../contracts/SPEC.md', import.meta.url), 'utf8');
    const line = spec.split('\n').find((l) => l.includes('**ERR-2**')) ?? '';
    // "`a` `b` (401), `c` (402)": each parenthesised status applies to the codes before it.
    const pairs: [string, number][] = [];
    for (const m of line.matchAll(/((?:`[a-z_]+`\s*)+)\((\d{3})\)/g)) for (const c of m[1]!.matchAll(/`([a-z_]+)`/g)) pairs.push([c[1]!, Number(m[2])]);
    expect(pairs.length).toBe(13);
    expect(Object.entries(STATUS_OF).sort()).toEqual(pairs.sort());
  });

  it('lists exactly the error codes of ERR-2', () => {
    const spec = readFileSync(new URL('../../contracts/SPEC.md', import.meta.url), 'utf8');
    const line = spec.split('\n').find((l) => l.includes('**ERR-2**')) ?? '';
    const codes = [...line.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    const schema = (validatorFor('ErrorCode').schema as { enum: string[] }).enum;
    expect([...schema].sort()).toEqual([...codes].sort());
  });
});

describe('contracts/SPEC.md', () => {
  const shared = new URL('../../../shared/SPEC.md', import.meta.url);
  it.skipIf(!existsSync(shared))('is the same text as ../shared/SPEC.md', () => {
    expect(readFileSync(new URL('../../contracts/SPEC.md', import.meta.url), 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });
});
