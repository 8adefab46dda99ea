/**
 * SPEC §1's List (`GET /v1/jobs`) and Usage (`GET /v1/usage/events`) as the
 * checks read them: a page, a walk over pages, and what an answer must hold.
 * SPEC §2 gives these reads no rule ID of their own, so a failure names the
 * section it breaks (`finding.requires` "SPEC §1 List: …", no `finding.rule`).
 * The LIST suite and the FUZZ model judge with the same functions.
 *
 * A single answer is judged alone (its filter, its order, its size against its
 * own total); what spans several answers only while the list held still,
 * because the run's other checks add jobs to the same key as it goes.
 */
import { bodyPreview, expectServed } from './api.js';
import type { Reply } from './client.js';
import type { KeyRole } from './config.js';
import { fail, NotJudged } from './errors.js';
import { shown } from './verdicts.js';

export const LIST_SPEC = 'SPEC §1 List';
export const USAGE_SPEC = 'SPEC §1 Usage';

/** A verdict on a SPEC §1 section: the failure reads `<section>: <what SPEC requires>; <what came back>`. */
export function requireSpec(condition: boolean, section: string, requires: string, observed: string): asserts condition {
  if (!condition) fail(`${section}: ${requires}; ${observed}`, { requires: `${section}: ${requires}`, observed });
}

/** How a check sends a GET with a key (the suites' client, or FUZZ's `send`, which waits out a 429). */
export type Get = (path: string, key: KeyRole) => Promise<Reply>;

export interface ListQuery { status?: string; limit?: number; offset?: number }
export type Listed = Record<string, unknown> & { id: string };
export interface Page { query: ListQuery; path: string; jobs: Listed[]; total: number }

/** SPEC §1: `limit` defaults to 20. */
const DEFAULT_LIMIT = 20;
const limitOf = (q: ListQuery): number => q.limit ?? DEFAULT_LIMIT;
const offsetOf = (q: ListQuery): number => q.offset ?? 0;

export function listPath(q: ListQuery): string {
  const params = new URLSearchParams();
  if (q.status !== undefined) params.set('status', q.status);
  if (q.limit !== undefined) params.set('limit', String(q.limit));
  if (q.offset !== undefined) params.set('offset', String(q.offset));
  const query = params.toString();
  return query ? `/v1/jobs?${query}` : '/v1/jobs';
}

function pageOf(reply: Reply, query: ListQuery, path: string): Page {
  const jobs: unknown = reply.json?.jobs;
  const total: unknown = reply.json?.total;
  // Another shape is the SCHEMA family's to report (every answer is checked against the spec).
  if (!Array.isArray(jobs) || typeof total !== 'number' || !jobs.every((j) => typeof (j as { id?: unknown } | null)?.id === 'string')) {
    throw new NotJudged(`not judged: GET ${path} answered without a jobs list of ids and a numeric total (the SCHEMA checks judge shapes): ${bodyPreview(reply)}`);
  }
  return { query, path, jobs: jobs as Listed[], total };
}

/**
 * One page. A provider that counts `total` apart from reading the page may
 * disagree with itself for a moment while jobs are being added: a page whose
 * size does not fit its total is read once more, and the second answer stands.
 */
export async function readPage(get: Get, query: ListQuery, key: KeyRole = 'primary'): Promise<Page> {
  const path = listPath(query);
  const read = async (): Promise<Page> => {
    const reply = await get(path, key);
    expectServed(reply, `GET ${path}`);
    return pageOf(reply, query, path);
  };
  const first = await read();
  return sizeProblem(first) === undefined ? first : read();
}

/** Pages from offset 0 on, `limit` each, until the list ends or `maxPages` were read. */
export async function walkPages(get: Get, query: Omit<ListQuery, 'offset'>, maxPages: number, key: KeyRole = 'primary'): Promise<Page[]> {
  const pages: Page[] = [];
  for (let offset = 0; pages.length < maxPages; offset += limitOf(query)) {
    const page = await readPage(get, { ...query, offset }, key);
    pages.push(page);
    if (reachedEnd(page)) break;
  }
  return pages;
}

/** The page is the list's last: shorter than its limit, or running up to its total. */
export const reachedEnd = (page: Page): boolean => page.jobs.length < limitOf(page.query) || offsetOf(page.query) + page.jobs.length >= page.total;

/** The whole list is in this one answer. */
export const wholeList = (page: Page): boolean => offsetOf(page.query) === 0 && page.jobs.length === page.total;

function sizeProblem(page: Page): string | undefined {
  const limit = limitOf(page.query);
  const offset = offsetOf(page.query);
  const due = Math.min(limit, Math.max(0, page.total - offset));
  return page.jobs.length === due ? undefined : `GET ${page.path} answered ${page.jobs.length} job(s) with total ${page.total}, where limit ${limit} from offset ${offset} makes ${due} due (read twice)`;
}

/** `total` counts what matches the filter, and a page holds `limit` of those from `offset` on, fewer only at the end. */
export function judgeSize(page: Page): void {
  const problem = sizeProblem(page);
  requireSpec(problem === undefined, LIST_SPEC, '`total` counts every job of the key that matches the filter, and a page holds the `limit` of them from `offset` on (min(limit, total − offset))', problem ?? '');
}

/** A status filter lists only jobs in that status: each listed job's own status, as the answer gives it. */
export function judgeFilter(page: Page): void {
  const status = page.query.status;
  if (status === undefined) return;
  const others = page.jobs.filter((j) => j.status !== status);
  requireSpec(others.length === 0, LIST_SPEC, `a status filter lists only the jobs in that status (status=${status})`,
    `GET ${page.path} listed ${others.length} job(s) in another status: ${shown(others.slice(0, 3).map((j) => ({ id: j.id, status: j.status })))}`);
}

const instant = (job: Listed): number => Date.parse(String(job.created_at));

/** Adjacent pairs with two different, readable created_at: the pairs that say anything about the order. */
export function orderedPairs(jobs: readonly Listed[]): number {
  let n = 0;
  for (let i = 1; i < jobs.length; i++) {
    const [a, b] = [instant(jobs[i - 1] as Listed), instant(jobs[i] as Listed)];
    if (!Number.isNaN(a) && !Number.isNaN(b) && a !== b) n++;
  }
  return n;
}

/** Newest first by created_at; jobs created at the same instant may come in either order. */
export function judgeOrder(jobs: readonly Listed[], where: string): void {
  for (let i = 1; i < jobs.length; i++) {
    const [a, b] = [jobs[i - 1] as Listed, jobs[i] as Listed];
    const [ta, tb] = [instant(a), instant(b)];
    requireSpec(Number.isNaN(ta) || Number.isNaN(tb) || ta >= tb, LIST_SPEC, 'the jobs are listed newest first (by created_at; ties in either order)',
      `${where}: job ${a.id} (created_at ${String(a.created_at)}) comes before job ${b.id}, created later (${String(b.created_at)})`);
  }
}

/** No job twice: within an answer always, across pages while the list held still. */
export function judgeUnique(jobs: readonly Listed[], where: string): void {
  const at = new Map<string, number>();
  for (const [i, job] of jobs.entries()) {
    const before = at.get(job.id);
    requireSpec(before === undefined, LIST_SPEC, 'limit/offset pages list each job once', `${where}: job ${job.id} is listed at place ${(before ?? 0) + 1} and again at place ${i + 1}`);
    at.set(job.id, i);
  }
}

/**
 * Jobs of `head` (the list's first jobs, read in one answer) that a walk
 * over the same list never showed. A job created at the same instant as one
 * the walk showed in its place is not missing: ties may come in either order,
 * so one may cross the end of the walk in place of the other.
 */
export function missingFromWalk(walk: readonly Listed[], head: readonly Listed[]): Listed[] {
  const walked = new Set(walk.map((j) => j.id));
  const headIds = new Set(head.map((j) => j.id));
  const extra = walk.filter((j) => !headIds.has(j.id));
  return head.filter((j) => {
    if (walked.has(j.id)) return false;
    const twin = extra.findIndex((e) => instant(e) === instant(j) && !Number.isNaN(instant(j)));
    if (twin === -1) return true;
    extra.splice(twin, 1);
    return false;
  });
}

/** A usage read with `job_id` lists that job's events only. */
export function judgeUsageFilter(events: readonly { job_id?: unknown }[], jobId: string, what: string): void {
  const others = events.filter((e) => e.job_id !== jobId);
  requireSpec(others.length === 0, USAGE_SPEC, 'the job_id filter lists the credit events of that job only',
    `${what} listed ${others.length} event(s) of other jobs: ${shown([...new Set(others.map((e) => e.job_id))].slice(0, 3))}`);
}
