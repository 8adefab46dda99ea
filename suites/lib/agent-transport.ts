/**
 * The floods' transport: node:http(s) over a keep-alive agent. fetch tops out
 * near a few hundred requests per second here, too few to outrun a refill of
 * 1,000/s; a keep-alive agent does several thousand. No redirects are followed
 * (node:http never does), bodies are capped, and the request obeys the signal.
 */
import http from 'node:http';
import https from 'node:https';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 512 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 512 }),
};

/** Header names lower-cased, repeated ones joined: the caller builds a Headers object only when it keeps the answer. */
export interface AgentResponse { status: number; headers: Record<string, string>; text: string; truncated: boolean }

export class AgentTimeout extends Error {
  override name = 'TimeoutError';
}

/**
 * One request. It is bounded by a socket timeout rather than a per-request
 * AbortSignal: a flood sends thousands, and a signal and a timer each is most
 * of what they cost.
 */
export function agentRequest(url: string, method: string, headers: Record<string, string>, timeoutMs: number, capBytes: number, body?: string | Uint8Array): Promise<AgentResponse> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  const agent = agents[target.protocol as keyof typeof agents];
  return new Promise((resolve, reject) => {
    const req = lib.request(target, { method, headers, agent, timeout: timeoutMs }, (res) => {
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
    req.on('timeout', () => req.destroy(new AgentTimeout(`no response within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
