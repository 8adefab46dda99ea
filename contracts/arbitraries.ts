/**
 * fast-check arbitraries for the request bodies: valid ones from the spec's
 * constraints (boundaries included) and near-miss mutations of them. The
 * differential contract test uses them now; the FUZZ family will send them.
 */
import fc from 'fast-check';

const int = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }));

const urlHost = fc.oneof(fc.domain(), fc.constantFrom('127.0.0.1', '[::1]', 'localhost'));
const urlPath = fc.array(fc.stringMatching(/^[A-Za-z0-9._~%-]{1,12}$/), { maxLength: 4 }).map((parts) => (parts.length ? `/${parts.join('/')}` : ''));
const urlQuery = fc.option(fc.stringMatching(/^[A-Za-z0-9=&._-]{1,20}$/), { nil: undefined }).map((q) => (q ? `?${q}` : ''));
export const httpsUrl = fc.tuple(urlHost, urlPath, urlQuery).map(([h, p, q]) => `https://${h}${p}${q}`);
export const httpUrl = fc.tuple(fc.constantFrom('http', 'https', 'HTTPS'), urlHost, urlPath, urlQuery).map(([s, h, p, q]) => `${s}://${h}${p}${q}`);

export const model = fc.constantFrom('original', 'light', 'pro', 'human');
export const outputFormat = fc.constantFrom('webm', 'mov', 'mp4', 'gif', 'webp', 'png_sequence');
export const anchor = fc.constantFrom('center', 'top-left', 'top', 'top-right', 'left', 'right', 'bottom-left', 'bottom', 'bottom-right');
export const textPrompt = fc.oneof(
  fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0),
  fc.constantFrom('person, clothing accessories, glowing ring', 'x', ' padded ', 'a'.repeat(500), ` ${'b'.repeat(500)} `),
);
export const background = fc.oneof(
  fc.constant({ type: 'transparent' }),
  fc.record({ type: fc.constant('color'), color: fc.tuple(int(0, 255), int(0, 255), int(0, 255)) }),
  fc.record({ type: fc.constant('image'), image_url: httpsUrl }),
);
const positiveUpTo = (max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(max, 0.001, 1), fc.double({ min: Number.MIN_VALUE, max, noNaN: true }));
export const composition = fc.record(
  {
    // Every leaf is optional on its own (SPEC §1); VAL-5 fills the omitted ones.
    canvas: fc.record({ width: int(16, 7680), height: int(16, 4320) }, { requiredKeys: [] }),
    foreground: fc.record(
      { anchor, scale: positiveUpTo(10), offset: fc.record({ x: int(-7680, 7680), y: int(-7680, 7680) }, { requiredKeys: [] }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

export const startJobRequest = fc.record(
  { model, text_prompt: textPrompt, background, composition, preview_duration: positiveUpTo(60) },
  { requiredKeys: [] },
);
export const createJobRequest = fc.record(
  { video_url: httpUrl, model, output_format: outputFormat, background, text_prompt: textPrompt, webhook_url: httpsUrl, auto_start: fc.boolean() },
  { requiredKeys: ['video_url'] },
);

/** Values that break a type, a range, a format or a length. */
const badValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e9, -1e9, '', ' ', 'x', [], {}, [1, 2], { type: 'x' }),
  fc.constantFrom(15, 7681, 4321, -7681, 256, 0, 10.0001, 60.0001, 'ftp://x', 'http://', 'https://a b', 'a'.repeat(2049)),
  fc.jsonValue({ maxDepth: 2 }),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function paths(value: Json, prefix: string[] = []): string[][] {
  if (value && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
  }
  return [prefix];
}

function setAt(value: Json, path: string[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement === undefined ? {} : replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, Json>) }) as Record<string, Json>;
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    if (replacement === undefined) delete copy[head];
    else copy[head] = replacement;
  } else copy[head] = setAt(copy[head] as Json, rest, replacement);
  return copy as Json;
}

/** A valid payload with one thing changed: a value replaced, a member removed or an unknown member added. */
export function mutated(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return valid.chain((payload) => {
    const json = JSON.parse(JSON.stringify(payload)) as Json;
    const where = paths(json);
    return fc.tuple(fc.constantFrom(...where), fc.constantFrom('replace', 'remove', 'add'), badValue, fc.string({ maxLength: 8 })).map(
      ([path, op, bad, key]) => {
        if (op === 'replace') return setAt(json, path, bad as Json);
        if (op === 'remove') return setAt(json, path, undefined);
        return setAt(json, [...path, key || 'extra'], bad as Json);
      },
    );
  });
}
