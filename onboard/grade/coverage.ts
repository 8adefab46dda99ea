/**
 * Not a rule but the ground the rules stand on (SPEC §4): the client worked
 * every source (created a job, and downloaded what completed), every planned
 * injection reached it, and it finished by itself. A client that did nothing,
 * or skipped what the scenario targets, fails here rather than passing on
 * absent evidence.
 */
import { describeAction } from '../conditions.js';
import { Index, some, verdict, type Verdict } from './context.js';

export function gradeCoverage(ix: Index, cutShortBlamedOn: string | undefined): Verdict {
  const { plan, undelivered, run, log, traffic } = ix.input;
  const problems: string[] = [];
  const notes: string[] = [];
  const created = new Set(ix.records.filter((r) => r.op === 'create' && r.engine?.status === 200 && r.source).map((r) => r.source as string));
  const unworked = plan.sources.filter((s) => !created.has(s.name)).map((s) => s.name);
  if (unworked.length > 0) problems.push(`${unworked.length} of ${plan.sources.length} sources never got a job: ${some(unworked)}`);
  for (const inst of undelivered) {
    const slot = inst.slots[0];
    problems.push(`${inst.id} (${inst.condition}${slot ? `: ${describeAction(slot.action)} on ${slot.nth === 'every' ? 'every' : `the ${ordinal(slot.nth)}`} ${slot.op} of ${inst.source}` : ` on ${inst.source}`}) never happened: the client never sent what it waits for`);
  }
  const downloaded = new Set(ix.records.filter((r) => r.op === 'download' && r.jobId).map((r) => r.jobId as string));
  const completed = new Set(ix.records.filter((r) => r.op === 'poll' && r.jobId && r.seen?.jobStatus === 'completed').map((r) => r.jobId as string));
  const notFetched = [...completed].filter((j) => !downloaded.has(j));
  if (notFetched.length > 0) problems.push(`${notFetched.length} completed job(s) whose output was never downloaded: ${some(notFetched)}`);
  if (run.stopped === 'timeout' && !cutShortBlamedOn) problems.push('the client did not exit within --client-timeout and was stopped');
  if (run.stopped === 'timeout' && cutShortBlamedOn) notes.push(`the client was stopped at --client-timeout; ${cutShortBlamedOn} judges why`);
  if (run.stopped === 'interrupt') problems.push('jobcert was interrupted before the client finished');
  if (traffic.dropped > 0) notes.push(`${traffic.dropped} requests beyond the first ${traffic.records.length} were not recorded`);
  if (log.truncated) notes.push('the client log was cut at the size cap');
  const title = 'the client worked every source, met every planned condition and finished';
  const instances = plan.instances.map((i) => i.id);
  if (problems.length > 0) return verdict('cli.coverage', null, title, { status: 'fail', message: `${problems.length} problem(s): ${some(problems, 4)}`, requests: [], injections: undelivered.map((i) => i.id), logLines: [], notes });
  return verdict('cli.coverage', null, title, {
    status: 'pass', message: `${plan.sources.length} sources worked, all ${plan.instances.length} planned conditions delivered${run.mode === 'command' ? `, the client ${run.stopped ? `was stopped (${run.stopped})` : `exited with ${run.exitCode ?? '?'}`} after ${((run.endedAt - run.startedAt) / 1000).toFixed(1)} s` : ''}`,
    requests: [], injections: instances, logLines: [], notes,
  });
}

function ordinal(n: number): string {
  return `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`;
}
