/**
 * `check()` declares one certification check as a vitest test. Its name is
 * `<id> [<rule IDs>] <title>`, so `--only AUTH-4` can select it; its meta
 * carries what the reports need (rules, level, evidence, request ids), which
 * vitest hands to the certify reporter.
 */
import { test, type TestContext } from 'vitest';
import { ruleById } from '../../contracts/rules.js';
import { Client, Recorder, type Exchange } from './client.js';
import { runConfig, type RunConfig } from './config.js';

export interface ClipRow { label: string; url: string; status?: string; processing_ms?: number; credits?: number }

export interface CheckMeta {
  id: string;
  rules: string[];
  family: string;
  level: 'must' | 'should';
  title: string;
  exchanges: Exchange[];
  exchanges_total: number;
  request_ids: string[];
  notes: string[];
  skip_reason?: string;
  clip?: ClipRow;
}

declare module 'vitest' {
  interface TaskMeta { jobcert?: CheckMeta }
}

export type Need = 'alt' | 'broke' | 'logSource' | 'failingVideo';
const NEED_TEXT: Record<Need, string> = {
  alt: 'needs --alt-api-key (a key of another account)',
  broke: 'needs --broke-api-key (a key with no credits)',
  logSource: 'needs --log-source (provider logs)',
  failingVideo: 'needs --failing-video-url (a source that fails processing)',
};

export interface CheckContext {
  client: Client;
  /** A client that does not retry 429 (RATE checks). */
  raw: Client;
  config: RunConfig;
  note(message: string): void;
  clip(row: ClipRow): void;
  recorder: Recorder;
}

/** A check's verdict is "fail" for these, "error" for anything else thrown. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
}
export function fail(message: string): never {
  throw new CheckFailure(message);
}

const EVIDENCE_HEAD = 12;
const EVIDENCE_TAIL = 18;

function evidence(exchanges: Exchange[]): Exchange[] {
  if (exchanges.length <= EVIDENCE_HEAD + EVIDENCE_TAIL) return exchanges;
  const kept = new Set([...exchanges.slice(0, EVIDENCE_HEAD), ...exchanges.slice(-EVIDENCE_TAIL), ...exchanges.filter((e) => e.violations.length > 0).slice(0, 20)]);
  return exchanges.filter((e) => kept.has(e));
}

function hasNeed(config: RunConfig, need: Need): boolean {
  if (need === 'alt') return config.keys.alt !== undefined;
  if (need === 'broke') return config.keys.broke !== undefined;
  if (need === 'logSource') return config.logSource !== undefined;
  return config.failingVideo !== undefined;
}

export function check(
  id: string,
  rules: string[],
  title: string,
  fn: (t: CheckContext) => Promise<void>,
  opts: { needs?: Need[]; timeoutMs?: number } = {},
): void {
  const family = id.split('.')[0]?.toUpperCase() ?? 'OTHER';
  // SHOULD only when every cited rule is a SHOULD; a check citing no rule (SCHEMA) gates.
  const level = rules.length > 0 && rules.every((r) => ruleById(r)?.level === 'should') ? 'should' : 'must';
  test(`${id} [${rules.join(' ')}] ${title}`, { timeout: opts.timeoutMs ?? 60_000 }, async (ctx: TestContext) => {
    const config = runConfig();
    const recorder = new Recorder(config);
    const meta: CheckMeta = { id, rules, family, level, title, exchanges: [], exchanges_total: 0, request_ids: [], notes: [] };
    ctx.task.meta.jobcert = meta;
    const missing = (opts.needs ?? []).filter((n) => !hasNeed(config, n));
    if (missing.length > 0) {
      meta.skip_reason = missing.map((n) => NEED_TEXT[n]).join('; ');
      ctx.skip(meta.skip_reason);
      return;
    }
    const client = new Client(recorder);
    const raw = new Client(recorder, { retry429: false });
    try {
      await fn({
        client, raw, config, recorder,
        note: (m) => meta.notes.push(recorder.redact(m)),
        clip: (row) => { meta.clip = row; },
      });
    } finally {
      meta.exchanges = evidence(recorder.exchanges);
      meta.exchanges_total = recorder.exchanges.length;
      meta.request_ids = recorder.exchanges.flatMap((e) => (e.request_id ? [e.request_id] : []));
    }
  });
}
