/** What certify prints: one line per check as it finishes (grouped by family), then the verdict table. */
import { incompleteLines, VERDICT_TEXT } from '../../core/reports/completeness.js';
import { describeRateLimit } from '../../core/reports/rate-limit.js';
import { gateLines } from '../../core/reports/gates.js';
import { describeTransport } from '../../core/reports/transport.js';
import { describeReportPaths, type ReportPaths } from '../../core/reports/write.js';
import type { CheckResult, Compliance } from '../../core/results.js';

export interface Console {
  header(text: string): void;
  result(r: CheckResult): void;
  final(doc: Compliance, paths: ReportPaths): void;
  error(text: string): void;
}

export function createConsole(opts: { quiet: boolean; color: boolean; redact: (s: string) => string; write?: (s: string) => void }): Console {
  const write = opts.write ?? ((s: string) => { process.stdout.write(s); });
  const paint = (code: string, s: string): string => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const TAG: Record<CheckResult['status'], string> = {
    pass: paint('32', 'PASS '), fail: paint('31', 'FAIL '), skip: paint('90', 'SKIP '), error: paint('33', 'ERROR'),
  };
  let family = '';
  const out = (s: string): void => write(opts.redact(s));
  return {
    header(text) { if (!opts.quiet) out(`${text}\n`); },
    result(r) {
      if (opts.quiet) return;
      if (r.family !== family) { family = r.family; out(`\n${paint('1', family)}\n`); }
      const rules = r.rule_ids.length ? ` (${r.rule_ids.join(', ')})` : '';
      const detail = r.status === 'pass' ? '' : `\n        ${r.message.split('\n')[0]?.slice(0, 240) ?? ''}`;
      out(`  ${TAG[r.status]} ${r.id}${rules}${r.level === 'should' ? ' [recommended]' : ''} ${paint('90', `${r.duration_ms} ms`)}${detail}\n`);
    },
    final(doc, paths) {
      const s = doc.summary;
      out('\nfamily   pass fail error skip\n');
      for (const [f, n] of Object.entries(s.by_family)) out(`${f.padEnd(8)} ${String(n.pass).padStart(4)} ${String(n.fail).padStart(4)} ${String(n.error).padStart(5)} ${String(n.skip).padStart(4)}\n`);
      for (const c of doc.clips) out(`clip ${c.label}: ${c.status ?? '?'} in ${c.processing_ms !== undefined ? (c.processing_ms / 1000).toFixed(1) : '?'} s, ${c.credits ?? '?'} credits\n`);
      if (doc.rate_limit) out(`rate limit: ${describeRateLimit(doc.rate_limit)}\n`);
      const verdict = paint(doc.verdict === 'pass' ? '32;1' : doc.verdict === 'fail' ? '31;1' : '33;1', VERDICT_TEXT[doc.verdict]);
      const unfinished = s.unfinished ? ` (${s.unfinished} unfinished)` : '';
      const blocked = s.blocked ? ` (${s.blocked} blocked: a key stayed throttled, RATE-3)` : '';
      out(`\nverdict ${verdict}: ${s.total} checks, ${s.pass} passed, ${s.fail} failed, ${s.error} errored${blocked}${unfinished}, ${s.skip} skipped (${s.gating_failures} gating), ${s.requests} requests in ${(doc.duration_ms / 1000).toFixed(1)} s\n`);
      for (const line of incompleteLines(doc)) out(`  incomplete: ${line}\n`);
      for (const line of gateLines(doc)) out(`  gates: ${line}\n`);
      if (doc.transport.failed > 0) out(`transport: ${describeTransport(doc.transport)}\n`);
      out(describeReportPaths(paths));
    },
    error(text) { process.stderr.write(`${opts.redact(text)}\n`); },
  };
}
