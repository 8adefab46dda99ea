/** Drives the engine in-process with a manual clock: no sockets, no real time. */
import { createEngine, DEFAULT_ACCOUNTS, type EngineOptions, type LogEntry } from '../../mocks/index.js';

export const KEYS = {
  primary: DEFAULT_ACCOUNTS[0]!.key,
  second: DEFAULT_ACCOUNTS[1]!.key,
  broke: DEFAULT_ACCOUNTS[2]!.key,
};

export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  // Tests read arbitrary JSON members; the schema tests pin the shapes.
  json: any;
}

export interface CallOptions {
  /** null sends no X-Api-Key at all. */
  key?: string | null;
  body?: unknown;
  /** Raw body bytes or text, sent as is. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export const VIDEO = 'https://media.example.com/clips/interview.mp4?duration=30';

export function setup(options: EngineOptions & { faults?: string[] } = {}) {
  let now = Date.parse('2026-01-01T00:00:00.000Z');
  const logs: LogEntry[] = [];
  const engine = createEngine({
    rateLimit: false, processingMs: 300, baseUrl: 'http://mock.test', ...options,
    clock: { now: () => now }, log: (e) => logs.push(e),
  });

  function call(method: string, url: string, opts: CallOptions = {}): Reply {
    const headers: Record<string, string> = { ...opts.headers };
    const key = opts.key === undefined ? KEYS.primary : opts.key;
    if (key !== null) headers['x-api-key'] = key;
    let body: Uint8Array | null = null;
    if (opts.raw !== undefined) body = typeof opts.raw === 'string' ? new TextEncoder().encode(opts.raw) : opts.raw;
    else if (opts.body !== undefined) {
      body = new TextEncoder().encode(JSON.stringify(opts.body));
      headers['content-type'] ??= 'application/json';
    }
    const res = engine.handle({ method, url, headers, body });
    const text = res.body === null ? '' : typeof res.body === 'string' ? res.body : new TextDecoder().decode(res.body);
    let json: unknown;
    try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
    return { status: res.status, headers: res.headers, text, json };
  }

  const draft = (body: Record<string, unknown> = {}, key: string = KEYS.primary): string => {
    const r = call('POST', '/v1/jobs', { key, body: { video_url: VIDEO, auto_start: false, ...body } });
    if (r.status !== 200) throw new Error(`draft failed: ${r.status} ${r.text}`);
    return r.json.id as string;
  };
  const start = (id: string, body: unknown = {}, opts: CallOptions = {}): Reply => call('POST', `/v1/jobs/${id}/start`, { body, ...opts });
  const job = (id: string, key: string = KEYS.primary): Reply => call('GET', `/v1/jobs/${id}`, { key });
  const events = (jobId?: string, key: string = KEYS.primary): Reply => call('GET', `/v1/usage/events${jobId ? `?job_id=${jobId}` : ''}`, { key });
  const advance = (ms: number): void => { now += ms; };

  return { engine, call, draft, start, job, events, advance, logs, now: () => now };
}
export type Harness = ReturnType<typeof setup>;
