/**
 * The mock engine over loopback HTTP with a response transform in between: a
 * provider that differs from the mock in ways the spec allows (or not), for
 * the provider verification tests.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Engine, MockResponse } from '../../mocks/index.js';

export interface VariantServer { url: string; close(): Promise<void> }

export async function startVariantServer(engine: Engine, transform: (res: MockResponse, now: number) => MockResponse): Promise<VariantServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? Buffer.concat(chunks) : null;
      const out = transform(engine.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers as Record<string, string | undefined>, body }), Date.now());
      res.writeHead(out.status, out.headers);
      res.end(out.body ?? undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  engine.setBaseUrl(url);
  return { url, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

/**
 * What the spec allows a provider to do differently: Retry-After as an
 * HTTP-date, members and headers the spec does not name (APIs grow by
 * addition), `application/json` without a charset.
 */
export function legalVariation(res: MockResponse, now: number): MockResponse {
  const headers: Record<string, string> = { ...res.headers, 'x-powered-by': 'another-provider', 'cache-control': 'no-store' };
  const seconds = headers['retry-after'];
  if (seconds !== undefined && /^\d+$/.test(seconds)) headers['retry-after'] = new Date((Math.ceil(now / 1000) + Number(seconds) + 1) * 1000).toUTCString();
  let body = res.body;
  if (typeof body === 'string' && headers['content-type']?.startsWith('application/json')) {
    headers['content-type'] = 'application/json';
    const json = JSON.parse(body) as Record<string, unknown>;
    json.vendor_extension = { region: 'eu-west', trace: 'abc' };
    if (json.error && typeof json.error === 'object') Object.assign(json.error, { details: { hint: 'see docs' }, doc_url: 'https://docs.example.com/errors' });
    if (Array.isArray(json.jobs)) json.jobs = json.jobs.map((j: Record<string, unknown>) => ({ ...j, priority: 'normal' }));
    if (json.history) json.tags = ['x'];
    body = JSON.stringify(json);
  }
  return { status: res.status, headers, body };
}
