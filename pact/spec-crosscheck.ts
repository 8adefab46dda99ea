/**
 * Bi-directional contract check: every interaction of a pact is held to
 * contracts/openapi.yaml, so a consumer cannot rely on anything the spec does
 * not promise. It reuses the conformance checks certify applies to live
 * traffic (contracts/conformance.ts, contracts/request-conformance.ts) instead
 * of @pactflow/swagger-mock-validator, whose install script patches a hoisted
 * ajv and fails `npm ci` wherever npm runs dependency scripts.
 */
import type { Violation } from '../contracts/conformance.js';
import { checkResponse } from '../contracts/conformance.js';
import { checkRequest } from '../contracts/request-conformance.js';
import { OutputFormat } from '../contracts/schemas.js';

interface PactMessage {
  method?: string;
  path?: string;
  query?: Record<string, string[] | string>;
  headers?: Record<string, string[] | string>;
  status?: number;
  body?: { content?: unknown };
}
interface PactInteraction { description?: string; type?: string; request?: PactMessage; response?: PactMessage }

/** Pact v3/v4 headers and query values are lists; the checks read one value per name. */
function firstValues(entries: Record<string, string[] | string> | undefined, lower: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(entries ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[lower ? name.toLowerCase() : name] = first;
  }
  return out;
}

// A start's compatibility (VAL-4) depends on the draft's format, which the pact
// does not carry: the request conforms if it is valid for some format.

const methodOf = (request: PactMessage): string => (request.method ?? 'GET').toUpperCase();

function requestViolations(request: PactMessage, path: string): Violation[] {
  const shape = {
    method: methodOf(request),
    path,
    headers: firstValues(request.headers, true),
    ...(request.body?.content !== undefined ? { body: JSON.stringify(request.body.content) } : {}),
  };
  let fewest: Violation[] | undefined;
  for (const outputFormat of OutputFormat.options) {
    const found = checkRequest(shape, { outputFormat });
    if (!fewest || found.length < fewest.length) fewest = found;
    if (found.length === 0) break;
  }
  return fewest ?? [];
}

/** Violations of the spec by one pact (an empty list: every interaction is promised by the spec). */
export function crosscheckPact(pact: unknown): Violation[] {
  const interactions = (pact as { interactions?: unknown }).interactions;
  if (!Array.isArray(interactions)) return [{ where: 'pact', message: 'no interactions list' }];
  const out: Violation[] = [];
  for (const [index, raw] of (interactions as PactInteraction[]).entries()) {
    const name = raw.description ?? `interaction ${index}`;
    if (raw.type !== undefined && raw.type !== 'Synchronous/HTTP') continue; // message pacts are not HTTP
    const { request, response } = raw;
    if (!request?.path || !response?.status) {
      out.push({ where: name, message: 'an HTTP interaction needs request.path and response.status' });
      continue;
    }
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(request.query ?? {})) for (const one of Array.isArray(v) ? v : [v]) query.append(k, one);
    const path = query.size > 0 ? `${request.path}?${query}` : request.path;

    const requestFound = requestViolations(request, path);
    const unknownRoute = requestFound.filter((v) => v.message.startsWith('no operation'));
    // A consumer may send an invalid request on purpose to rely on its documented
    // error; it may not expect success for a request the spec refuses.
    const reliedOn = response.status < 400 ? requestFound : unknownRoute;
    for (const v of reliedOn) out.push({ where: name, message: `request: ${v.message}`, ...(v.rule ? { rule: v.rule } : {}) });
    if (unknownRoute.length > 0) continue;

    const headers = firstValues(response.headers, true);
    const body = response.body?.content;
    const responseFound = checkResponse({ method: methodOf(request), path, status: response.status, headers, body })
      // What a pact leaves out, the consumer does not rely on: a missing header or body is no claim.
      .filter((v) => !v.message.startsWith('required header'))
      .filter((v) => body !== undefined || !v.message.startsWith('content type missing'));
    for (const v of responseFound) out.push({ where: name, message: `response: ${v.message}`, ...(v.rule ? { rule: v.rule } : {}) });
  }
  return out;
}
