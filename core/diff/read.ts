/**
 * A compliance.json as diff reads it: any version jobcert has written, its
 * optional members (provenance, report_version, rate_limit, load) possibly
 * absent. Anything else is a usage error in one line naming the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { LoadResults, ScenarioResult } from '../load-results.js';
import type { CheckResult, Compliance, RateProfile } from '../results.js';
import type { RunInput } from './model.js';

const VERDICTS: readonly Compliance['verdict'][] = ['pass', 'fail', 'incomplete', 'interrupted'];
const STATUSES: readonly CheckResult['status'][] = ['pass', 'fail', 'skip', 'error'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);

/** What else the file may be, so the error can say which file to give instead. */
function notCompliance(v: Json): string {
  if (v.tool === 'jobcert-load') return 'this is load-results.json; give the compliance.json beside it';
  if (v.tool === 'jobcert-diff') return 'this is the output of jobcert diff';
  if (v.tool !== 'jobcert') return 'no "tool": "jobcert" member';
  if (!VERDICTS.includes(v.verdict as Compliance['verdict'])) return `its verdict ${JSON.stringify(v.verdict)} is none of ${VERDICTS.join(', ')}`;
  return 'no checks array';
}

function checkFrom(v: unknown, i: number): CheckResult {
  if (!isObject(v) || typeof v.id !== 'string' || !STATUSES.includes(v.status as CheckResult['status'])) {
    throw new Error(`checks[${i}] has no id or no status (${STATUSES.join(', ')})`);
  }
  // Only what diff reads is normalised; the rest is carried as found.
  return {
    ...(v as unknown as CheckResult),
    rule_ids: Array.isArray(v.rule_ids) ? v.rule_ids.filter((r): r is string => typeof r === 'string') : [],
    title: str(v.title, v.id),
    message: str(v.message, ''),
    level: v.level === 'should' ? 'should' : 'must',
    ...(isObject(v.finding) ? { finding: { ...(typeof v.finding.rule === 'string' ? { rule: v.finding.rule } : {}), requires: str(v.finding.requires, ''), observed: str(v.finding.observed, '') } } : {}),
  };
}

/** Scenarios without the members a later jobcert added read as not measured rather than breaking the diff. */
function loadFrom(v: unknown): LoadResults | undefined {
  if (!isObject(v) || !Array.isArray(v.scenarios)) return undefined;
  const scenarios = v.scenarios.filter(isObject).filter((s) => typeof s.name === 'string').map((s) => ({
    ...(s as unknown as ScenarioResult),
    all: isObject(s.all) ? (s.all as unknown as ScenarioResult['all']) : null,
    endpoints: Array.isArray(s.endpoints) ? (s.endpoints.filter(isObject) as unknown as ScenarioResult['endpoints']) : [],
  }));
  const thresholds = Array.isArray(v.thresholds) ? (v.thresholds.filter((t) => isObject(t) && typeof t.expr === 'string') as unknown as LoadResults['thresholds']) : [];
  return { ...(v as unknown as LoadResults), scenarios, thresholds };
}

export function parseCompliance(text: string, source: string): Compliance {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source}: not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(value)) throw new UsageError(`${source}: not a jobcert compliance document (not a JSON object)`);
  if (value.tool !== 'jobcert' || !VERDICTS.includes(value.verdict as Compliance['verdict']) || !Array.isArray(value.checks)) {
    throw new UsageError(`${source}: not a jobcert compliance document (${notCompliance(value)})`);
  }
  let checks: CheckResult[];
  try {
    checks = value.checks.map(checkFrom);
  } catch (err) {
    throw new UsageError(`${source}: not a jobcert compliance document (${(err as Error).message})`);
  }
  // The optional members are taken back below only when they have their shape.
  const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !['load', 'rate_limit', 'provenance'].includes(k)));
  const load = loadFrom(value.load);
  return {
    ...(rest as unknown as Compliance),
    target: str(value.target, 'unknown'),
    profile: value.profile === 'full' ? 'full' : 'quick',
    strict: value.strict === true,
    started_at: str(value.started_at, 'unknown'),
    version: str(value.version, 'unknown'),
    checks,
    ...(isObject(value.rate_limit) ? { rate_limit: value.rate_limit as unknown as RateProfile } : {}),
    ...(isObject(value.provenance) ? { provenance: value.provenance as unknown as NonNullable<Compliance['provenance']> } : {}),
    ...(load ? { load } : {}),
  };
}

/** A compliance.json, or a report directory holding one (reports/latest among them). */
export function readRun(arg: string): RunInput {
  let file = arg;
  try {
    if (statSync(arg).isDirectory()) file = join(arg, 'compliance.json');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${arg}: no such file or directory` : `${arg}: cannot read it (${code ?? (err as Error).message})`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(file !== arg && code === 'ENOENT' ? `${arg}: no compliance.json in this directory (give a jobcert report directory or its compliance.json)` : `${file}: cannot read it (${code ?? (err as Error).message})`);
  }
  return { source: arg, doc: parseCompliance(text, file) };
}
