// Bi-directional check: every committed pact is validated against
// contracts/openapi.yaml with @pactflow/swagger-mock-validator, so the client
// cannot rely on anything the spec does not promise. The controls mutate a pact
// the way a careless consumer test would and show the validator refusing it.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SwaggerMockValidatorFactory, type ValidationResult } from '@pactflow/swagger-mock-validator';
import { describe, expect, it } from 'vitest';
import { PACT_FILE, PACTS_DIR } from '../../pact/contract.js';

const SPEC = fileURLToPath(new URL('../../contracts/openapi.yaml', import.meta.url));

/** In process, no analytics URL and no broker: nothing leaves the machine. */
function validate(pactPath: string): Promise<ValidationResult> {
  return SwaggerMockValidatorFactory.create().validate({ specPathOrUrl: SPEC, mockPathOrUrl: pactPath });
}
const codes = (r: ValidationResult): string[] => r.errors.map((e) => `${e.code}: ${e.message}`);

interface Pact { interactions: { description: string; request: Record<string, unknown> & { body?: { content: Record<string, unknown> } }; response: Record<string, unknown> & { status: number; body?: { content: Record<string, unknown> } } }[] }

describe('pacts against the spec (swagger-mock-validator)', () => {
  const pacts = readdirSync(PACTS_DIR).filter((f) => f.endsWith('.json'));

  it('there is at least the reference client\'s pact', () => {
    expect(pacts).toContain(PACT_FILE);
  });

  it.each(pacts)('%s: every interaction is what contracts/openapi.yaml promises', async (file) => {
    const result = await validate(join(PACTS_DIR, file));
    expect(codes(result)).toEqual([]);
    expect(result.success).toBe(true);
  });

  describe('controls: a pact relying on what the spec does not promise is refused', () => {
    const base = JSON.parse(readFileSync(join(PACTS_DIR, PACT_FILE), 'utf8')) as Pact;
    const dir = mkdtempSync(join(tmpdir(), 'jobcert-smv-'));
    const find = (pact: Pact, description: string) => {
      const found = pact.interactions.find((i) => i.description === description);
      if (!found) throw new Error(`no interaction "${description}"`);
      return found;
    };
    it.each([
      ['an undocumented status', 'response.status.unknown', (p: Pact) => { find(p, 'get a job that does not exist').response.status = 410; }],
      ['credits_charged as a string', 'response.body.incompatible', (p: Pact) => { (find(p, 'get a completed job').response.body as { content: Record<string, unknown> }).content.credits_charged = '10'; }],
      ['an error code the spec does not list', 'response.body.incompatible', (p: Pact) => { ((find(p, 'get a job that does not exist').response.body as { content: { error: Record<string, unknown> } }).content.error).code = 'job_not_found'; }],
      ['an unknown request field', 'request.body.incompatible', (p: Pact) => { (find(p, 'create a draft job').request.body as { content: Record<string, unknown> }).content.priority = 'high'; }],
      ['an undocumented route', 'request.path-or-method.unknown', (p: Pact) => { find(p, 'list jobs').request.path = '/v1/queue'; }],
    ])('%s', async (_what, code, mutate) => {
      const pact = structuredClone(base);
      mutate(pact);
      const path = join(dir, `${code}-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(path, JSON.stringify(pact));
      const result = await validate(path);
      expect(result.success).toBe(false);
      expect(result.errors.map((e) => e.code)).toContain(code);
    });
  });
});
