// zod and the ajv validator compiled from openapi.yaml must agree, accept or
// reject, on the same payloads: this is what keeps contracts/schemas.ts from
// drifting away from the spec at run time (the type check guards compile time).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createJobRequest, mutated, startJobRequest } from '../../contracts/arbitraries.js';
import { validatorFor } from '../../contracts/ajv.js';
import { CreateJobRequest, StartJobRequest } from '../../contracts/schemas.js';

const RUNS = 2_600; // × 4 properties = 10,400 payloads

const cases = [
  { name: 'StartJobRequest', zod: StartJobRequest, valid: startJobRequest },
  { name: 'CreateJobRequest', zod: CreateJobRequest, valid: createJobRequest },
] as const;

describe('zod ≡ ajv(openapi.yaml) on generated payloads', () => {
  for (const c of cases) {
    const ajv = validatorFor(c.name);
    const roundTrip = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

    it(`${c.name}: valid payloads pass both`, () => {
      fc.assert(fc.property(c.valid, (payload) => {
        const body = roundTrip(payload);
        expect({ ajv: ajv(body), zod: c.zod.safeParse(body).success }).toEqual({ ajv: true, zod: true });
      }), { numRuns: RUNS });
    });

    it(`${c.name}: mutated payloads get the same verdict from both`, () => {
      let rejected = 0;
      fc.assert(fc.property(mutated(c.valid as fc.Arbitrary<Record<string, unknown>>), (payload) => {
        const body = roundTrip(payload);
        const verdict = ajv(body);
        if (!verdict) rejected++;
        expect(c.zod.safeParse(body).success, JSON.stringify(body).slice(0, 300)).toBe(verdict);
      }), { numRuns: RUNS });
      // The mutations must mostly produce invalid payloads, or the property proves little.
      expect(rejected).toBeGreaterThan(RUNS / 2);
    });
  }
});
