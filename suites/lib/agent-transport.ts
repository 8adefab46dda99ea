/**
 * The floods' transport: node:http(s) over a keep-alive agent. fetch tops out
 * near a few hundred requests per second here, too few to outrun a refill of
 * 1,000/s; a keep-alive agent does several thousand. No redirects are followed
 * (node:http never does), bodies are capped, and the request obeys the signal.
 *
 * Also what a connection tells about a request that got no answer, for fetch
 * (undici's diagnostics channels) and for this transport alike: whether the
 * connection had carried an exchange before, and how much of an answer came.
 * Those are RFC 9112 §9.3.1's grounds for sending a request again (client.ts).
 */
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 512 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 512 }),
};

/** Header names lower-cased, repeated ones joined: the caller builds a Headers object only when it keeps the answer. */
export interface AgentResponse { status: number; headers: Record<string, string>; text: string; truncated: boolean }

export class AgentTimeout extends Error {
  override name = 'TimeoutError';
}

/** What the connection showed of a request that got no answer. */
export interface Unanswered {
  /** The request went out on a connection that had carried an exchange before it. */
  reused: boolean;
  /** Bytes of this request's answer that arrived before the connection failed. */
  responseBytes: number;
}

/** Keyed by the error object the transport failed with: fetch hands it on as its `cause`, node:http as is. */
const unanswered = new WeakMap<object, Unanswered>();

/** What the connection showed of the request `err` ended, if the transport saw it go out. */
export function unansweredOf(err: unknown): Unanswered | undefined {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const found = unanswered.get(e);
    if (found) return found;
  }
  return undefined;
}

interface SentOn { socket: Socket; reused: boolean; readBefore: number }

function isSocket(x: unknown): x is Socket {
  return typeof x === 'object' && x !== null && typeof (x as Socket).bytesRead === 'number';
}

/**
 * fetch (undici) says nothing of its connections, but publishes each request's
 * socket as its head goes out and each request's error. Counting requests per
 * socket tells a reused connection; the socket's bytesRead before and after
 * tells whether any of the answer came. Subscribers cost undici one object per
 * request, so the suites' Client subscribes when it is first made rather than
 * whatever process merely imports this module (the CLI, for curlFor).
 */
let watching = false;
export function watchFetchConnections(): void {
  if (watching) return;
  watching = true;
  const sent = new WeakMap<object, SentOn>();
  const requestsOn = new WeakMap<Socket, number>();
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = message as { request?: unknown; socket?: unknown };
    if (typeof request !== 'object' || request === null || !isSocket(socket)) return;
    const n = (requestsOn.get(socket) ?? 0) + 1;
    requestsOn.set(socket, n);
    sent.set(request, { socket, reused: n > 1, readBefore: socket.bytesRead });
  });
  diagnostics.subscribe('undici:request:error', (message) => {
    const { request, error } = message as { request?: unknown; error?: unknown };
    const on = typeof request === 'object' && request !== null ? sent.get(request) : undefined;
    if (on && typeof error === 'object' && error !== null) unanswered.set(error, { reused: on.reused, responseBytes: on.socket.bytesRead - on.readBefore });
  });
}

export interface AgentRequestOptions {
  /** A connection of its own, closed after the answer (Connection: close): the resend of client.ts. */
  fresh?: boolean;
  signal?: AbortSignal;
}

/**
 * One request. It is bounded by a socket timeout rather than a per-request
 * AbortSignal: a flood sends thousands, and a signal and a timer each is most
 * of what they cost (a single resend may bring one).
 */
export function agentRequest(url: string, method: string, headers: Record<string, string>, timeoutMs: number, capBytes: number, body?: string | Uint8Array, opts: AgentRequestOptions = {}): Promise<AgentResponse> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  const agent = opts.fresh ? false : agents[target.protocol as keyof typeof agents];
  return new Promise((resolve, reject) => {
    const req = lib.request(target, { method, headers, agent, timeout: timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (chunk: Buffer) => {
        if (truncated) return;
        if (size + chunk.length > capBytes) {
          chunks.push(chunk.subarray(0, capBytes - size));
          truncated = true;
          res.destroy();
          finish();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: out, text: chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8'), truncated });
      };
      res.on('end', finish);
      res.on('error', (err) => { if (!done) reject(err); });
    });
    let sentOn: SentOn | undefined;
    req.on('socket', (socket) => { sentOn = { socket, reused: req.reusedSocket, readBefore: socket.bytesRead }; });
    req.on('timeout', () => req.destroy(new AgentTimeout(`no response within ${timeoutMs} ms`)));
    req.on('error', (err) => {
      if (sentOn) unanswered.set(err, { reused: sentOn.reused, responseBytes: sentOn.socket.bytesRead - sentOn.readBefore });
      reject(err);
    });
    req.end(body);
  });
}
