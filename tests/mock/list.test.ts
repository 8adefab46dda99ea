// SPEC §1 List (GET /v1/jobs) and Usage (GET /v1/usage/events) on the mock:
// newest first, limit/offset pages, the status filter, `total`, the job_id
// filter and a key's own events only (AUTH-4); and each LIST fault breaking
// the sentence it is named for.
import { describe, expect, it } from 'vitest';
import { KEYS, setup, type Harness } from './harness.js';

/** Four drafts 10 ms apart (oldest first), the second and third started; then the runs end. */
function keyWithJobs(faults: string[] = []): { h: Harness; ids: string[] } {
  const h = setup({ faults });
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    ids.push(h.draft());
    h.advance(10);
  }
  for (const id of ids.slice(1, 3)) expect(h.start(id, { preview_duration: 1 }).status).toBe(200);
  h.advance(1000);
  return { h, ids };
}

const list = (h: Harness, query: string, key = KEYS.primary) => h.call('GET', `/v1/jobs${query}`, { key }).json as { jobs: { id: string; status: string; created_at: string }[]; total: number; limit: number; offset: number };
const idsOf = (page: { jobs: { id: string }[] }): string[] => page.jobs.map((j) => j.id);

describe('GET /v1/jobs (SPEC §1 List)', () => {
  it('lists newest first, limit 20 by default, pages by limit and offset, total over the whole list', () => {
    const { h, ids } = keyWithJobs();
    const all = list(h, '');
    expect(all).toMatchObject({ limit: 20, offset: 0, total: 4 });
    expect(idsOf(all)).toEqual([...ids].reverse());
    expect([...idsOf(list(h, '?limit=2')), ...idsOf(list(h, '?limit=2&offset=2'))]).toEqual([...ids].reverse());
    expect(list(h, '?limit=2&offset=4').jobs).toEqual([]);
  });

  it('filters by status exactly, and total counts what matches', () => {
    const { h, ids } = keyWithJobs();
    const created = list(h, '?status=created');
    expect([idsOf(created), created.total]).toEqual([[ids[3], ids[0]], 2]);
    const completed = list(h, '?status=completed&limit=1');
    expect([completed.jobs.map((j) => j.status), completed.total]).toEqual([['completed'], 2]);
  });

  it("lists only the key's own jobs (AUTH-4)", () => {
    const { h } = keyWithJobs();
    expect(list(h, '', KEYS.second)).toMatchObject({ jobs: [], total: 0 });
  });

  it('list-oldest-first lists the oldest first', () => {
    const { h, ids } = keyWithJobs(['list-oldest-first']);
    expect(idsOf(list(h, ''))).toEqual(ids);
  });

  it('list-total-ignores-filter counts every job of the key, whatever the filter', () => {
    const { h } = keyWithJobs(['list-total-ignores-filter']);
    const created = list(h, '?status=created');
    expect([created.jobs.length, created.total]).toEqual([2, 4]);
  });

  it('list-offset-skips drops a job at each page boundary', () => {
    const { h, ids } = keyWithJobs(['list-offset-skips']);
    const walked = [...idsOf(list(h, '?limit=2')), ...idsOf(list(h, '?limit=2&offset=2'))];
    expect(walked).toEqual([ids[3], ids[2], ids[0]]);
    expect(walked).not.toContain(ids[1]);
  });

  it('list-status-filter-loose lists a job that was once in the status', () => {
    const { h } = keyWithJobs(['list-status-filter-loose']);
    const created = list(h, '?status=created');
    expect(created.total).toBe(4);
    expect(created.jobs.map((j) => j.status)).toContain('completed');
  });
});

describe('GET /v1/usage/events (SPEC §1 Usage)', () => {
  it("job_id lists that job's charge only; another key sees none of them (AUTH-4)", () => {
    const { h, ids } = keyWithJobs();
    expect(h.events(ids[1]).json.events.map((e: { job_id: string }) => e.job_id)).toEqual([ids[1]]);
    expect(h.events().json.events).toHaveLength(2);
    expect(h.events(ids[1], KEYS.second).json.events).toEqual([]);
    expect(h.events(undefined, KEYS.second).json.events).toEqual([]);
  });

  it('usage-filter-ignored lists every event of the key whatever job_id says', () => {
    const { h, ids } = keyWithJobs(['usage-filter-ignored']);
    expect(h.events(ids[1]).json.events.map((e: { job_id: string }) => e.job_id)).toEqual([ids[1], ids[2]]);
  });

  it("usage-other-keys shows another key's events (breaks AUTH-4)", () => {
    const { h, ids } = keyWithJobs(['usage-other-keys']);
    expect(h.events(undefined, KEYS.second).json.events.map((e: { job_id: string }) => e.job_id)).toEqual([ids[1], ids[2]]);
    expect(h.events(ids[1], KEYS.second).json.events).toHaveLength(1);
  });
});
