/** listUsageEvents, getHealth and the mock's own artifact downloads (LIFE-6). */
import { MEDIA_TYPES } from '../../../contracts/policy.js';
import { fail, type Account, type RouteHandler } from '../context.js';
import { json } from '../respond.js';
import type { MockResponse } from '../types.js';

export const listUsageEvents: RouteHandler = (ctx) => {
  if (ctx.state.faults.has('auth-rejects-valid-key')) return fail({ code: 'invalid_api_key', message: 'X-Api-Key is not a valid key' });
  const jobId = ctx.query.get('job_id');
  if (jobId === '') return fail({ code: 'invalid_request', message: 'job_id must not be empty', param: 'job_id' });
  // SPEC leaves unsaid what the filter answers for a job the key cannot see: an empty list (the mock), or the 404 a read of that job gets (the variant).
  if (jobId !== null && ctx.state.variants.has('usage-filter-404') && !ctx.state.jobs.get(jobId, (ctx.account as Account).name, ctx.now)) return fail({ code: 'not_found', message: 'Job not found', param: 'job_id' });
  const events = ctx.state.jobs.events((ctx.account as Account).name, ctx.now, jobId ?? undefined);
  const asString = ctx.state.faults.has('schema-usage-shape');
  return json(200, { events: events.map((e) => ({ ...e, ...(asString ? { credits: String(e.credits) } : {}), at: new Date(e.at).toISOString() })) });
};

export const getHealth: RouteHandler = (ctx) => json(200, { status: ctx.state.faults.has('schema-health-shape') ? 'OK' : 'ok' });

/** A few leading bytes of each format, so a downloaded artifact looks like what it claims to be. */
const MAGIC: Record<string, number[]> = {
  'video/webm': [0x1a, 0x45, 0xdf, 0xa3],
  'video/quicktime': [0, 0, 0, 0x14, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20],
  'video/mp4': [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d],
  'image/gif': [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
  'image/webp': [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50],
  'application/zip': [0x50, 0x4b, 0x03, 0x04],
};

/** GET/HEAD /artifacts/{job_id}.{ext}?sig=…: a signed link, no API key (LIFE-6). */
export const getArtifact: RouteHandler = (ctx) => {
  // The id is percent-encoded in the path (ids may carry dots and colons: the opaque-ids variant).
  const match = /^\/artifacts\/([^/]+)\.[a-z]+$/.exec(ctx.req.url.split('?', 1)[0] ?? '');
  let id = '';
  try { id = decodeURIComponent(match?.[1] ?? ''); } catch { id = ''; }
  const job = match ? ctx.state.jobs.artifact(id, ctx.query.get('sig') ?? '', ctx.now) : undefined;
  if (!job) return fail({ code: 'not_found', message: 'Artifact not found' });
  const type = ctx.state.faults.has('life-artifact-wrong-type') ? 'application/octet-stream' : MEDIA_TYPES[job.output_format];
  const bytes = new Uint8Array([...(MAGIC[MEDIA_TYPES[job.output_format]] ?? []), ...new TextEncoder().encode(`jobcert mock artifact for ${job.id}\n`)]);
  const res: MockResponse = { status: 200, headers: { 'content-type': type, 'content-length': String(bytes.byteLength) }, body: ctx.req.method === 'HEAD' ? null : bytes };
  return res;
};
