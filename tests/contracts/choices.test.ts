// The table of choices SPEC leaves to a provider (contracts/choices.ts) is
// held to SPEC's wording and to the mock: every sentence with the words of a
// choice has a row (or is listed as no choice, with why), every quote is
// SPEC's own text, and every side of every row has a legal variation of the
// mock that takes it, so certify is proven on each (tests/certify/variants.test.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHOICE_WORDS, CHOICES, NOT_CHOICES } from '../../contracts/choices.js';
import { RULES } from '../../contracts/rules.js';
import { VARIANT_NAMES } from '../../mocks/engine/variants.js';

const fold = (text: string): string => text.replace(/\s+/g, ' ').trim();
const SPEC = readFileSync(new URL('../../contracts/SPEC.md', import.meta.url), 'utf8');

/** SPEC's sentences: paragraphs and list items, folded, split after a full stop. */
function sentences(text: string): string[] {
  const blocks = text.split(/\n(?=\s*(?:[-*] |\||#|\n))/).map(fold).filter((b) => b.length > 0 && !b.startsWith('|') && !b.startsWith('#'));
  return blocks.flatMap((b) => b.split(/(?<=[.!?])\s+(?=[A-Z`*(])/));
}

const quotes = [...CHOICES.flatMap((c) => (c.spec ? [c.spec] : [])), ...NOT_CHOICES.map((n) => n.spec)].map(fold);

describe('the choices SPEC leaves to a provider (contracts/choices.ts)', () => {
  it('quotes SPEC verbatim', () => {
    const spec = fold(SPEC);
    for (const q of quotes) expect(spec.includes(q), `not in SPEC.md: ${q}`).toBe(true);
  });

  it('has a row (or a reason it is no choice) for every sentence of SPEC with a choice\'s words', () => {
    const unread = sentences(SPEC).filter((s) => CHOICE_WORDS.test(s)).filter((s) => !quotes.some((q) => s.includes(q) || q.includes(s)));
    expect(unread, 'sentences of SPEC.md that say "may", "either", "any", "the provider\'s" … with no row in contracts/choices.ts').toEqual([]);
  });

  it('gives every row a reason (a SPEC sentence or what SPEC leaves unsaid), known rules and an oracle', () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const c of CHOICES) {
      expect(Boolean(c.spec) !== Boolean(c.unsaid), `${c.id}: either a SPEC quote or what is unsaid`).toBe(true);
      for (const r of c.rules) expect(ids.has(r), `${c.id}: unknown rule ${r}`).toBe(true);
      expect(c.oracle.length, `${c.id}: where the harness predicts the set`).toBeGreaterThan(0);
    }
    expect(new Set(CHOICES.map((c) => c.id)).size).toBe(CHOICES.length);
  });

  it('has the mock on one side and a legal variation on each other side of every row', () => {
    const known = new Set<string>(VARIANT_NAMES);
    for (const c of CHOICES) {
      expect(c.sides.filter((s) => s.default).length, `${c.id}: the mock's own side`).toBe(1);
      expect(c.sides.length, `${c.id}: at least two sides`).toBeGreaterThanOrEqual(2);
      for (const s of c.sides.filter((x) => !x.default)) {
        expect(s.variants.length, `${c.id}: "${s.outcome}" has no variant`).toBeGreaterThan(0);
        for (const v of s.variants) expect(known.has(v), `${c.id}: no variant ${v}`).toBe(true);
      }
    }
  });

  it('justifies every legal variation of the mock by a row', () => {
    const named = new Set(CHOICES.flatMap((c) => c.sides.flatMap((s) => s.variants)));
    expect(VARIANT_NAMES.filter((v) => !named.has(v)), 'variants no row of contracts/choices.ts names').toEqual([]);
  });
});
