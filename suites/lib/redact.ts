/**
 * Keys never leave the process: every recorded or printed text passes through
 * here. A key is replaced wherever it stands as a whole token, also in the
 * forms a target that echoes it back would use (JSON-escaped, percent-encoded),
 * so a key that is short or an ordinary word is still never written, while
 * ordinary text that merely contains it ("secretary" for the key "secret") is
 * left as it was.
 */
export const REDACTED = '<redacted>';

/**
 * A key stands alone when neither neighbour is a word character or a hyphen.
 * Separators such as `=`, `/`, `:` or quotes do not shield it: `?key=K` and
 * `"x-api-key":"K"` are redacted.
 */
const WORD = 'A-Za-z0-9_\\-';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** JSON with every non-ASCII character as \uXXXX, as ASCII-only serializers (Python's json.dumps) echo a key that has one. */
const asciiJson = (key: string): string => JSON.stringify(key).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function formsOf(key: string): string[] {
  return [...new Set([key, JSON.stringify(key).slice(1, -1), asciiJson(key), encodeURIComponent(key)])];
}

export function redactor(keys: readonly (string | undefined)[]): (text: string) => string {
  const secrets = [...new Set(keys.filter((k): k is string => typeof k === 'string' && k.length > 0))];
  if (secrets.length === 0) return (text) => text;
  // Longest first, so a key that contains another is replaced whole.
  const forms = [...new Set(secrets.flatMap(formsOf))].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(?<![${WORD}])(?:${forms.map(escapeRegExp).join('|')})(?![${WORD}])`, 'g');
  return (text) => (forms.some((f) => text.includes(f)) ? text.replace(pattern, REDACTED) : text);
}
