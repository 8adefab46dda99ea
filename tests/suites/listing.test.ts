// SPEC §1 List and Usage as the LIST suite and the FUZZ model judge them
// (suites/lib/listing.ts): a failure names the section (no rule ID), ties in
// created_at are legal in either order, a page's size is judged against its
// own total, and a walk is missing a job only past what ties explain.
import { describe, expect, it } from 'vitest';
import { CheckFailure } from '../../suites/lib/errors.js';
import { judgeFilter, judgeOrder, judgeSize, judgeUnique, judgeUsageFilter, listPath, missingFromWalk, orderedPairs, reachedEnd, wholeList, type Listed, type Page } from '../../suites/lib/listing.js';

const job = (id: string, at: string, status = 'created'): Listed => ({ id, status, created_at: `2026-01-01T00:00:${at}Z` });
const page = (jobs: Listed[], total: number, query: Page['query'] = { limit: 100 }): Page => ({ query, path: listPath(query), jobs, total });

function failure(run: () => void): CheckFailure {
  let caught: unknown;
  try { run(); } catch (err) { caught = err; }
  expect(caught).toBeInstanceOf(CheckFailure);
  return caught as CheckFailure;
}

describe('SPEC §1 List and Usage verdicts', () => {
  it('name the section as what SPEC requires, with no rule ID', () => {
    const f = failure(() => judgeOrder([job('a', '01'), job('b', '02')], 'GET /v1/jobs'));
    expect(f.finding?.rule).toBeUndefined();
    expect(f.finding?.requires).toMatch(/^SPEC §1 List: the jobs are listed newest first/);
    expect(f.message).toMatch(/job a .* comes before job b, created later/);
    expect(failure(() => judgeUsageFilter([{ job_id: 'x' }, { job_id: 'y' }], 'x', 'GET /v1/usage/events?job_id=x')).finding?.requires).toMatch(/^SPEC §1 Usage: /);
  });

  it('newest first: ties in either order; only pairs of two instants say anything', () => {
    judgeOrder([job('a', '02'), job('b', '01'), job('c', '01'), job('d', '00')], 'x');
    judgeOrder([job('b', '01'), job('a', '01')], 'x');
    expect(orderedPairs([job('b', '01'), job('a', '01')])).toBe(0);
    expect(orderedPairs([job('a', '02'), job('b', '01'), job('c', '01')])).toBe(1);
  });

  it('the status filter, judged on each listed job\'s own status', () => {
    judgeFilter(page([job('a', '01')], 1, { status: 'created' }));
    expect(failure(() => judgeFilter(page([job('a', '01', 'completed')], 1, { status: 'created' }))).message).toMatch(/status=created.*"completed"/);
  });

  it('a page holds min(limit, total − offset) jobs, against its own total', () => {
    judgeSize(page([job('a', '01'), job('b', '00')], 5, { limit: 2, offset: 0 }));
    judgeSize(page([job('a', '01')], 5, { limit: 2, offset: 4 }));
    judgeSize(page([], 5, { limit: 2, offset: 6 }));
    expect(failure(() => judgeSize(page([job('a', '01')], 9, { status: 'failed', limit: 100 }))).message).toMatch(/1 job\(s\) with total 9/);
    expect(failure(() => judgeSize(page([], 5, { limit: 2, offset: 4 }))).message).toMatch(/makes 1 due/);
    expect(reachedEnd(page([job('a', '01')], 5, { limit: 2, offset: 4 }))).toBe(true);
    expect(wholeList(page([job('a', '01')], 1))).toBe(true);
    expect(wholeList(page([job('a', '01')], 2))).toBe(false);
  });

  it('a walk misses a job only where no tie explains it; no job twice', () => {
    const [a, b, c, d] = [job('a', '03'), job('b', '02'), job('c', '01'), job('d', '00')];
    expect(missingFromWalk([a, b, d], [a, b, c])).toEqual([c]);
    // c and its twin were created at the same instant: either may end the walk.
    const twin = job('t', '01');
    expect(missingFromWalk([a, b, twin], [a, b, c])).toEqual([]);
    expect(failure(() => judgeUnique([a, b, a], 'pages of 2')).message).toMatch(/job a is listed at place 1 and again at place 3/);
  });

  it('builds the query it reads', () => {
    expect(listPath({})).toBe('/v1/jobs');
    expect(listPath({ status: 'created', limit: 2, offset: 4 })).toBe('/v1/jobs?status=created&limit=2&offset=4');
  });
});
