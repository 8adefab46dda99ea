/** A vitest reporter that turns each finished test into a CheckResult and reports progress. */
import type { Reporter, TestCase } from 'vitest/node';
import type { CheckMeta } from '../../suites/lib/check.js';
import type { RateProfile } from '../../suites/lib/rate.js';
import { reproFor, type CheckResult, type Status } from './results.js';

// ANSI escapes come from vitest's diff output; reports want plain text.
const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

export class CheckCollector implements Reporter {
  readonly results: CheckResult[] = [];
  readonly loadErrors: string[] = [];
  /** The run's rate-limit discovery, as carried by any check that used it. */
  rateProfile: RateProfile | undefined;

  constructor(private readonly onResult: (r: CheckResult) => void, private readonly redact: (s: string) => string) {}

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta().jobcert as CheckMeta | undefined;
    if (!meta) return;
    const result = testCase.result();
    const error = result.state === 'failed' ? result.errors?.[0] : undefined;
    // A broken expectation is a failed check; anything else thrown means the check could not complete.
    const expectationBroken = error?.name === 'AssertionError' || error?.name === 'CheckFailure';
    const status: Status = result.state === 'passed' ? 'pass' : result.state === 'failed' ? (expectationBroken ? 'fail' : 'error') : 'skip';
    // The harness's own error kinds say what happened in their message; anything else is named.
    const plain = expectationBroken || ['NotJudged', 'Blocked', 'OutOfTime', 'TransportError'].includes(error?.name ?? '');
    const prefix = error?.name === 'TransportError' ? 'transport: ' : error?.name === 'OutOfTime' ? 'out of time: ' : '';
    const message = status === 'pass' ? (meta.notes.length ? `passed; ${meta.notes.join('; ')}` : 'passed')
      : status === 'skip' ? (meta.skip_reason ?? (result.state === 'skipped' ? result.note : undefined) ?? 'skipped')
      : this.redact(stripAnsi(`${plain ? prefix : `${error?.name ?? 'Error'}: `}${error?.message ?? 'failed'}`));
    if (meta.rate_profile && !this.rateProfile) this.rateProfile = meta.rate_profile;
    const check: CheckResult = {
      id: meta.id, rule_ids: meta.rules, family: meta.family, level: meta.level, title: meta.title, status, message,
      duration_ms: Math.round(testCase.diagnostic()?.duration ?? 0), requests: meta.exchanges_total, ...(meta.blocked ? { blocked: true } : {}),
      evidence: meta.exchanges, request_ids: meta.request_ids,
      repro: reproFor(meta.exchanges, status), notes: meta.notes, ...(meta.clip ? { clip: meta.clip } : {}),
    };
    this.results.push(check);
    this.onResult(check);
  }

  onTestRunEnd(testModules: ReadonlyArray<{ moduleId: string; errors(): ReadonlyArray<{ message?: string }> }>): void {
    for (const m of testModules) for (const e of m.errors()) this.loadErrors.push(this.redact(`${m.moduleId}: ${e.message ?? 'failed to load'}`));
  }
}
