// Bi-directional check: every committed pact is held to contracts/openapi.yaml
// (pact/spec-crosscheck.ts), so the client cannot rely on anything the spec
// does not promise. The controls mutate a pact the way a careless consumer
// test would and show the cross-check refusing it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACT_FILE, PACTS_DIR } from '../../pact/contract.js';
import { crosscheckPact } from '../../pact/spec-crosscheck.js';

interface Pact { interactions: { description: string; request: Record<string, unknown> & { body?: { content: Record<string, unknown> } }; response: Record<string, unknown> & { status: number; body?: { content: Record<string, unknown> } } }[] }
const messages = (pact: unknown): string[] => crosscheckPact(pact).map((v) => `${v.where}: ${v.message}`);

describe('pacts against the spec (pact/spec-crosscheck.ts)', () => {
  const pacts = readdirSync(PACTS_DIR).filter((f) => f.endsWith('.json'));

  it('there is at least the reference client\'s pact', () => {
    expect(pacts).toContain(PACT_FILE);
  });

  it.each(pacts)('%s: every interaction is what contracts/openapi.yaml promises', (file) => {
    expect(messages(JSON.parse(readFileSync(join(PACTS_DIR, file), 'utf8')))).toEqual([]);
  });

  describe('controls: a pact relying on what the spec does not promise is refused', () => {
    const base = JSON.parse(readFileSync(join(PACTS_DIR, PACT_FILE), 'utf8')) as Pact;
    const find = (pact: Pact, description: string) => {
      const found = pact.interactions.find((i) => i.description === description);
      if (!found) throw new Error(`no interaction "${description}"`);
      return found;
    };
    it.each([
      ['an undocumented status', /get a job that does not exist: response: status 410 is not documented/, (p: Pact) => { find(p, 'get a job that does not exist').response.status = 410; }],
      ['credits_charged as a string', /get a completed job: response: body\.credits_charged must be/, (p: Pact) => { (find(p, 'get a completed job').response.body as { content: Record<string, unknown> }).content.credits_charged = '10'; }],
      ['an error code the spec does not list', /get a job that does not exist: response: body\.error\.code/, (p: Pact) => { ((find(p, 'get a job that does not exist').response.body as { content: { error: Record<string, unknown> } }).content.error).code = 'job_not_found'; }],
      ['an unknown request field', /create a draft job: request: body must NOT have additional properties/, (p: Pact) => { (find(p, 'create a draft job').request.body as { content: Record<string, unknown> }).content.priority = 'high'; }],
      ['an undocumented route', /list jobs: request: no operation of contracts\/openapi\.yaml/, (p: Pact) => { find(p, 'list jobs').request.path = '/v1/queue'; }],
      ['success expected for a request the policy refuses', /start a draft job with model original: request: VAL-2: text_prompt/, (p: Pact) => { (find(p, 'start a draft job with model original').request.body as { content: Record<string, unknown> }).content.text_prompt = 'a cat'; }],
      ['an empty Retry-After', /list jobs while the rate limit is exhausted: response: header Retry-After/, (p: Pact) => { (find(p, 'list jobs while the rate limit is exhausted').response.headers as Record<string, string[]>)['Retry-After'] = ['']; }],
    ])('%s', (_what, expected, mutate) => {
      const pact = structuredClone(base);
      mutate(pact);
      expect(messages(pact).join('\n')).toMatch(expected);
    });

    it('not an object with interactions', () => {
      expect(messages({})).toEqual(['pact: no interactions list']);
    });
  });
});
