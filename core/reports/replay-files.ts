/**
 * What a failing check leaves beside the reports so that a provider engineer
 * can send its sequence again: `replay/<check>.json` (every exchange the check
 * made, in order, keys as roles, with the ids each response handed out) and
 * `replay/<check>.sh`, a curl-only script taking the keys from
 * JOBCERT_API_KEY / JOBCERT_ALT_API_KEY / JOBCERT_BROKE_API_KEY and JOBCERT_TARGET.
 * Ids captured from a response (a job's `id`, its `output_url`) become shell
 * variables that later requests use, so the script works on a provider that
 * hands out new ids. Keys are never written: a key role becomes an
 * environment variable, and writeReports redacts every file once more.
 */
import { KEY_ENV, type Exchange } from '../exchange.js';
import type { Compliance } from '../results.js';
import type { TrafficEntry } from './traffic.js';

export interface ReplayStep {
  method: string;
  /** Path and query, with captured ids as ${VAR}. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  key: Exchange['key'];
  /** What the recorded run got back. */
  recorded: { status: number | null; request_id?: string };
  /** Variables this step's answer defines: name → the JSON member it is read from. */
  captures: Record<string, 'id' | 'output_url'>;
}

export interface ReplaySequence { check: string; rules: readonly string[]; status: string; message: string; origin: string; steps: ReplayStep[] }

/** Headers a replay must not copy: the key (given again from the environment), and what the transport sets by itself. */
const DROP = new Set(['x-api-key', 'content-length', 'host', 'connection', 'accept-encoding', 'user-agent']);

function captured(body: string): Partial<Record<'id' | 'output_url', string>> {
  try {
    const json: unknown = JSON.parse(body);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return {};
    const o = json as Record<string, unknown>;
    return { ...(typeof o.id === 'string' ? { id: o.id } : {}), ...(typeof o.output_url === 'string' ? { output_url: o.output_url } : {}) };
  } catch {
    return {};
  }
}

/** The check's exchanges as steps, each id a response handed out replaced by its variable in every later request. */
export function sequenceOf(check: string, doc: Compliance, entries: readonly TrafficEntry[]): ReplaySequence | undefined {
  const result = doc.checks.find((c) => c.id === check);
  const mine = entries.filter((e) => e.check === check).map((e) => e.exchange).sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
  if (!result || mine.length === 0) return undefined;
  let origin = '';
  try { origin = new URL(mine[0]!.request.url).origin; } catch { /* an unparseable URL keeps its full text below */ }
  const vars = new Map<string, string>(); // value → variable name
  const steps: ReplayStep[] = [];
  let n = 0;
  for (const e of mine) {
    const swap = (text: string): string => [...vars].reduce((acc, [value, name]) => acc.split(value).join(`\${${name}}`), text);
    const url = origin && e.request.url.startsWith(origin) ? e.request.url.slice(origin.length) : e.request.url;
    // The step's own request keeps what was known before it; what its answer hands out is defined after it.
    const step: ReplayStep = { method: e.request.method, path: swap(url), headers: headersOf(e, swap), ...(e.request.body !== undefined ? { body: swap(e.request.body) } : {}), key: e.key, recorded: recordedOf(e), captures: {} };
    if (e.response && e.response.status < 300) {
      for (const [member, value] of Object.entries(captured(e.response.body)) as ['id' | 'output_url', string][]) {
        if (vars.has(value)) continue;
        const name = `${member === 'id' ? 'ID' : 'OUTPUT_URL'}_${++n}`;
        step.captures[name] = member;
        vars.set(value, name);
      }
    }
    steps.push(step);
  }
  return { check, rules: result.rule_ids, status: result.status, message: result.message, origin, steps };
}

const headersOf = (e: Exchange, swap: (s: string) => string): Record<string, string> =>
  Object.fromEntries(Object.entries(e.request.headers).filter(([k]) => !DROP.has(k.toLowerCase())).map(([k, v]) => [k, swap(v)]));
const recordedOf = (e: Exchange): ReplayStep['recorded'] => ({ status: e.response?.status ?? null, ...(e.request_id ? { request_id: e.request_id } : {}) });

/** Single-quoted for sh, with ${VAR} left open so the shell fills it. */
function shq(s: string): string {
  return s.split(/(\$\{[A-Z_0-9]+\})/).map((part) => (/^\$\{[A-Z_0-9]+\}$/.test(part) ? `"${part}"` : part === '' ? '' : `'${part.replace(/'/g, `'\\''`)}'`)).join('') || "''";
}

/** A POSIX sh script: curl only, keys and target from the environment, ids captured with sed. */
export function shellScript(seq: ReplaySequence): string {
  const lines = [
    '#!/bin/sh',
    `# jobcert replay of ${seq.check} (${seq.rules.join(', ') || 'no rule'}), which ended ${seq.status}:`,
    ...seq.message.slice(0, 600).split('\n').map((l) => `#   ${l}`),
    '# Sends the same requests again, in order, with curl only. Keys come from the environment and are never echoed.',
    `# Usage: JOBCERT_API_KEY=... [JOBCERT_ALT_API_KEY=...] [JOBCERT_BROKE_API_KEY=...] [JOBCERT_TARGET=${seq.origin || 'URL'}] sh ${seq.check}.sh`,
    'set -eu',
    `TARGET="\${JOBCERT_TARGET:-${seq.origin.replace(/["$`\\]/g, '')}}"`,
    'RUN_ID="jc$(date +%s)$$"',
    'capture() { sed -n "s/.*\\"$1\\" *: *\\"\\([^\\"]*\\)\\".*/\\1/p" | head -n 1; }',
    '',
  ];
  seq.steps.forEach((s, i) => {
    const args = ['-sS', '-X', s.method];
    const keyHeader = s.key === 'primary' || s.key === 'alt' || s.key === 'broke' ? ['-H', `"X-Api-Key: \${${KEY_ENV[s.key]}}"`] : [];
    // A fresh Idempotency-Key per script run: the recorded one would only replay the provider's stored answer (IDEM-1).
    const headers = Object.entries(s.headers).flatMap(([k, v]) => ['-H', shq(`${k}: ${k.toLowerCase() === 'idempotency-key' ? `\${RUN_ID}-${v}` : v}`)]);
    const body = s.body !== undefined ? ['--data-binary', shq(s.body)] : [];
    const url = /^https?:\/\//.test(s.path) ? shq(s.path) : `"$TARGET"${shq(s.path)}`;
    const curl = `curl ${[...args, ...keyHeader, ...headers, ...body].join(' ')} ${url}`;
    lines.push(`# step ${i + 1}: recorded ${s.recorded.status ?? 'no answer'}${s.recorded.request_id ? ` (request id ${s.recorded.request_id})` : ''}`);
    const names = Object.entries(s.captures);
    if (names.length === 0) {
      lines.push(`${curl} -w '\\n-> HTTP %{http_code}\\n'`, '');
    } else {
      lines.push(`ANSWER=$(${curl})`, 'printf \'%s\\n\' "$ANSWER"');
      for (const [name, member] of names) lines.push(`${name}=$(printf '%s' "$ANSWER" | capture ${member})`);
      lines.push('');
    }
  });
  return `${lines.join('\n')}\n`;
}

/** The replay files of a run: one sequence and one script per check that failed or could not judge. */
export function replayFiles(doc: Compliance, entries: readonly TrafficEntry[]): { file: string; text: string }[] {
  return doc.checks.filter((c) => c.status === 'fail' || c.status === 'error').flatMap((c) => {
    const seq = sequenceOf(c.id, doc, entries);
    if (!seq) return [];
    const safe = c.id.replace(/[^\w.-]/g, '_');
    return [{ file: `replay/${safe}.json`, text: `${JSON.stringify(seq, null, 2)}\n` }, { file: `replay/${safe}.sh`, text: shellScript(seq) }];
  });
}
