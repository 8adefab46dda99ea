/**
 * The scenario at run time: classifies each request (operation, source, job),
 * counts the client's own sequence per source and operation, decides which
 * planned injection applies, and records every delivery, so each verdict can
 * point at the injection that provoked it. Transport-free: the server asks it.
 */
import { describeAction, type Action, type Op } from './conditions.js';
import type { Instance, Plan, PlannedSource } from './plan.js';
import { readSeen, type Observed } from './traffic.js';

export interface Decision { instance: Instance; action: Action }

export interface Delivery { instance: string; seq: number; action: string }

const JOB_PATH = /^\/v1\/jobs\/([^/?#]+)(\/start)?$/;
const ARTIFACT_PATH = /^\/artifacts\/([^/.?#]+)\.[A-Za-z0-9_]+$/;

export class Scenario {
  readonly deliveries: Delivery[] = [];
  private readonly byPath = new Map<string, PlannedSource>();
  private readonly jobSource = new Map<string, string>();
  private readonly jobFormat = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  private readonly revoked = new Map<string, Instance>();
  private readonly instances: Map<string, Instance>;
  private readonly observedOnce = new Set<string>();

  constructor(readonly plan: Plan) {
    for (const s of plan.sources) this.byPath.set(s.path, s);
    this.instances = new Map(plan.instances.map((i) => [i.id, i]));
  }

  sourceOfUrl(videoUrl: unknown): PlannedSource | undefined {
    if (typeof videoUrl !== 'string') return undefined;
    try { return this.byPath.get(new URL(videoUrl).pathname); } catch { return undefined; }
  }

  sourceOfJob(jobId: string): string | undefined { return this.jobSource.get(jobId); }
  formatOfJob(jobId: string): string | undefined { return this.jobFormat.get(jobId); }

  /** What the request is: operation, the source it concerns and its job. */
  classify(method: string, url: string, body: string | undefined): Pick<Observed, 'op' | 'source' | 'jobId'> {
    const path = url.split('?', 1)[0] ?? url;
    if ((method === 'GET' || method === 'HEAD') && ARTIFACT_PATH.test(path)) {
      const jobId = ARTIFACT_PATH.exec(path)?.[1] ?? '';
      return this.withSource('download', jobId);
    }
    if (path === '/health') return { op: 'health' };
    if (path === '/v1/jobs' && method === 'POST') {
      let videoUrl: unknown;
      try { videoUrl = (JSON.parse(body ?? '') as { video_url?: unknown }).video_url; } catch { videoUrl = undefined; }
      const source = this.sourceOfUrl(videoUrl);
      return source ? { op: 'create', source: source.name } : { op: 'create' };
    }
    if (path === '/v1/jobs' && method === 'GET') return { op: 'list' };
    if (path === '/v1/usage/events') return { op: 'usage' };
    const m = JOB_PATH.exec(path);
    if (m) {
      const jobId = decodeURIComponent(m[1] ?? '');
      if (m[2] && method === 'POST') return this.withSource('start', jobId);
      if (!m[2] && method === 'GET') return this.withSource('poll', jobId);
    }
    return { op: 'other' };
  }

  private withSource(op: Op, jobId: string): Pick<Observed, 'op' | 'source' | 'jobId'> {
    const source = this.jobSource.get(jobId);
    return source ? { op, source, jobId } : { op, jobId };
  }

  /** Counts this request in its source's sequence and returns the injection it meets, if any. */
  decide(rec: Observed): Decision | undefined {
    if (!rec.source) return undefined;
    const counter = `${rec.source}|${rec.op}`;
    const nth = (this.counts.get(counter) ?? 0) + 1;
    this.counts.set(counter, nth);
    rec.nth = nth;
    // A revoked key stays revoked for everything about that source (CLI-1 judges what the client does next).
    const revokedBy = rec.origin === 'mock' && rec.op !== 'download' ? this.revoked.get(rec.source) : undefined;
    if (revokedBy) return this.deliver(rec, revokedBy, { kind: 'revoke' });
    for (const inst of this.plan.instances) {
      if (inst.source !== rec.source) continue;
      for (const slot of inst.slots) {
        if (slot.op !== rec.op || (slot.nth !== 'every' && slot.nth !== nth)) continue;
        // The redirect happens on the mock's own artifact URL; the artifact host serves what it points at.
        if (slot.action.kind === 'redirect' && rec.origin !== 'mock') continue;
        if (slot.action.kind === 'revoke') this.revoked.set(rec.source, inst);
        // Decorations of a successful answer are recorded when they happen (see decorated()).
        if (slot.action.kind === 'early-output-url') return { instance: inst, action: slot.action };
        return this.deliver(rec, inst, slot.action);
      }
    }
    return undefined;
  }

  private deliver(rec: Observed, instance: Instance, action: Action): Decision {
    rec.injection = { instance: instance.id, condition: instance.condition, action: describeAction(action) };
    this.deliveries.push({ instance: instance.id, seq: rec.seq, action: describeAction(action) });
    return { instance, action };
  }

  /** An answer decoration (early output_url) was actually applied. */
  decorated(rec: Observed, decision: Decision): void {
    this.deliver(rec, decision.instance, decision.action);
  }

  /** Learns job ids from what the engine answered (also when the answer is then lost). */
  learn(rec: Observed): void {
    if (rec.op !== 'create' || !rec.source || !rec.engine || rec.engine.status !== 200) return;
    try {
      const id = (JSON.parse(rec.engine.body) as { id?: unknown }).id;
      if (typeof id !== 'string') return;
      this.jobSource.set(id, rec.source);
      const format = (JSON.parse(rec.body ?? '{}') as { output_format?: unknown }).output_format;
      this.jobFormat.set(id, typeof format === 'string' ? format : 'webm');
    } catch { /* a create answer without JSON teaches nothing */ }
  }

  /**
   * Source-level conditions show in what the client got: the engine's 402 for
   * the too-expensive source, the failed job, the job still processing.
   */
  observe(rec: Observed): void {
    if (!rec.delivered || !rec.source) return;
    const source = this.plan.sources.find((s) => s.name === rec.source);
    if (!source) return;
    const seen = rec.seen ?? readSeen(rec.delivered.body);
    for (const id of source.instances) {
      const inst = this.instances.get(id);
      if (!inst) continue;
      const hit =
        (inst.condition === 'insufficient-credits' && rec.delivered.status === 402 && rec.delivered.errorCode === 'insufficient_credits') ||
        (inst.condition === 'failing-source' && rec.op === 'poll' && seen?.jobStatus === 'failed') ||
        (inst.condition === 'never-finishes' && rec.op === 'poll' && seen?.jobStatus === 'processing');
      if (!hit) continue;
      const once = `${id}|${inst.condition === 'insufficient-credits' ? rec.seq : ''}`;
      if (this.observedOnce.has(once)) continue;
      this.observedOnce.add(once);
      const action = inst.condition === 'insufficient-credits' ? 'the engine answered 402 insufficient_credits'
        : inst.condition === 'failing-source' ? 'the client read the job as failed' : 'the client read the job as still processing';
      rec.injection ??= { instance: id, condition: inst.condition, action };
      this.deliveries.push({ instance: id, seq: rec.seq, action });
    }
  }

  /** Instances whose first delivery never happened (the client never sent what they wait for). */
  undelivered(): Instance[] {
    const hit = new Set(this.deliveries.map((d) => d.instance));
    return this.plan.instances.filter((i) => !hit.has(i.id));
  }
}
