/**
 * Random combinations of legal variations: choices that are each legal alone
 * may only break a check together, so `npm test` certifies a few combinations
 * drawn from a seed it prints (a failure names the seed to draw them again).
 */
import { rng } from './seeded.js';
import { VARIANT_NAMES, VARIANTS, type VariantInfo, type VariantName } from './variants.js';


const info = (v: VariantName): VariantInfo => VARIANTS[v] as VariantInfo;

/** Whether `variants` can run together: at most one of each group (parseVariants refuses two). */
export function compatible(variants: readonly VariantName[]): boolean {
  const groups = variants.map((v) => info(v).group).filter((g): g is string => g !== undefined);
  return new Set(groups).size === groups.length;
}

/**
 * `count` combinations of `size` compatible variants each, drawn from `seed`.
 * `exclude` leaves out variants that need a machine to themselves (a 1,000/s bucket).
 */
export function randomCombinations(seed: number, count: number, size: number, exclude: (v: VariantName) => boolean = () => false): VariantName[][] {
  const next = rng(seed);
  const pool = VARIANT_NAMES.filter((v) => !exclude(v));
  const out: VariantName[][] = [];
  for (let i = 0; i < count; i++) {
    const chosen: VariantName[] = [];
    const candidates = [...pool];
    while (chosen.length < size && candidates.length > 0) {
      const [v] = candidates.splice(Math.floor(next() * candidates.length), 1) as [VariantName];
      if (compatible([...chosen, v])) chosen.push(v);
    }
    out.push(chosen.sort());
  }
  return out;
}

/** The settings a set of variants tells certify (VariantInfo.certifyWith), each once. */
export function certifySettingsOf(variants: readonly VariantName[]): string[] {
  return variants.flatMap((v) => [...(info(v).certifyWith ?? [])]);
}
