/** The reference setup's three keys (SPEC §3). Test keys only; they unlock nothing outside the mock. */
import type { AccountConfig } from './types.js';

export const DEFAULT_ACCOUNTS: readonly AccountConfig[] = [
  { name: 'primary', key: 'jc_test_primary_7d1f0c', credits: 1_000_000 },
  { name: 'second', key: 'jc_test_second_4b9e2a', credits: 1_000_000 },
  { name: 'zero-credit', key: 'jc_test_broke_0a5c11', credits: 0 },
];

/** Replaces the default keys by name, keeping their credits (the CLI's --api-key/--alt-api-key/--broke-api-key). */
export function accountsWithKeys(keys: { primary?: string; second?: string; broke?: string }): AccountConfig[] {
  const replacement = [keys.primary, keys.second, keys.broke];
  return DEFAULT_ACCOUNTS.map((a, i) => ({ ...a, key: replacement[i] ?? a.key }));
}
