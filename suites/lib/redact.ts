/** Keys never leave the process: every recorded or printed text passes through here. */
export const REDACTED = '<redacted>';

export function redactor(keys: readonly (string | undefined)[]): (text: string) => string {
  // Longest first, so a key that contains another is replaced whole. Keys shorter than 4 characters
  // would redact ordinary words; they are still never recorded because headers are replaced by role.
  const secrets = [...new Set(keys.filter((k): k is string => typeof k === 'string' && k.length >= 4))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };
}
