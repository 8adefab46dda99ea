/** What `jobcert onboard` prints: the run header, then one row per rule (the verdict table), the verdict and the report paths. */
import { describeReportPaths, type ReportPaths } from '../core/reports/write.js';
import type { Compliance } from '../core/results.js';

export interface OnboardConsole {
  line(text: string): void;
  table(doc: Compliance, paths: ReportPaths, tail: string): void;
  error(text: string): void;
}

export function createOnboardConsole(opts: { color: boolean; redact: (s: string) => string; write?: (s: string) => void }): OnboardConsole {
  const write = opts.write ?? ((s: string) => { process.stdout.write(s); });
  const paint = (code: string, s: string): string => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const out = (s: string): void => write(opts.redact(s));
  const TAG = { pass: paint('32', 'PASS '), fail: paint('31', 'FAIL '), skip: paint('90', 'SKIP '), error: paint('33', 'ERROR') } as const;
  return {
    line(text) { out(`${text}\n`); },
    table(doc, paths, tail) {
      out('\nrule       level    result  evidence\n');
      for (const c of doc.checks) {
        const rule = (c.rule_ids[0] ?? 'coverage').padEnd(10);
        const level = (c.level === 'must' ? 'MUST' : 'SHOULD').padEnd(8);
        const msg = c.message.replace(/\s+/g, ' ');
        out(`${rule} ${level} ${TAG[c.status]}  ${msg.length > 150 ? `${msg.slice(0, 149)}…` : msg}\n`);
      }
      const s = doc.summary;
      const verdict = doc.verdict === 'pass' ? paint('32;1', 'PASS') : paint('31;1', 'FAIL');
      const mustSkipped = doc.checks.filter((c) => c.level === 'must' && c.status === 'skip').map((c) => c.rule_ids[0] ?? c.id);
      out(`\nverdict ${verdict}: ${s.total} checks, ${s.pass} passed, ${s.fail} failed, ${s.error} errored, ${s.skip} skipped (${s.gating_failures} gating)${doc.strict ? ', strict' : ''}\n`);
      if (mustSkipped.length > 0) out(`not exercised: ${mustSkipped.join(', ')} (nothing in this run provoked them; they do not gate)\n`);
      out(`${tail}\n`);
      out(describeReportPaths(paths));
    },
    error(text) { process.stderr.write(`${opts.redact(text)}\n`); },
  };
}
