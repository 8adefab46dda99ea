/**
 * CLI-7: output_url is read from the completed job (not from the start
 * response, not guessed), and fetched without the API key, including after a
 * redirect to another origin, where the artifact host records what arrived.
 */
import type { Observed } from '../traffic.js';
import { describe, Index, some, verdict, type Verdict } from './context.js';

function normal(url: string): string {
  try { return new URL(url).href; } catch { return url; }
}

export function gradeCli7(ix: Index): Verdict {
  const base = { id: 'cli.output-url', rule: 'CLI-7', title: '' };
  const { baseUrl, artifactUrl } = ix.input;
  const given = new Map<string, Observed>(); // output_url → the read that gave it (completed job)
  const early = new Map<string, Observed>(); // output_url members of start responses
  const redirects = new Map<string, Observed>();
  for (const r of ix.records) {
    if (r.origin === 'mock' && r.delivered?.status === 200 && r.outcome === 'answered') {
      if (r.op === 'poll' && r.seen?.jobStatus === 'completed' && r.seen.outputUrl) given.set(normal(r.seen.outputUrl), given.get(normal(r.seen.outputUrl)) ?? r);
      if (r.op === 'list') for (const j of r.seen?.jobs ?? []) if (j.status === 'completed' && j.outputUrl) given.set(normal(j.outputUrl), given.get(normal(j.outputUrl)) ?? r);
      if (r.op === 'start') {
        try {
          const url = (JSON.parse(r.delivered.body) as { output_url?: unknown }).output_url;
          if (typeof url === 'string') early.set(normal(url), r);
        } catch { /* not JSON: nothing early to remember */ }
      }
    }
    if (r.origin === 'mock' && r.op === 'download' && r.delivered?.status === 302 && r.delivered.headers.location) redirects.set(normal(r.delivered.headers.location), r);
  }
  const downloads = ix.records.filter((r) => r.op === 'download');
  if (downloads.length === 0) {
    return verdict(base.id, base.rule, base.title, { status: 'skip', message: given.size > 0 ? `${given.size} completed jobs were read but no output was downloaded` : 'no job completed for the client and nothing was downloaded', requests: [], injections: [], logLines: [] });
  }
  const found: { text: string; records: Observed[] }[] = [];
  const flag = (text: string, ...records: Observed[]): void => { found.push({ text, records }); };
  for (const d of downloads) {
    const url = normal(`${d.origin === 'mock' ? baseUrl : artifactUrl}${d.url}`);
    if (d.origin === 'mock') {
      const from = given.get(url);
      if (!from || from.arrivedAt > d.arrivedAt) {
        const start = early.get(url);
        if (start) flag(`${describe(d)} fetched the output_url of the start response ${describe(start)}, not the completed job's`, start, d);
        else flag(`${describe(d)} fetched ${d.url.split('?', 1)[0]}, which no completed job had given the client`, d);
      }
    } else {
      const via = redirects.get(url);
      if (!via || via.arrivedAt > d.arrivedAt) flag(`${describe(d)} on the other origin was not reached through the output_url's redirect`, d);
    }
    if (d.key !== 'none') {
      flag(d.origin === 'artifact-host'
        ? `${describe(d)}: the API key went to another origin (${artifactUrl}) after a redirect`
        : `${describe(d)}: the output_url was fetched with the API key`, d);
    }
  }
  const injections = ix.instancesOf(['redirect-output', 'early-output-url']);
  // The worst first: a key sent to another origin, then a key sent at all, then where the URL came from.
  const rank = (p: string): number => (p.includes('another origin') ? 0 : p.includes('with the API key') ? 1 : 2);
  found.sort((a, b) => rank(a.text) - rank(b.text));
  const problems = found.map((f) => f.text);
  const evidence = found.flatMap((f) => f.records);
  if (problems.length > 0) return verdict(base.id, base.rule, base.title, { status: 'fail', message: `${problems.length} violation(s): ${some(problems)}`, requests: [...new Set(evidence.map((r) => r.seq))], injections, logLines: [] });
  const viaHost = downloads.filter((d) => d.origin === 'artifact-host').length;
  return verdict(base.id, base.rule, base.title, {
    status: 'pass', message: `${downloads.length} downloads, each of an output_url a completed job had given, none with the key${viaHost ? `; ${viaHost} followed the redirect to the other origin, which received no key` : ''}${early.size ? `; the output_url of ${early.size} start response(s) was ignored` : ''}`,
    requests: downloads.map((d) => d.seq), injections, logLines: [],
  });
}
