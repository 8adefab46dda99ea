/**
 * The mock's own ledger after the run: every job the client's key owns (with
 * its source, model, format and status) and every charge. Read through the
 * engine's public routes, so it is what the API itself would report; CLI-4
 * counts duplicate jobs and charges with it.
 */
import type { Engine } from '../mocks/index.js';

export interface LedgerJob { id: string; videoUrl: string; status: string; model: string; outputFormat: string; creditsCharged: number }
export interface LedgerCharge { jobId: string; credits: number; requestId: string }
export interface Ledger { jobs: LedgerJob[]; charges: LedgerCharge[] }

const PAGE = 100;
const MAX_PAGES = 100;

export function readLedger(engine: Engine, key: string): Ledger {
  const get = (url: string): unknown => {
    const res = engine.handle({ method: 'GET', url, headers: { 'x-api-key': key }, body: null });
    if (res.status !== 200 || typeof res.body !== 'string') return undefined;
    return JSON.parse(res.body) as unknown;
  };
  const jobs: LedgerJob[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const body = get(`/v1/jobs?limit=${PAGE}&offset=${page * PAGE}`) as { jobs?: Record<string, unknown>[]; total?: number } | undefined;
    for (const j of body?.jobs ?? []) {
      jobs.push({
        id: String(j.id), videoUrl: String(j.video_url), status: String(j.status), model: String(j.model),
        outputFormat: String(j.output_format), creditsCharged: Number(j.credits_charged),
      });
    }
    if (!body?.jobs || body.jobs.length < PAGE) break;
  }
  const usage = get('/v1/usage/events') as { events?: Record<string, unknown>[] } | undefined;
  const charges = (usage?.events ?? []).map((e) => ({ jobId: String(e.job_id), credits: Number(e.credits), requestId: String(e.request_id) }));
  return { jobs: jobs.reverse(), charges };
}
