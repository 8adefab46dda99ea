/**
 * The same engine as msw handlers, for in-process tests: `fetch` to the base URL
 * never leaves the process. One catch-all handler, because routing, auth and
 * every rule live in the engine, not in msw.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { BODY_LIMIT_BYTES } from '../engine/body.js';
import type { Engine } from '../engine/engine.js';
import { sendAfterDelay } from '../engine/latency.js';

export function mswHandlers(engine: Engine, baseUrl: string): HttpHandler[] {
  const origin = baseUrl.replace(/\/+$/, '');
  engine.setBaseUrl(origin);
  return [
    http.all(`${origin}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => { headers[name] = value; });
      const bytes = new Uint8Array(await request.arrayBuffer());
      const tooLarge = bytes.byteLength > BODY_LIMIT_BYTES;
      const out = engine.handle({
        method: request.method, url: url.pathname + url.search, headers,
        body: tooLarge || bytes.byteLength === 0 ? null : bytes, ...(tooLarge ? { bodyTooLarge: true } : {}),
      });
      if (out.delayMs) await new Promise<void>((resolve) => sendAfterDelay(out, () => resolve(), undefined));
      return new HttpResponse(out.body as ConstructorParameters<typeof HttpResponse>[0], { status: out.status, headers: out.headers });
    }),
  ];
}
