import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVIDER_RULES, RULES } from '../../contracts/rules.js';
import { FAULT_NAMES, FAULTS } from '../../mocks/engine/faults.js';
import { VARIANT_NAMES } from '../../mocks/engine/variants.js';

const spec = readFileSync(new URL('../../contracts/SPEC.md', import.meta.url), 'utf8');

describe('the rule catalogue (contracts/rules.ts)', () => {
  it('has every rule of SPEC.md (§2 provider, §4 client) with its level, and nothing else', () => {
    const fromSpec = [...spec.matchAll(/\*\*([A-Z]+-\d+)\*\* (MUST|SHOULD)/g)].map((m) => `${m[1]} ${m[2]?.toLowerCase()}`);
    expect(fromSpec.length).toBeGreaterThan(30);
    expect(RULES.map((r) => `${r.id} ${r.level}`).sort()).toEqual(fromSpec.sort());
  });

  it('every provider rule ID is cited by at least one mock test', () => {
    const dir = new URL('../mock/', import.meta.url);
    const text = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');
    const missing = PROVIDER_RULES.filter((r) => !new RegExp(`\\b${r.id}\\b`).test(text)).map((r) => r.id);
    expect(missing).toEqual([]);
  });
});

describe('the fault catalogue (mocks/engine/faults.ts)', () => {
  const dir = new URL('../mock/', import.meta.url);
  const text = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n');

  it('has at least one fault per rule family', () => {
    const families = new Set(Object.values(FAULTS).map((f) => f.family));
    for (const family of ['AUTH', 'RATE', 'IDEM', 'OBS', 'ERR', 'VAL', 'LIFE']) expect(families).toContain(family);
  });

  it('every fault is exercised by a mock test, which shows it breaking its rule', () => {
    expect(FAULT_NAMES.filter((name) => !text.includes(`'${name}'`))).toEqual([]);
  });

  it('every fault cites real rule IDs', () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const [name, info] of Object.entries(FAULTS)) for (const rule of info.rules) expect(ids.has(rule), `${name} cites ${rule}`).toBe(true);
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  it('lists every fault', () => {
    expect(FAULT_NAMES.filter((n) => !readme.includes(`\`${n}\``))).toEqual([]);
  });
  it('lists every legal variation', () => {
    expect(VARIANT_NAMES.filter((n) => !readme.includes(`| \`${n}\` |`))).toEqual([]);
  });
});
