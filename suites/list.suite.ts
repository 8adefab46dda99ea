// LIST: SPEC §1's List (GET /v1/jobs: newest first, limit/offset pages, a
// status filter, `total` counting what matches) and Usage (GET
// /v1/usage/events: the job_id filter, a key's own events only). §2 gives
// these no rule ID of their own, so a failure names the section; another
// key's data is AUTH-4's. The checks that count the key's jobs or page through
// them hold the primary key alone, so the run's other checks cannot move the
// list under them; a change seen anyway (another client of the key) is retried,
// then not judged.
import { bodyPreview, createDraft, expectOutcome, expectServed, missingJobId, pollUntilTerminal, settledCharges, start } from './lib/api.js';
import { suite } from './lib/check.js';
import type { Client } from './lib/client.js';
import type { RunConfig } from './lib/config.js';
import { NotJudged } from './lib/errors.js';
import {
  judgeFilter, judgeOrder, judgeSize, judgeUnique, judgeUsageFilter, LIST_SPEC, missingFromWalk, orderedPairs, readPage, requireSpec, USAGE_SPEC, walkPages, wholeList, type Get, type Listed,
} from './lib/listing.js';
import { requireCount, requireThat, shown } from './lib/verdicts.js';

const getWith = (client: Client): Get => (path, key) => client.get(path, { key });
const ids = (jobs: readonly Listed[]): string[] => jobs.map((j) => j.id);
const eventsOf = (path: string, json: unknown): { job_id?: unknown }[] => {
  const events = (json as { events?: unknown } | undefined)?.events;
  if (!Array.isArray(events)) throw new NotJudged(`not judged: GET ${path} answered without an events list (the SCHEMA checks judge shapes)`);
  return events as { job_id?: unknown }[];
};

/** Drafts a few ms apart, so their created_at differ wherever the provider's clock tells milliseconds apart. */
async function drafts(client: Client, config: RunConfig, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) await client.pause(15);
    out.push(await createDraft(client, config));
  }
  return out;
}

const PAGE = 2;
const WALK_PAGES = 3;
const ATTEMPTS = 3;

export const LIST = suite('LIST', (check) => {
  check('list.newest-first', [], 'GET /v1/jobs lists the key\'s jobs newest first (by created_at; ties in either order)', async ({ client, config }) => {
    const get = getWith(client);
    await drafts(client, config, 3);
    let page = await readPage(get, { limit: 100 });
    if (orderedPairs(page.jobs) === 0) {
      // Every job shares one created_at at the provider's precision (whole seconds, say): one more, a second later, tells two apart.
      await client.pause(1100);
      await createDraft(client, config);
      page = await readPage(get, { limit: 100 });
    }
    judgeOrder(page.jobs, `GET ${page.path}`);
    if (orderedPairs(page.jobs) === 0) throw new NotJudged('not judged: every listed job has the same created_at, and ties may come in either order; jobs created at different times would judge it');
  });

  check('list.pages', [], 'limit/offset pages list every job once, in order, while the list holds still', async ({ client, config, note }) => {
    const get = getWith(client);
    await drafts(client, config, 3);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const pages = await walkPages(get, { limit: PAGE }, WALK_PAGES);
      const reference = await readPage(get, { limit: 100 });
      const first = pages[0]?.jobs ?? [];
      // Nothing is ever deleted, so a job added during the walk shows in the totals or at the head of the list.
      const still = pages.every((p) => p.total === reference.total) && shown(ids(first)) === shown(ids(reference.jobs.slice(0, first.length)));
      if (!still) { note(`attempt ${attempt}: the key's list changed during the walk (another client of the key), so it was walked again`); continue; }
      for (const p of pages) judgeSize(p);
      const walk = pages.flatMap((p) => p.jobs);
      const where = `pages of ${PAGE} from offset 0 (${pages.map((p) => p.path).join(', ')})`;
      judgeUnique(walk, where);
      judgeOrder(walk, where);
      const head = reference.jobs.slice(0, walk.length);
      const missing = missingFromWalk(walk, head);
      requireSpec(missing.length === 0, LIST_SPEC, 'limit/offset pages list every job: together they are the list one answer gives',
        `${where} never listed ${shown(missing.map((j) => `${j.id} (place ${head.indexOf(j) + 1})`))}; they listed ${shown(ids(walk))}, GET ${reference.path} begins ${shown(ids(head))}`);
      return;
    }
    throw new NotJudged(`not judged: the key's list changed during each of ${ATTEMPTS} walks (jobs added by another client of the key); a key nothing else uses while certify runs would judge it`);
  }, { exclusive: ['primary'] });

  check('list.total', [], '`total` counts the key\'s jobs that match the filter', async ({ client, config }) => {
    const get = getWith(client);
    const [id] = await drafts(client, config, 1) as [string];
    const before = await readPage(get, { status: 'created', limit: 100 });
    judgeFilter(before);
    judgeSize(before);
    // Newest of the key's drafts, so on the first page; a page with every draft must show it.
    if (wholeList(before)) requireSpec(ids(before.jobs).includes(id), LIST_SPEC, 'a status filter lists every job in that status', `GET ${before.path} gave all ${before.total} drafts of the key, but not the new draft ${id}`);
    expectServed(await start(client, id, { preview_duration: 1 }), 'starting the draft');
    const after = await readPage(get, { status: 'created', limit: 100 });
    judgeFilter(after);
    judgeSize(after);
    if (wholeList(before) && wholeList(after) && shown(ids(before.jobs).filter((j) => j !== id)) !== shown(ids(after.jobs))) {
      throw new NotJudged(`not judged: the key's drafts changed besides the one started (another client of the key): ${shown(ids(before.jobs))} then ${shown(ids(after.jobs))}`);
    }
    requireSpec(after.total === before.total - 1, LIST_SPEC, '`total` counts every job of the key that matches the filter: starting one of the key\'s drafts takes one from status=created',
      `GET ${before.path} said total ${before.total} before draft ${id} was started and ${after.total} after`);
  }, { exclusive: ['primary'] });

  check('list.status-filter', [], 'a status filter lists only the jobs in that status, and every draft under created', async ({ client, config }) => {
    const get = getWith(client);
    const [draft, started] = await drafts(client, config, 2) as [string, string];
    expectServed(await start(client, started, { preview_duration: 1 }), 'starting a draft');
    if (config.failingVideo) {
      const failing = await createDraft(client, config, { video_url: config.failingVideo });
      expectServed(await start(client, failing, { preview_duration: 1 }), 'starting a draft of the failing source');
    }
    for (const status of ['created', 'processing', 'completed', 'failed']) {
      const page = await readPage(get, { status, limit: 100 });
      judgeFilter(page);
      if (status === 'created' && wholeList(page)) requireSpec(ids(page.jobs).includes(draft), LIST_SPEC, 'a status filter lists every job in that status', `GET ${page.path} gave all ${page.total} drafts of the key, but not draft ${draft}`);
    }
  });

  check('list.usage-filter', [], 'GET /v1/usage/events?job_id= lists that job\'s events and no other', async ({ client, config }) => {
    const [a, b] = await drafts(client, config, 2) as [string, string];
    for (const id of [a, b]) expectServed(await start(client, id, { preview_duration: 1 }), 'starting a draft');
    const path = `/v1/usage/events?job_id=${encodeURIComponent(a)}`;
    const filtered = async (): Promise<{ job_id?: unknown }[]> => {
      const r = await client.get(path);
      expectServed(r, `GET ${path}`);
      return eventsOf(path, r.json);
    };
    let events = await filtered();
    if (!events.some((e) => e.job_id === a)) {
      // A provider may charge when the run ends (contracts/choices.ts, charge-timing).
      for (const id of [a, b]) await pollUntilTerminal(client, id, config.jobTimeoutS);
      events = await filtered();
    }
    judgeUsageFilter(events, a, `GET ${path}`);
    if (events.length > 0) return;
    const all = await client.get('/v1/usage/events');
    expectServed(all, 'GET /v1/usage/events');
    const own = eventsOf('/v1/usage/events', all.json).filter((e) => e.job_id === a);
    requireSpec(own.length === 0, USAGE_SPEC, 'the job_id filter lists the credit events of that job', `GET ${path} listed none, while GET /v1/usage/events lists ${own.length} of job ${a}`);
    throw new NotJudged(`not judged: job ${a} shows no charge event at all once its run ended, so the filter had nothing to find (billing is IDEM-5's)`);
  });

  check('list.usage-own-key', ['AUTH-4'], "usage events of another key's job are never listed, filtered or not", async ({ client, config }) => {
    const foreign = await createDraft(client, config, {}, 'alt');
    expectServed(await start(client, foreign, { preview_duration: 1 }, { key: 'alt' }), "starting the second key's draft");
    if ((await settledCharges(client, foreign, config.jobTimeoutS, 1, 'alt')).length === 0) {
      throw new NotJudged(`not judged: the second key's started job ${foreign} shows it no charge event, so there was nothing another key could be shown`);
    }
    const path = `/v1/usage/events?job_id=${encodeURIComponent(foreign)}`;
    const filtered = await client.get(path);
    // What the filter answers for a job the key cannot see is the provider's (contracts/choices.ts, usage-filter):
    // no events, or the 404 a job that does not exist gets.
    if (filtered.status === 404) {
      expectOutcome(filtered, { status: 404, code: 'not_found' }, 'AUTH-4', `GET ${path} of the second key's job with the primary key`);
      const none = await client.get(`/v1/usage/events?job_id=${encodeURIComponent(missingJobId(foreign))}`);
      requireThat(none.status === 404, 'AUTH-4', "another key's job looks like one that does not exist: the job_id filter answers both alike", `404 for the second key's job, ${none.status} for a job that does not exist: ${bodyPreview(none)}`);
    } else {
      expectServed(filtered, `GET ${path}`);
      requireCount(eventsOf(path, filtered.json).filter((e) => e.job_id === foreign), 0, 'AUTH-4', "a key sees only its own: the job_id filter on another key's job lists none of its events", 'events of the second key\'s job');
    }
    const all = await client.get('/v1/usage/events');
    expectServed(all, 'GET /v1/usage/events');
    requireCount(eventsOf('/v1/usage/events', all.json).filter((e) => e.job_id === foreign), 0, 'AUTH-4', "a key sees only its own: its usage events list none of another key's", 'events of the second key\'s job');
  }, { needs: ['alt'] });
});
