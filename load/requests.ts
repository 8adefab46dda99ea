/**
 * The requests the scenarios send, built once from the contract and checked
 * against it (contracts/request-conformance.ts) before any goes out: load
 * measures a provider doing real work, never its 400s. Every start bills a
 * 1-second preview, so each costs `creditsFor(model, 1 s)` whatever the clip's
 * length (billed seconds = ceil(min(preview, clip)) = 1 for any clip) and a
 * load run on staging stays cheap.
 */
import { checkRequest } from '../contracts/request-conformance.js';
import { creditsFor, type Model, type OutputFormat } from '../contracts/policy.js';
import type { CreateJobRequest, StartJobRequest } from '../contracts/schemas.js';
import type { Endpoint, OutgoingRequest } from './types.js';

export const PREVIEW_SECONDS = 1;
/** Drafts are created alpha-capable, so every start body below is a supported combination (VAL-4). */
export const DRAFT_OUTPUT_FORMAT: OutputFormat = 'webm';

export function draftBody(videoUrl: string): CreateJobRequest {
  return { video_url: videoUrl, auto_start: false, output_format: DRAFT_OUTPUT_FORMAT };
}

/** A realistic spread of starts: each model, each background type, partial and full compositions (the vendor page's example among them). */
export const START_BODIES: readonly (StartJobRequest & { model: Model })[] = [
  { model: 'original', preview_duration: PREVIEW_SECONDS },
  { model: 'light', background: { type: 'color', color: [0, 177, 64] }, preview_duration: PREVIEW_SECONDS },
  {
    model: 'pro', text_prompt: 'person, clothing accessories, glowing ring', background: { type: 'transparent' },
    composition: { canvas: { width: 1920, height: 1080 }, foreground: { anchor: 'center', scale: 1, offset: { x: 0, y: 0 } } },
    preview_duration: PREVIEW_SECONDS,
  },
  { model: 'human', composition: { foreground: { anchor: 'bottom', scale: 0.8 } }, preview_duration: PREVIEW_SECONDS },
];

export function startCredits(body: { model: Model }): number {
  return creditsFor(body.model, PREVIEW_SECONDS, PREVIEW_SECONDS);
}

export const LIST_PATH = '/v1/jobs?limit=10';

export interface RequestFactory {
  createDraft(): OutgoingRequest;
  start(jobId: string, bodyIndex: number, idempotencyKey?: string): OutgoingRequest;
  getJob(jobId: string): OutgoingRequest;
  list(): OutgoingRequest;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Requests for one API key; bodies are serialized once. */
export function requestsFor(apiKey: string, videoUrl: string): RequestFactory {
  const auth = { 'x-api-key': apiKey };
  const post = { ...auth, ...JSON_HEADERS };
  const draft = JSON.stringify(draftBody(videoUrl));
  const starts = START_BODIES.map((b) => JSON.stringify(b));
  return {
    createDraft: () => ({ endpoint: 'createJob', method: 'POST', path: '/v1/jobs', headers: post, body: draft }),
    start: (jobId, bodyIndex, idempotencyKey) => ({
      endpoint: 'startJob', method: 'POST', path: `/v1/jobs/${encodeURIComponent(jobId)}/start`,
      headers: idempotencyKey ? { ...post, 'idempotency-key': idempotencyKey } : post, body: starts[bodyIndex % starts.length] as string,
    }),
    getJob: (jobId) => ({ endpoint: 'getJob', method: 'GET', path: `/v1/jobs/${encodeURIComponent(jobId)}`, headers: auth }),
    list: () => ({ endpoint: 'listJobs', method: 'GET', path: LIST_PATH, headers: auth }),
  };
}

/** Every request shape the scenarios can send, checked against the contract; a non-empty answer is a bug here. */
export function contractProblems(videoUrl: string): string[] {
  const f = requestsFor('jc_contract_probe_key', videoUrl);
  const samples: [Endpoint, OutgoingRequest][] = [
    ['createJob', f.createDraft()], ['getJob', f.getJob('job_probe')], ['listJobs', f.list()],
    ...START_BODIES.map((_, i) => ['startJob', f.start('job_probe', i, 'jc-load-probe-1')] as [Endpoint, OutgoingRequest]),
  ];
  return samples.flatMap(([, r]) => checkRequest(r, { outputFormat: DRAFT_OUTPUT_FORMAT }).map((v) => `${r.method} ${r.path}: ${v.message}`));
}
