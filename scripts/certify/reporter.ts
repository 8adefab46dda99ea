/** A vitest reporter that turns each finished test into a CheckResult and reports progress. */
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { ruleById } from '../../contracts/rules.js';
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
  /** Every selected check by test id, which ones started, which ones have a result: an interrupted run reports the rest. */
  private readonly selected = new Map<string, string>();
  private readonly started = new Set<string>();
  private readonly finished = new Set<string>();

  constructor(private readonly onResult: (r: CheckResult) => void, private readonly redact: (s: string) => string) {}

  onTestModuleCollected(testModule: TestModule): void {
    for (const test of testModule.children.allTests()) if (test.options.mode === 'run') this.selected.set(test.id, test.name);
  }

  onTestCaseReady(testCase: TestCase): void {
    this.started.add(testCase.id);
  }

  /** The selected checks that have no result: `error`, saying the run stopped before (or while) they ran. */
  unfinished(reason: string): CheckResult[] {
    return [...this.selected].filter(([id]) => !this.finished.has(id)).map(([id, name]) => {
      const m = /^(\S+) \[([^\]]*)\] (.*)$/.exec(name);
      const rules = m?.[2] ? m[2].split(' ').filter(Boolean) : [];
      const checkId = m?.[1] ?? name;
      return {
        id: checkId, rule_ids: rules, family: checkId.split('.')[0]?.toUpperCase() ?? 'OTHER',
        level: rules.length > 0 && rules.every((r) => ruleById(r)?.level === 'should') ? 'should' : 'must', title: m?.[3] ?? name,
        status: 'error', message: this.started.has(id) ? `unfinished: ${reason} while it ran` : `not run: ${reason} before it started`,
        duration_ms: 0, requests: 0, evidence: [], request_ids: [], repro: null, notes: [],
      } satisfies CheckResult;
    });
  }

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta().jobcert as CheckMeta | undefined;
    const result = testCase.result();
    // A check vitest skipped without running it (a cancelled run) has no result of its own: unfinished() lists it.
    if (!meta || (result.state === 'skipped' && meta.skip_reason === undefined)) return;
    this.finished.add(testCase.id);
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
      ...(meta.transport ? { transport: meta.transport } : {}),
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
