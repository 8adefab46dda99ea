/**
 * The FUZZ family's checks: stable ids (JUnit history lines up whatever the
 * seed), the rules each one judges, and what it claims.
 */
export const FUZZ_CHECKS = ['fuzz.valid', 'fuzz.invalid', 'fuzz.raw', 'fuzz.rejected-unchanged', 'fuzz.normalization', 'fuzz.replay', 'fuzz.model'] as const;
export type FuzzCheckId = (typeof FUZZ_CHECKS)[number];

export const FUZZ_RULES: Record<FuzzCheckId, string[]> = {
  'fuzz.valid': ['VAL-1', 'VAL-4', 'ERR-3'],
  'fuzz.invalid': ['VAL-1', 'VAL-2', 'VAL-3', 'VAL-4', 'ERR-1', 'ERR-2', 'ERR-3', 'OBS-2'],
  'fuzz.raw': ['ERR-1', 'ERR-2', 'ERR-3', 'OBS-2'],
  'fuzz.rejected-unchanged': ['VAL-6'],
  'fuzz.normalization': ['VAL-5'],
  'fuzz.replay': ['IDEM-1'],
  'fuzz.model': ['LIFE-1', 'LIFE-4', 'LIFE-5', 'IDEM-1', 'IDEM-2', 'IDEM-3', 'IDEM-4', 'IDEM-5', 'AUTH-4'],
};

export const FUZZ_TITLES: Record<FuzzCheckId, string> = {
  'fuzz.valid': 'generated valid create and start bodies are accepted, never a 5xx',
  'fuzz.invalid': 'bodies one violation away from valid get the promised status, code and error.param',
  'fuzz.raw': 'malformed JSON, wrong content types, odd bytes get 400/415 in the envelope, never a 5xx',
  'fuzz.rejected-unchanged': 'a generated rejected start leaves the job exactly as it was',
  'fuzz.normalization': 'every spelling of a composition stores the same normalized composition',
  'fuzz.replay': 'a replayed create or start equals its original and has no effect',
  'fuzz.model': 'random sequences over two keys keep the state machine, idempotency and billing, and lists and usage reads show them (SPEC §1)',
};
