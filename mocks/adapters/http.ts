/**
 * Serves an engine over real HTTP with node:http directly: msw's request
 * pipeline tops out near 1,500 req/s here against ~21,000 for bare node:http,
 * so the wire path only moves bytes. Bodies are read up to the limit and no
 * further; malformed HTTP still gets the error envelope.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo, Socket } from 'node:net';
import { BODY_LIMIT_BYTES } from '../engine/body.js';
import type { Engine } from '../engine/engine.js';
import { sendAfterDelay } from '../engine/latency.js';
import type { MockRequest, MockResponse } from '../engine/types.js';
import type { VariantName } from '../engine/variants.js';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

function toMockRequest(req: IncomingMessage, body: Uint8Array | null, tooLarge: boolean): MockRequest {
  // Node already lower-cases names and joins repeated headers with ", "; only set-cookie stays an
  // array, and no route reads it, so the object is handed over as is (a copy per request costs throughput).
  const headers = req.headers as Record<string, string | undefined>;
  return { method: req.method ?? 'GET', url: req.url ?? '/', headers, body, bodyTooLarge: tooLarge };
}

function writeResponse(res: ServerResponse, out: MockResponse): void {
  // A delayed response may find its client gone.
  if (res.destroyed) return;
  res.writeHead(out.status, out.headers);
  res.end(out.body ?? undefined);
}

/**
 * Reads a request body up to BODY_LIMIT_BYTES and no further (the rest is
 * drained, not kept). Callbacks, not a promise: this is the mock's hot path.
 * The onboarding server reads its bodies the same way.
 */
export function collectBody(req: IncomingMessage, onEnd: (body: Buffer | null, tooLarge: boolean) => void, onError: () => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('error', onError);
  req.on('end', () => onEnd(chunks.length === 0 ? null : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), tooLarge));
}

export function createHttpHandler(engine: Engine): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    collectBody(req, (body, tooLarge) => {
      const out = engine.handle(toMockRequest(req, tooLarge ? null : body, tooLarge));
      sendAfterDelay(engine.variants.size > 0 ? onTheWire(out, engine.variants, req.headers['accept-encoding']) : out, writeResponse, res);
    }, () => res.destroy());
  };
}

/** The variants that only a socket can carry: header case, connection handling, content coding. */
function onTheWire(out: MockResponse, variants: ReadonlySet<VariantName>, acceptEncoding: string | undefined): MockResponse {
  const headers: Record<string, string> = { ...out.headers };
  let body = out.body;
  if (variants.has('compression') && body !== null && /\bgzip\b/.test(acceptEncoding ?? '') && headers['content-length'] === undefined) {
    body = gzipSync(typeof body === 'string' ? Buffer.from(body) : body);
    headers['content-encoding'] = 'gzip';
    headers.vary = 'accept-encoding';
  }
  if (variants.has('no-keepalive')) headers.connection = 'close';
  const delay = out.delayMs ? { delayMs: out.delayMs } : {};
  if (!variants.has('header-case')) return { status: out.status, headers, body, ...delay };
  const cased: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) cased[k === 'x-request-id' ? 'X-REQUEST-ID' : k === 'retry-after' ? 'Retry-after' : k.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase())] = v;
  return { status: out.status, headers: cased, body, ...delay };
}

/** Starts the mock on 127.0.0.1 (port 0 = ephemeral). Loopback only: the mock never listens elsewhere. */
export async function startHttpServer(engine: Engine, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer({ keepAliveTimeout: 5000, requestTimeout: 30_000, headersTimeout: 10_000 }, createHttpHandler(engine));
  const sockets = new Set<Socket>();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  // Malformed HTTP: answer in the SPEC envelope rather than Node's bare "400 Bad Request".
  server.on('clientError', (_err, socket) => {
    if (!socket.writable) return socket.destroy();
    const out = engine.malformed('malformed HTTP request');
    const head = Object.entries(out.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    const body = typeof out.body === 'string' ? out.body : '';
    socket.end(`HTTP/1.1 ${out.status} Bad Request\r\n${head}content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  engine.setBaseUrl(url);
  return {
    url, port, server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}
