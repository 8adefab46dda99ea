/**
 * exchanges.har: every exchange of the run as HTTP Archive 1.2, so a run opens
 * in browser devtools and proxy tools. Each entry's comment names the check
 * that sent it and the rules that check cites; keys were redacted when the
 * exchange was recorded and writeReports redacts the file once more. An
 * exchange that got no answer is an entry with status 0 and the reason in
 * `_error` and the comment, as Chromium exports a failed request.
 */
import type { Exchange } from '../exchange.js';
import type { Compliance } from '../results.js';
import { trafficOf, type RunTraffic } from './traffic.js';
import type { ReportWriter } from './writer.js';

interface NameValue { name: string; value: string }

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

const pairs = (headers: Record<string, string>): NameValue[] => Object.entries(headers).map(([name, value]) => ({ name, value }));

function queryOf(url: string): NameValue[] {
  try {
    return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
  } catch {
    return [];
  }
}

function entryOf(e: Exchange, check: string, rules: readonly string[]): Record<string, unknown> {
  const contentType = (h: Record<string, string>): string => h['content-type'] ?? '';
  const request = {
    // A redacted key in a query (<redacted>) is no URI character: encoded, the entry stays a valid URL.
    method: e.request.method, url: e.request.url.replace(/[<>"\s]/g, encodeURIComponent), httpVersion: 'HTTP/1.1', cookies: [], headers: pairs(e.request.headers), queryString: queryOf(e.request.url),
    ...(e.request.body !== undefined ? { postData: { mimeType: contentType(e.request.headers) || 'application/json', text: e.request.body } } : {}),
    headersSize: -1, bodySize: e.request.body !== undefined ? Buffer.byteLength(e.request.body) : 0,
  };
  const r = e.response;
  const response = r
    ? {
      status: r.status, statusText: STATUS_TEXT[r.status] ?? '', httpVersion: 'HTTP/1.1', cookies: [], headers: pairs(r.headers),
      content: { size: Buffer.byteLength(r.body), mimeType: contentType(r.headers), text: r.body, ...(r.truncated ? { comment: 'body cut by jobcert\'s size cap' } : {}) },
      redirectURL: r.headers.location ?? '', headersSize: -1, bodySize: Buffer.byteLength(r.body),
    }
    : { status: 0, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: -1, _error: e.error ?? 'no response' };
  const comment = [`check ${check}`, rules.length ? `rules ${rules.join(' ')}` : '', e.request_id ? `request id ${e.request_id}` : '', e.note ?? '', r ? '' : `no response: ${e.error ?? 'unknown'}`, ...e.violations.map((v) => `spec: ${v.message}`)].filter(Boolean).join('; ');
  return {
    startedDateTime: e.started_at, time: Math.max(0, e.time_ms), request, response, cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: Math.max(0, e.time_ms), receive: 0, ssl: -1 },
    comment, _jobcert: { check, rules, key: e.key },
  };
}

export function renderHar(doc: Compliance, traffic?: RunTraffic): string {
  const t = trafficOf(doc, traffic);
  const entries = t.entries.filter((x) => !Number.isNaN(Date.parse(x.exchange.started_at)))
    .map((x) => entryOf(x.exchange, x.check, x.rules))
    .sort((a, b) => Date.parse(a.startedDateTime as string) - Date.parse(b.startedDateTime as string));
  return `${JSON.stringify({
    log: {
      version: '1.2', creator: { name: 'jobcert', version: doc.version }, browser: { name: 'jobcert', version: doc.version },
      comment: `jobcert ${doc.verdict} run against ${doc.target}, started ${doc.started_at}; ${t.complete ? 'every exchange of the run\'s checks and rate-limit discovery (the PACT and LOAD stages keep their own records)' : "the checks' kept evidence only (the head and tail of each check's exchanges, and every one that broke the spec)"}; keys redacted`,
      entries,
    },
  }, null, 1)}\n`;
}

export const harReport: ReportWriter = { format: 'har', file: 'exchanges.har', render: renderHar };
