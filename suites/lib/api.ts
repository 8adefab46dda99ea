/** Job-level helpers the checks share: drafts, starts, polling with backoff, provoking a 429. */
import { sleep } from './backoff.js';
import { CheckFailure, fail } from './check.js';
import type { Client, Reply, RequestOptions } from './client.js';
import type { KeyRole, RunConfig } from './config.js';

export function firstVideo(config: RunConfig): string {
  const clip = config.videos[0];
  if (!clip) throw new Error('no --video-url configured');
  return clip.url;
}

export async function createDraft(client: Client, config: RunConfig, extra: Record<string, unknown> = {}, key: KeyRole = 'primary'): Promise<string> {
  const r = await client.post('/v1/jobs', { video_url: firstVideo(config), auto_start: false, ...extra }, { key });
  if (r.status !== 200 || typeof r.json?.id !== 'string') fail(`could not create a draft job: POST /v1/jobs answered ${r.status} ${r.text.slice(0, 200)}`);
  return r.json.id as string;
}

export function start(client: Client, id: string, body: unknown = {}, opts: RequestOptions = {}): Promise<Reply> {
  return client.post(`/v1/jobs/${encodeURIComponent(id)}/start`, body, opts);
}

export async function getJob(client: Client, id: string, key: KeyRole = 'primary'): Promise<Reply> {
  return client.get(`/v1/jobs/${encodeURIComponent(id)}`, { key });
}

export async function chargesFor(client: Client, id: string, key: KeyRole = 'primary'): Promise<unknown[]> {
  const r = await client.get(`/v1/usage/events?job_id=${encodeURIComponent(id)}`, { key });
  if (r.status !== 200 || !Array.isArray(r.json?.events)) fail(`GET /v1/usage/events answered ${r.status}`);
  return (r.json.events as { job_id?: string }[]).filter((e) => e.job_id === id);
}

export interface PollResult {
  job: Record<string, unknown>;
  /** Every job body seen while polling, oldest first. */
  seen: Record<string, unknown>[];
  elapsedMs: number;
}

/** Polls with backoff (250 ms doubling to 2 s) until terminal or the caller's job timeout (LIFE-3). */
export async function pollUntilTerminal(client: Client, id: string, timeoutS: number, key: KeyRole = 'primary'): Promise<PollResult> {
  const t0 = Date.now();
  const deadline = t0 + timeoutS * 1000;
  const seen: Record<string, unknown>[] = [];
  let delay = 250;
  for (;;) {
    const r = await getJob(client, id, key);
    if (r.status !== 200) fail(`GET /v1/jobs/${id} answered ${r.status} while polling`);
    seen.push(r.json);
    const status = r.json?.status;
    if (status === 'completed' || status === 'failed') return { job: r.json, seen, elapsedMs: Date.now() - t0 };
    if (Date.now() + delay > deadline) throw new CheckFailure(`job ${id} was still ${String(status)} after the ${timeoutS} s job timeout (LIFE-3)`);
    await sleep(delay);
    delay = Math.min(2000, delay * 2);
  }
}

/** `count` concurrent side-effect-free GETs, none retried: the burst every RATE probe is built from. */
export function burst(raw: Client, count: number, key: KeyRole = 'primary'): Promise<Reply>[] {
  return Array.from({ length: count }, () => raw.get('/v1/jobs?limit=1', { key, retry429: false }));
}

/** Bursts in waves until one request is throttled (bounded: 4 waves of 30). Returns the first 429, or undefined. */
export async function provoke429(raw: Client, key: KeyRole = 'primary'): Promise<Reply | undefined> {
  for (let wave = 0; wave < 4; wave++) {
    const throttled = (await Promise.all(burst(raw, 30, key))).find((r) => r.status === 429);
    if (throttled) return throttled;
  }
  return undefined;
}

/**
 * Sends `probe` queued behind a burst of 40, so it reaches the target while the
 * bucket is empty (a probe sent after the burst completes can find a refilled
 * token). Returns the probe's reply and the burst's first 429, if any.
 */
export async function duringBurst(raw: Client, probe: () => Promise<Reply>, key: KeyRole = 'primary'): Promise<{ probe: Reply; throttled: Reply | undefined }> {
  const replies = burst(raw, 40, key);
  const reply = probe();
  return { probe: await reply, throttled: (await Promise.all(replies)).find((r) => r.status === 429) };
}

export const statusesOf = (job: Record<string, unknown>): string[] =>
  Array.isArray(job.history) ? (job.history as { status?: string }[]).map((h) => String(h.status)) : [];
