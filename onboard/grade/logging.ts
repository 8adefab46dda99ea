/**
 * CLI-9 (the log names the request_id and code of every error the client ended
 * on, and the id and code of every failed job) and CLI-10 (the log records the
 * job id, model and output format of every job it started), matched in the
 * captured log: the parts must appear within one log entry (see log.ts).
 */
import { word } from '../log.js';
import type { Observed } from '../traffic.js';
import { describe, Index, isV1, retryable, some, verdict, type Verdict } from './context.js';

/** Errors the client ended on: the last answer of a request it did not send again. */
function endedOn(ix: Index): { ended: Observed[]; tooLate: Observed[] } {
  const ended: Observed[] = [];
  const tooLate: Observed[] = [];
  const downloads = new Map<string, Observed[]>();
  for (const r of ix.records) {
    if (r.op === 'download') downloads.set(r.url, [...(downloads.get(r.url) ?? []), r]);
    if (!r.delivered || r.delivered.status < 400 || r.origin !== 'mock') continue;
    const later = r.op === 'download' ? undefined : isV1(r) ? ix.next(r) : undefined;
    if (later) continue;
    if (r.op === 'download') continue; // judged below, once per URL
    if (retryable(r) && ix.cutShortAfter(r.endedAt ?? r.arrivedAt)) { tooLate.push(r); continue; }
    ended.push(r);
  }
  for (const list of downloads.values()) {
    const last = list[list.length - 1] as Observed;
    if (last.origin === 'mock' && last.delivered && last.delivered.status >= 400) ended.push(last);
  }
  return { ended: ended.sort((a, b) => a.seq - b.seq), tooLate };
}

export function gradeCli9(ix: Index): Verdict {
  const base = { id: 'cli.error-log', rule: 'CLI-9', title: '' };
  const { log } = ix.input;
  const { ended, tooLate } = endedOn(ix);
  const failed = new Map<string, Observed>();
  for (const r of ix.records) if (r.op === 'poll' && r.jobId && r.seen?.jobStatus === 'failed' && r.outcome === 'answered' && !failed.has(r.jobId)) failed.set(r.jobId, r);
  const notes = tooLate.map((r) => `${describe(r)} came too close to the forced end of the run to count as given up`);
  if (ended.length === 0 && failed.size === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: 'the client ended on no error and saw no failed job', requests: [], injections: [], logLines: [], notes });
  const injections = ix.injectionsOf([...ended, ...failed.values()]);
  if (!log.given) return verdict(base.id, base.rule, base.title, { status: 'skip', message: `${ended.length} errors ended on and ${failed.size} failed jobs, but no log was given (--client-log)`, requests: ended.map((r) => r.seq), injections, logLines: [], notes });

  const missing: string[] = [];
  const evidence: Observed[] = [];
  const found: number[] = [];
  for (const r of ended) {
    const requestId = r.delivered?.requestId;
    const code = r.delivered?.errorCode;
    const needles = [requestId, code].filter((x): x is string => x !== undefined);
    const lines = needles.length === 2 ? log.findTogether(needles) : undefined;
    if (lines) found.push(...lines.map((l) => l.n));
    else { missing.push(`${describe(r)}: request_id ${requestId ?? '?'} with code ${code ?? '?'}`); evidence.push(r); }
  }
  for (const [job, r] of failed) {
    const code = r.seen?.jobErrorCode;
    const lines = log.findTogether(code ? [job, code] : [job]);
    if (lines) found.push(...lines.map((l) => l.n));
    else { missing.push(`failed job ${job} (${describe(r)}): id with code ${code ?? '?'}`); evidence.push(r); }
  }
  if (missing.length > 0) {
    return verdict(base.id, base.rule, base.title, {
      status: 'fail', message: `${missing.length} of ${ended.length + failed.size} errors are not in the log (${log.lines.length} lines${log.truncated ? ', truncated' : ''}): ${some(missing)}`,
      requests: evidence.map((r) => r.seq), injections, logLines: found, notes,
    });
  }
  return verdict(base.id, base.rule, base.title, {
    status: 'pass', message: `${ended.length ? `every error the client ended on (${ended.length}: ${[...new Set(ended.map((r) => r.delivered?.errorCode ?? r.delivered?.status))].join(', ')})` : 'no error was ended on'}${failed.size ? ` and every failed job (${failed.size})` : ''}: in the log with its ${ended.length ? 'request_id' : 'job id'} and code`,
    requests: [...ended, ...failed.values()].map((r) => r.seq), injections, logLines: [...new Set(found)].sort((a, b) => a - b), notes,
  });
}

export function gradeCli10(ix: Index): Verdict {
  const base = { id: 'cli.job-log', rule: 'CLI-10', title: '' };
  const { log, ledger } = ix.input;
  const started = new Map<string, Observed>();
  for (const r of ix.records) {
    if (r.origin !== 'mock' || r.delivered?.status !== 200 || !r.jobId || r.op !== 'start') continue;
    if (!started.has(r.jobId)) started.set(r.jobId, r);
  }
  for (const r of ix.records) {
    // A create with auto_start also starts its job.
    if (r.op !== 'create' || r.delivered?.status !== 200) continue;
    try {
      const body = JSON.parse(r.delivered.body) as { id?: unknown; status?: unknown };
      if (typeof body.id === 'string' && body.status === 'processing' && !started.has(body.id)) started.set(body.id, r);
    } catch { /* not JSON */ }
  }
  if (started.size === 0) return verdict(base.id, base.rule, base.title, { status: 'skip', message: 'the client was told of no started job', requests: [], injections: [], logLines: [] });
  if (!log.given) return verdict(base.id, base.rule, base.title, { status: 'skip', message: `${started.size} jobs started, but no log was given (--client-log)`, requests: [], injections: [], logLines: [] });
  const missing: string[] = [];
  const found: number[] = [];
  const evidence: Observed[] = [];
  for (const [job, r] of started) {
    const j = ledger.jobs.find((x) => x.id === job);
    if (!j) continue;
    const lines = log.findTogether([job, word(j.model), word(j.outputFormat)]);
    if (lines) found.push(...lines.map((l) => l.n));
    else { missing.push(`${job} (model ${j.model}, format ${j.outputFormat}; started by #${r.seq})`); evidence.push(r); }
  }
  if (missing.length > 0) return verdict(base.id, base.rule, base.title, { status: 'fail', message: `${missing.length} of ${started.size} started jobs are not in the log with their model and output format: ${some(missing)}`, requests: evidence.map((r) => r.seq), injections: [], logLines: found });
  return verdict(base.id, base.rule, base.title, { status: 'pass', message: `all ${started.size} started jobs are in the log with id, model and output format`, requests: [], injections: [], logLines: [...new Set(found)].sort((a, b) => a - b).slice(0, 50) });
}
