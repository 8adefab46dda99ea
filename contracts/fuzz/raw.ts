/**
 * Raw-level breakage: bodies broken below JSON Schema (malformed JSON, not an
 * object, wrong or missing content type, empty, deeply nested, huge numbers,
 * duplicate keys, a byte order mark, invalid UTF-8). Each is built around a
 * valid create body (a draft, so a provider that accepts one only makes a
 * draft) and allows exactly the answers ERR-3 and RFC 8259 leave open.
 */
import fc from 'fast-check';
import type { CreateJobRequest } from '../schemas.js';
import type { ErrorCode } from '../schemas.js';

export interface RawPayload { body: string | Uint8Array; contentType: string | null }

export interface RawTemplate {
  id: string;
  describe: string;
  /** Allowed statuses; 200 only where the payload is valid JSON of a valid body under some legal reading. */
  statuses: readonly number[];
  /** Who promises the outcome: ERR-3 (malformed → 400, non-JSON → 415) unless noted. */
  rule: string;
  build(json: string, body: CreateJobRequest): RawPayload;
  /** Sent to a start as well (only templates a provider can never accept, so the shared draft stays a draft). */
  start?: boolean;
}

export const CODE_OF_STATUS: Partial<Record<number, ErrorCode>> = { 400: 'invalid_request', 415: 'unsupported_media_type' };

const JSON_TYPE = 'application/json';
const bytes = (...parts: (string | number[])[]): Uint8Array => {
  const chunks = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
};
/** The body's JSON with one more member spliced in as raw text (so it can be anything, even invalid JSON). */
const withMember = (json: string, member: string): string => (json === '{}' ? `{${member}}` : `${json.slice(0, -1)},${member}}`);
const t = (id: string, describe: string, statuses: number[], build: RawTemplate['build'], extra: Partial<RawTemplate> = {}): RawTemplate =>
  ({ id, describe, statuses, rule: 'ERR-3', build, ...extra });

export const RAW_TEMPLATES: readonly RawTemplate[] = [
  t('truncated', 'JSON cut short by one character', [400], (j) => ({ body: j.slice(0, -1), contentType: JSON_TYPE }), { start: true }),
  t('trailing-comma', 'a trailing comma', [400], (j) => ({ body: `${j.slice(0, -1)},}`, contentType: JSON_TYPE }), { start: true }),
  t('single-quotes', "single-quoted strings", [400], (j) => ({ body: j.replace(/"/g, "'"), contentType: JSON_TYPE }), { start: true }),
  t('nan', 'a NaN literal', [400], (j) => ({ body: withMember(j, '"jobcert_n":NaN'), contentType: JSON_TYPE }), { start: true }),
  t('comment', 'a comment', [400], (j) => ({ body: `/* note */${j}`, contentType: JSON_TYPE }), { start: true }),
  t('trailing-garbage', 'text after the object', [400], (j) => ({ body: `${j}x`, contentType: JSON_TYPE }), { start: true }),
  t('two-documents', 'two JSON documents', [400], (j) => ({ body: `${j}${j}`, contentType: JSON_TYPE }), { start: true }),
  t('array', 'an array instead of an object', [400], (j) => ({ body: `[${j}]`, contentType: JSON_TYPE }), { start: true }),
  t('string', 'a string instead of an object', [400], (j) => ({ body: JSON.stringify(j), contentType: JSON_TYPE }), { start: true }),
  t('null', 'null instead of an object', [400], () => ({ body: 'null', contentType: JSON_TYPE }), { start: true }),
  t('number', 'a number instead of an object', [400], () => ({ body: '42', contentType: JSON_TYPE }), { start: true }),
  t('empty', 'an empty body (create needs video_url)', [400], () => ({ body: '', contentType: JSON_TYPE })),
  t('blank', 'white space only', [400], () => ({ body: ' \n\t ', contentType: JSON_TYPE }), { start: true }),
  t('deep-array', '10,000 nested arrays', [400], (j) => ({ body: withMember(j, `"jobcert_deep":${'['.repeat(10_000)}${']'.repeat(10_000)}`), contentType: JSON_TYPE }), { start: true }),
  t('deep-object', '5,000 nested objects', [400], (j) => ({ body: withMember(j, `"jobcert_deep":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`), contentType: JSON_TYPE }), { start: true }),
  t('huge-number', 'a number beyond double range (1e400) as the model', [400], (j) => ({ body: withMember(j.replace(/,?"model":"[^"]*"/, '').replace('{,', '{'), '"model":1e400'), contentType: JSON_TYPE }), { start: true }),
  t('long-integer', 'a 40-digit integer as auto_start', [400], (j) => ({ body: withMember(j.replace(/,?"auto_start":(true|false)/, '').replace('{,', '{'), `"auto_start":${'9'.repeat(40)}`), contentType: JSON_TYPE })),
  // RFC 8259 leaves duplicate names to the parser: any reading of these is a valid body, or a 400 for a strict parser.
  t('duplicate-same', 'a member repeated with the same value', [200, 400], (j, b) => ({ body: withMember(j, `"video_url":${JSON.stringify(b.video_url)}`), contentType: JSON_TYPE })),
  t('duplicate-different', 'the model given twice, two valid values', [200, 400], (j) => ({ body: withMember(j.replace(/,?"model":"[^"]*"/, '').replace('{,', '{'), '"model":"light","model":"human"'), contentType: JSON_TYPE })),
  // RFC 8259 §8.1: a parser may ignore a byte order mark rather than treat it as an error.
  t('bom', 'a UTF-8 byte order mark before the JSON', [200, 400], (j) => ({ body: bytes([0xef, 0xbb, 0xbf], j), contentType: JSON_TYPE })),
  t('invalid-utf8', 'an invalid UTF-8 byte at the start of the video_url', [400], (j) => {
    const at = j.indexOf('"video_url":"') + '"video_url":"'.length;
    return { body: bytes(j.slice(0, at), [0xff], j.slice(at)), contentType: JSON_TYPE };
  }),
  t('overlong-utf8', 'an overlong UTF-8 encoding of "/" as the first byte', [400], (j) => ({ body: bytes([0xc0, 0xaf], j), contentType: JSON_TYPE }), { start: true }),
  t('lone-surrogate-utf8', 'a UTF-8-encoded lone surrogate as the first byte', [400], (j) => ({ body: bytes([0xed, 0xa0, 0x80], j), contentType: JSON_TYPE }), { start: true }),
  t('text-plain', 'the JSON sent as text/plain', [415], (j) => ({ body: j, contentType: 'text/plain' }), { start: true }),
  t('form', 'a form body', [415], (_, b) => ({ body: `video_url=${encodeURIComponent(b.video_url)}`, contentType: 'application/x-www-form-urlencoded' }), { start: true }),
  t('xml', 'XML', [415], () => ({ body: '<job><video_url>x</video_url></job>', contentType: 'application/xml' }), { start: true }),
  t('multipart', 'multipart/form-data', [415], (j) => ({ body: `--x\r\nContent-Disposition: form-data; name="body"\r\n\r\n${j}\r\n--x--\r\n`, contentType: 'multipart/form-data; boundary=x' }), { start: true }),
  // SPEC leaves a body without a content type to the provider: not JSON by content type (415), or simply not readable (400).
  t('no-content-type', 'the JSON with no Content-Type', [400, 415], (j) => ({ body: j, contentType: null }), { start: true }),
  t('charset', 'application/json; charset=utf-8', [200], (j) => ({ body: j, contentType: 'application/json; charset=utf-8' })),
  t('media-type-case', 'Application/JSON (media types are case-insensitive, RFC 9110 §8.3.1)', [200], (j) => ({ body: j, contentType: 'Application/JSON' })),
];

export interface RawCase { template: RawTemplate; endpoint: 'create' | 'start'; payload: RawPayload; body: CreateJobRequest }

/** Raw cases around valid draft bodies; the templates a provider can never accept also go to a start. */
export function rawCase(draftBody: fc.Arbitrary<CreateJobRequest>): fc.Arbitrary<RawCase> {
  return fc.tuple(draftBody, fc.constantFrom(...RAW_TEMPLATES), fc.boolean()).map(([body, template, toStart]) => {
    const endpoint = toStart && template.start ? 'start' : 'create';
    return { template, endpoint, body, payload: template.build(JSON.stringify(body), body) };
  });
}
