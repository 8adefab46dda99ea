/**
 * The results of a run, whatever stage produced them: one CheckResult per
 * check, the checks derived from everything the run saw (SCHEMA per
 * operation, OBS-1 uniqueness across the run), and the Compliance document
 * every report is drawn from.
 */
import type { Violation } from '../contracts/conformance.js';
import { ruleById } from '../contracts/rules.js';
import { operations } from '../contracts/spec.js';
import { curlFor, requestIdsOf, type Exchange, type KeyRole, type TransportFailure } from './exchange.js';
import { familyRank } from './families.js';
import type { LoadResults } from './load-results.js';
import type { Completeness } from './verdict.js';
import type { CheckGate, Gates } from './gates/model.js';

/** Bumped when compliance.json changes shape in a way a reader must know of. */
export const REPORT_VERSION = '2';

/** Enough to check a certification later and to run it again. */
export interface Provenance {
  jobcert_version: string;
  /** SHA-256 of the contract the run judged against. */
  spec_sha256: string;
  openapi_sha256: string;
  target: string;
  seed: number | null;
  started_at: string;
  ended_at: string;
  /** The run's resolved settings; keys are shown only as present or absent. */
  settings: Record<string, unknown>;
}

export type Status = 'pass' | 'fail' | 'skip' | 'error';

export interface ClipRow { label: string; url: string; status?: string; processing_ms?: number; credits?: number }

/** What the run learnt about one key's limit; it goes into every report. */
export interface RateProfile {
  key: KeyRole;
  /** A 429 came within the bound. */
  throttled: boolean;
  /** 2xx responses that completed before the first 429 did: the observed burst size. */
  requests_before_first_429: number | null;
  /** Requests sent by discovery, in `elapsed_ms`, at up to `peak_concurrency` at once. */
  sent: number;
  elapsed_ms: number;
  peak_concurrency: number;
  /** Requests admitted per second after the key ran dry: a rest, then one burst; `refill_window_ms` is from the rest to the last request admitted. */
  refill_per_second: number | null;
  refill_window_ms: number;
  retry_after: string | null;
  retry_after_ms: number | null;
  /** RateLimit-Policy as sent by the provider (the hint), and the quota read from it. */
  policy_header: string | null;
  hinted_quota: number | null;
  bound: { requests: number; seconds: number };
  /** How the run paces normal traffic per key afterwards (requests per second, burst). */
  pacing: { per_second: number; burst: number } | null;
  /** RATE-3 as a client lives it: a 429's Retry-After waited, nothing else on the key, then one request (the pressure episode). */
  retry_after_honesty?: RetryAfterHonesty;
}

/**
 * Whether a 429's Retry-After told the truth: jobcert waited it (the flood's
 * latest promise exactly, then a lone 429's plus the whole second either form
 * may round away) and sent one request. `asked_ms`, `tolerance_ms` and
 * `waited_ms` are of the 429 judged; `served_after_ms` is from that 429 to the
 * first request served, null when none was within the recovery.
 */
export interface RetryAfterHonesty {
  verdict: 'honest' | 'held-longer' | 'not-judged';
  retry_after: string | null;
  form: 'delay-seconds' | 'HTTP-date' | null;
  asked_ms: number | null;
  tolerance_ms: number;
  waited_ms: number | null;
  first_status: number | null;
  served_after_ms: number | null;
  /** 429s between the judged one and the first request served. */
  throttled_after: number;
  note: string;
}

export interface InjectionEvidence { id: string; condition: string; description: string; requests: number[] }
export interface LogLineEvidence { line: number; stream: 'stdout' | 'stderr' | 'file'; t_ms?: number; text: string }

export interface CheckResult {
  id: string;
  rule_ids: string[];
  family: string;
  level: 'must' | 'should';
  title: string;
  status: Status;
  message: string;
  duration_ms: number;
  /** Requests the check sent (the evidence keeps a sample of them). */
  requests: number;
  /** Ended at once: a key it needs is stuck (RATE-3). */
  blocked?: boolean;
  /** Requests that got no response, by what the transport did. */
  transport?: Partial<Record<TransportFailure, number>>;
  evidence: Exchange[];
  request_ids: string[];
  repro: string | null;
  notes: string[];
  clip?: ClipRow;
  /** A failure in the rule's words: the rule broken, what SPEC requires, what came back. */
  finding?: { rule?: string; requires: string; observed: string };
  /** With a baseline or waivers: whether this failure gates (new, expired) or not (known, waived). */
  gate?: CheckGate;
  /** Onboarding (`jobcert onboard`): the injected conditions that provoked this verdict. */
  injections?: InjectionEvidence[];
  /** Onboarding: the client's log lines the verdict rests on (redacted). */
  log_lines?: LogLineEvidence[];
}

/** What a stage says of a check; `checkResult` derives the rest. */
export type CheckDraft = Pick<CheckResult, 'id' | 'title' | 'status' | 'message'> & { rules: string[] }
  & Partial<Omit<CheckResult, 'id' | 'rule_ids' | 'family' | 'level' | 'title' | 'status' | 'message'>>;

/** `auth.api-key-required` → AUTH: a check's id names its family. */
export const familyOf = (id: string): string => id.split('.')[0]?.toUpperCase() ?? 'OTHER';

/** SHOULD only when every cited rule is a SHOULD; a check citing no rule (SCHEMA, LOAD's own) gates. */
export const levelOf = (rules: readonly string[]): CheckResult['level'] =>
  rules.length > 0 && rules.every((r) => ruleById(r)?.level === 'should') ? 'should' : 'must';

/** The one way to make a CheckResult, so family and level are never chosen by hand. */
export function checkResult(d: CheckDraft): CheckResult {
  return {
    id: d.id, rule_ids: d.rules, family: familyOf(d.id), level: levelOf(d.rules), title: d.title, status: d.status, message: d.message,
    duration_ms: d.duration_ms ?? 0, requests: d.requests ?? 0,
    ...(d.blocked !== undefined ? { blocked: d.blocked } : {}),
    ...(d.transport !== undefined ? { transport: d.transport } : {}),
    evidence: d.evidence ?? [], request_ids: d.request_ids ?? [], repro: d.repro ?? null, notes: d.notes ?? [],
    ...(d.clip !== undefined ? { clip: d.clip } : {}),
    ...(d.finding !== undefined ? { finding: d.finding } : {}),
    ...(d.injections !== undefined ? { injections: d.injections } : {}),
    ...(d.log_lines !== undefined ? { log_lines: d.log_lines } : {}),
  };
}

export interface Compliance {
  tool: 'jobcert';
  version: string;
  target: string;
  profile: 'quick' | 'full';
  strict: boolean;
  started_at: string;
  duration_ms: number;
  /**
   * interrupted: SIGINT or SIGTERM stopped the run; what finished is reported, the rest is listed as unfinished.
   * incomplete: nothing gating failed, but a MUST rule went unjudged or a gating check could not judge (core/verdict.ts).
   */
  verdict: 'pass' | 'fail' | 'incomplete' | 'interrupted';
  /** The version of this document's shape (contracts/compliance.schema.json). */
  report_version?: string;
  /** What the run could not vouch for: the rules no check judged, and why. */
  completeness?: Completeness;
  /** What makes the run checkable later: the contract's hashes, the settings, seed and times. */
  provenance?: Provenance;
  summary: {
    total: number; pass: number; fail: number; skip: number; error: number; gating_failures: number;
    /** Checks left unfinished by an interrupt or the run deadline, among the errors. */
    unfinished: number;
    /** Checks that ended at once because a key stayed throttled (RATE-3), among the errors. */
    blocked: number;
    /** Requests the whole run sent to the target. */
    requests: number;
    by_family: Record<string, { pass: number; fail: number; skip: number; error: number }>;
  };
  clips: ClipRow[];
  /** What the run found of the provider's rate limit (RATE-1). */
  rate_limit?: RateProfile;
  /** What the transport did when no response came, over the run and per check. */
  transport: TransportSummary;
  checks: CheckResult[];
  /** The LOAD stage's measurements, when it ran (reports draw its section and charts from it). */
  load?: LoadResults;
  /** Set by `jobcert onboard`: the client run, the scenario plan and every injection. */
  onboarding?: Record<string, unknown>;
  /** With --baseline or waivers: known, waived and expired failures, fixed and unobserved baseline entries, unused waivers. */
  gates?: Gates;
}

export interface TransportSummary {
  /** Requests that got no response at all. */
  failed: number;
  by_kind: Partial<Record<TransportFailure, number>>;
  by_check: { id: string; status: Status; counts: Partial<Record<TransportFailure, number>> }[];
}

export function transportSummary(checks: CheckResult[]): TransportSummary {
  const by_kind: Partial<Record<TransportFailure, number>> = {};
  const by_check: TransportSummary['by_check'] = [];
  for (const c of checks) {
    if (!c.transport) continue;
    by_check.push({ id: c.id, status: c.status, counts: c.transport });
    for (const [k, n] of Object.entries(c.transport) as [TransportFailure, number][]) by_kind[k] = (by_kind[k] ?? 0) + n;
  }
  return { failed: Object.values(by_kind).reduce((a, b) => a + b, 0), by_kind, by_check };
}

export function reproFor(evidence: Exchange[], status: Status): string | null {
  if (evidence.length === 0) return null;
  // The last exchange is where a failing check stopped; a passing one is shown by its first.
  const e = status === 'fail' || status === 'error' ? evidence[evidence.length - 1] : evidence[0];
  return e ? curlFor(e) : null;
}

function operationOf(e: Exchange): string | undefined {
  if (!e.operation) return undefined;
  const [method, path] = e.operation.split(' ');
  return operations.find((o) => o.method === method && o.path === path)?.operationId;
}

/** --only and --skip: families and rule IDs, upper-cased. */
export interface Selection { only: readonly string[]; skip: readonly string[] }

export function selects(selection: Selection, family: string, ruleIds: string[]): boolean {
  const hit = (items: readonly string[]) => items.includes(family) || ruleIds.some((r) => items.includes(r));
  if (selection.only.length > 0 && !hit(selection.only)) return false;
  return !hit(selection.skip);
}

/**
 * SCHEMA: one check per operation over every response the run saw. A
 * violation a SPEC rule owns (a 429 without Retry-After is RATE-2's, an error
 * that is not the envelope ERR-1's) is judged by that rule's family and only
 * noted here, so one broken rule fails one family.
 */
function schemaChecks(results: CheckResult[]): CheckResult[] {
  const exchanges = results.flatMap((r) => r.evidence);
  return operations.map((op) => {
    const seen = exchanges.filter((e) => operationOf(e) === op.operationId);
    const own = (e: Exchange): Violation[] => e.violations.filter((v) => v.rule === undefined);
    const bad = seen.filter((e) => own(e).length > 0);
    const ruled = [...new Set(seen.flatMap((e) => e.violations.flatMap((v) => (v.rule ? [v.rule] : []))))];
    const status: Status = seen.length === 0 ? 'skip' : bad.length > 0 ? 'fail' : 'pass';
    const elsewhere = ruled.length ? `; violations of ${ruled.join(', ')} were seen too, judged by those rules' checks` : '';
    const message = status === 'skip' ? `no ${op.method} ${op.path} response was seen in this run`
      : status === 'fail' ? `${bad.length} of ${seen.length} responses break the spec: ${[...new Set(bad.flatMap((e) => own(e).map((v) => v.message)))].slice(0, 5).join('; ')}${elsewhere}`
      : `${seen.length} responses match the spec (status, content type, body, headers)${elsewhere}`;
    const evidence = bad.slice(0, 10);
    return checkResult({
      id: `schema.${op.operationId}`, rules: [], title: `${op.method} ${op.path} responses match contracts/openapi.yaml`,
      status, message, evidence, request_ids: requestIdsOf(evidence), repro: reproFor(evidence, status),
    });
  });
}

/** OBS-1 over the whole run: no request id may appear twice. */
function uniquenessCheck(results: CheckResult[]): CheckResult {
  const ids = results.flatMap((r) => r.request_ids);
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const id of ids) (seen.has(id) ? dupes : seen).add(id);
  const status: Status = ids.length === 0 ? 'skip' : dupes.size > 0 ? 'fail' : 'pass';
  const evidence = results.flatMap((r) => r.evidence).filter((e) => e.request_id !== undefined && dupes.has(e.request_id)).slice(0, 10);
  return checkResult({
    id: 'obs.request-id-unique-run', rules: ['OBS-1'], title: 'request ids are unique across every request of the run',
    status, message: status === 'fail' ? `${dupes.size} request ids were seen more than once: ${[...dupes].slice(0, 5).join(', ')}` : `${ids.length} request ids, all distinct`,
    evidence, request_ids: [...dupes], repro: reproFor(evidence, status),
    ...(status === 'fail' ? { finding: { rule: 'OBS-1', requires: 'every response carries a unique X-Request-Id, across the whole run', observed: `${dupes.size} request ids were seen more than once` } } : {}),
  });
}

/** Adds the run-wide checks and orders everything as SPEC.md does (stable within a family). */
export function withDerivedChecks(results: CheckResult[], selection: Selection): CheckResult[] {
  const out = [...results];
  if (selects(selection, 'OBS', ['OBS-1'])) out.push(uniquenessCheck(results));
  if (selects(selection, 'SCHEMA', [])) out.push(...schemaChecks(results));
  return out.map((c, i) => ({ c, i })).sort((a, b) => familyRank(a.c.family) - familyRank(b.c.family) || a.i - b.i).map(({ c }) => c);
}

export function isGatingFailure(c: CheckResult, strict: boolean): boolean {
  // A known (baselined) or waived failure is listed, never gating (core/gates/).
  const covered = c.gate?.state === 'known' || c.gate?.state === 'waived';
  return (c.status === 'fail' || c.status === 'error') && (c.level === 'must' || strict) && !covered;
}

export function summarize(checks: CheckResult[], strict: boolean): Compliance['summary'] {
  const by_family: Compliance['summary']['by_family'] = {};
  const summary = { total: checks.length, pass: 0, fail: 0, skip: 0, error: 0, gating_failures: 0, unfinished: 0, blocked: 0, requests: 0, by_family };
  for (const c of checks) {
    summary[c.status]++;
    if (c.status === 'error' && /^(unfinished|not run): /.test(c.message)) summary.unfinished++;
    summary.requests += c.requests;
    if (c.blocked) summary.blocked++;
    (by_family[c.family] ??= { pass: 0, fail: 0, skip: 0, error: 0 })[c.status]++;
    if (isGatingFailure(c, strict)) summary.gating_failures++;
  }
  return summary;
}
