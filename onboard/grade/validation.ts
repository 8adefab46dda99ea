/**
 * CLI-11: request bodies are validated before they are sent; a normal run causes no 400 invalid_request from the
 * API itself. Injected 400s do not count: they never reach the API, so they have no engine answer. A 400 the API
 * gave to a request whose answer an injection then dropped or held does count: the body the client sent was invalid.
 */
import { describe, Index, isV1, some, verdict, type Verdict } from './context.js';

export function gradeCli11(ix: Index): Verdict {
  const base = { id: 'cli.validation', rule: 'CLI-11', title: '' };
  const sent = ix.records.filter((r) => isV1(r) && r.engine !== undefined);
  if (sent.length === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: 'no request reached the API', requests: [], injections: [], logLines: [] });
  const invalid = sent.filter((r) => r.engine?.status === 400 && r.engine.errorCode === 'invalid_request');
  if (invalid.length > 0) {
    const why = invalid.map((r) => {
      let param = '';
      try { param = String((JSON.parse(r.engine?.body ?? '') as { error?: { param?: unknown; message?: unknown } }).error?.message ?? ''); } catch { param = ''; }
      return `${describe(r)}${param ? `: ${param}` : ''}`;
    });
    return verdict(base.id, base.rule, base.title, { status: 'fail', message: `${invalid.length} request(s) the API rejected as invalid_request: ${some(why)}`, requests: invalid.map((r) => r.seq), injections: [], logLines: [] });
  }
  return verdict(base.id, base.rule, base.title, { status: 'pass', message: `none of the ${sent.length} requests that reached the API was rejected as invalid_request`, requests: [], injections: [], logLines: [] });
}
