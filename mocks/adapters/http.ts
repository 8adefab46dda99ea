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
  // The mock's side of §1's framing choice is Content-Length (the chunked variant takes the other);
  // without it node:http would frame the answer chunked because the head is written first.
  if (out.body !== null && out.headers['content-length'] === undefined && out.headers['Content-Length'] === undefined) out.headers['content-length'] = String(typeof out.body === 'string' ? Buffer.byteLength(out.body) : out.body.byteLength);
  res.writeHead(out.status, out.headers);
  res.end(out.body ?? undefined);
}

/** Pieces a chunked body is cut into: more than one, so a client must put the frames back together. */
const CHUNKED_PIECES = 3;

/**
 * The chunked variant: no Content-Length, so node:http frames the body as
 * chunks; the pieces go out on separate turns of the event loop so they tend to
 * reach the client in separate reads too, as from a server that streams.
 */
function writeChunked(res: ServerResponse, out: MockResponse): void {
  if (res.destroyed) return;
  // Any case: header-case may have renamed it.
  res.writeHead(out.status, Object.fromEntries(Object.entries(out.headers).filter(([k]) => k.toLowerCase() !== 'content-length')));
  const body = out.body === null ? Buffer.alloc(0) : typeof out.body === 'string' ? Buffer.from(out.body) : Buffer.from(out.body.buffer, out.body.byteOffset, out.body.byteLength);
  const size = Math.ceil(body.length / CHUNKED_PIECES);
  const pieces: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) pieces.push(body.subarray(at, at + size));
  writePieces(res, pieces, 0);
}

function writePieces(res: ServerResponse, pieces: readonly Buffer[], i: number): void {
  if (res.destroyed) return;
  if (i >= pieces.length) { res.end(); return; }
  res.write(pieces[i]);
  setImmediate(writePieces, res, pieces, i + 1);
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
  if (engine.variants.size === 0) {
    return (req, res) => {
      collectBody(req, (body, tooLarge) => {
        sendAfterDelay(engine.handle(toMockRequest(req, tooLarge ? null : body, tooLarge)), writeResponse, res);
      }, () => res.destroy());
    };
  }
  const wire = onTheWire(engine.variants);
  const write = engine.variants.has('chunked') ? writeChunked : writeResponse;
  return (req, res) => {
    // Taken as the request arrives, before its body: per-connection counts follow the order on the wire.
    const decide = wire(req, res);
    collectBody(req, (body, tooLarge) => {
      sendAfterDelay(decide(engine.handle(toMockRequest(req, tooLarge ? null : body, tooLarge))), write, res);
    }, () => res.destroy());
  };
}

/** close-after-n: the answer that closes its connection. */
const CLOSE_AFTER_REQUESTS = 3;
/** idle-close: how long a connection may sit idle before the server closes it. */
const IDLE_CLOSE_MS = 300;

/**
 * latency-tail: extra ms for one answer, heavy-tailed: nine in ten at once,
 * one in ten 50–400 ms, one in a hundred up to 1.5 s (a cold cache, a GC pause).
 */
export function tailLatencyMs(): number {
  const r = Math.random();
  if (r < 0.01) return 400 + Math.round(Math.random() * 1100);
  if (r < 0.11) return 50 + Math.round(Math.random() * 350);
  return 0;
}

/**
 * The variants that only a socket can carry: header case, connection handling,
 * content coding, latency. Returns, per request, the step that turns the
 * engine's answer into what goes on the wire; per-connection state lives here,
 * keyed by socket, so it goes when the socket does.
 */
function onTheWire(variants: ReadonlySet<VariantName>): (req: IncomingMessage, res: ServerResponse) => (out: MockResponse) => MockResponse {
  const served = new WeakMap<Socket, number>();
  const closeAfterN = variants.has('close-after-n');
  const idle = variants.has('idle-close') ? idleCloser() : undefined;
  return (req, res) => {
    idle?.(req.socket, res);
    let closeNow = false;
    if (closeAfterN) {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      closeNow = n >= CLOSE_AFTER_REQUESTS;
    }
    return (out) => shapeForWire(out, variants, req.headers['accept-encoding'], closeNow);
  };
}

/**
 * idle-close's own idle timer. node:http's keepAliveTimeout cannot do it: Node
 * 20 closes only a second after it (HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER) and
 * announces it in a Keep-Alive hint, while this variant promises nothing. The
 * server runs with keepAliveTimeout 0 (no hint, no timer of its own); a socket
 * with no answer outstanding gets an inactivity timeout, which node:http turns
 * into destroy() (socketOnTimeout, no 'timeout' listener here).
 */
function idleCloser(): (socket: Socket, res: ServerResponse) => void {
  const outstanding = new WeakMap<Socket, number>();
  return (socket, res) => {
    outstanding.set(socket, (outstanding.get(socket) ?? 0) + 1);
    socket.setTimeout(0);
    res.once('close', () => {
      const left = (outstanding.get(socket) ?? 1) - 1;
      outstanding.set(socket, left);
      if (left === 0 && !socket.destroyed) socket.setTimeout(IDLE_CLOSE_MS);
    });
  };
}

function shapeForWire(out: MockResponse, variants: ReadonlySet<VariantName>, acceptEncoding: string | undefined, closeNow: boolean): MockResponse {
  const headers: Record<string, string> = { ...out.headers };
  let body = out.body;
  if (variants.has('compression') && body !== null && /\bgzip\b/.test(acceptEncoding ?? '') && headers['content-length'] === undefined) {
    body = gzipSync(typeof body === 'string' ? Buffer.from(body) : body);
    headers['content-encoding'] = 'gzip';
    headers.vary = 'accept-encoding';
  }
  if (variants.has('no-keepalive') || closeNow) headers.connection = 'close';
  const delayMs = (out.delayMs ?? 0) + (variants.has('latency-tail') ? tailLatencyMs() : 0);
  const delay = delayMs > 0 ? { delayMs } : {};
  if (!variants.has('header-case')) return { status: out.status, headers, body, ...delay };
  const cased: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) cased[k === 'x-request-id' ? 'X-REQUEST-ID' : k === 'retry-after' ? 'Retry-after' : k.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase())] = v;
  return { status: out.status, headers: cased, body, ...delay };
}

/** Starts the mock on 127.0.0.1 (port 0 = ephemeral). Loopback only: the mock never listens elsewhere. */
export async function startHttpServer(engine: Engine, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  // idle-close: 0 turns node's keep-alive timer and its Keep-Alive hint off; idleCloser() does the closing.
  const keepAliveTimeout = engine.variants.has('idle-close') ? 0 : 5000;
  const server = createServer({ keepAliveTimeout, requestTimeout: 30_000, headersTimeout: 10_000 }, createHttpHandler(engine));
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
