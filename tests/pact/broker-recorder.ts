/**
 * A small HTTP recorder standing in for a Pact Broker on loopback: it answers
 * the HAL resources the pact CLI and the verifier navigate (index, contract
 * publication, pacts for verification, the pact, provider branch versions,
 * verification results) and records every request, so tests can assert what
 * jobcert sent. `withoutProviderLink` leaves out the link the verifier needs to
 * publish, to show that a failed publication is reported.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded { method: string; path: string; headers: IncomingHttpHeaders; body: string; json: unknown }
export interface BrokerRecorder { url: string; requests: Recorded[]; close(): Promise<void> }

export async function startBrokerRecorder(pact: Record<string, unknown>, opts: { withoutProviderLink?: boolean } = {}): Promise<BrokerRecorder> {
  const requests: Recorded[] = [];
  let base = '';
  const provider = 'jobs-api-v1';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try { json = body ? JSON.parse(body) : undefined; } catch { json = undefined; }
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body, json });
      const send = (status: number, doc: unknown): void => { res.writeHead(status, { 'content-type': 'application/hal+json' }); res.end(JSON.stringify(doc)); };
      const forVerification = `/pacts/provider/${provider}/for-verification`;
      const pactPath = `/pacts/provider/${provider}/consumer/jobcert-reference-client/pact-version/abc123`;
      if (req.method === 'GET' && path === '/') {
        return send(200, { _links: {
          'pb:publish-contracts': { href: `${base}/contracts/publish` },
          'pb:provider-pacts-for-verification': { href: `${base}/pacts/provider/{provider}/for-verification`, templated: true },
        } });
      }
      if (req.method === 'POST' && path === '/contracts/publish') {
        return send(200, { notices: [{ type: 'success', text: 'published' }], logs: [], _embedded: { pacticipant: { name: 'jobcert-reference-client', _links: {} }, version: { number: '1', _links: {} } }, _links: {} });
      }
      if (req.method === 'GET' && path === forVerification) return send(200, { _links: { self: { href: `${base}${forVerification}` } } });
      if (req.method === 'POST' && path === forVerification) {
        return send(200, { _embedded: { pacts: [{ shortDescription: 'latest from main', verificationProperties: { pending: false, notices: [] }, _links: { self: { href: `${base}${pactPath}`, name: 'pact' } } }] } });
      }
      if (req.method === 'GET' && path === pactPath) {
        return send(200, { ...pact, _links: {
          'pb:publish-verification-results': { href: `${base}${pactPath}/verification-results` },
          ...(opts.withoutProviderLink ? {} : { 'pb:provider': { href: `${base}/pacticipants/${provider}` } }),
        } });
      }
      if (req.method === 'GET' && path === `/pacticipants/${provider}`) {
        return send(200, { name: provider, _links: {
          self: { href: `${base}/pacticipants/${provider}` },
          'pb:branch-version': { href: `${base}/pacticipants/${provider}/branches/{branch}/versions/{version}`, templated: true },
          'pb:version-tag': { href: `${base}/pacticipants/${provider}/versions/{version}/tags/{tag}`, templated: true },
        } });
      }
      if (req.method === 'PUT' && path.startsWith(`/pacticipants/${provider}/branches/`)) return send(200, { _links: {} });
      if (req.method === 'POST' && path === `${pactPath}/verification-results`) return send(201, { _links: {} });
      return send(404, { error: `the recorder has no ${req.method} ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, requests, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}
