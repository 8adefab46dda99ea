/** junit.xml: one testcase per check (classname jobcert.<family>), valid against contracts/junit.xsd. */
import type { Compliance } from '../results.js';
import { excuseText, unjudgedRows } from './completeness.js';
import { gateNote, isCovered } from './gates.js';
import { waiverSubject } from '../gates/waivers.js';
import { describeRateLimit } from './rate-limit.js';
import { describeTransport } from './transport.js';
import type { ReportWriter } from './writer.js';

// XML 1.0 cannot carry most control characters at all, even escaped.
const xml = (s: string): string => s
  .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
  .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderJunit(doc: Compliance): string {
  const families = [...new Set(doc.checks.map((c) => c.family))];
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const s = doc.summary;
  // The rules no check judged are test cases too: a CI that reads only junit.xml must see why an incomplete run is not green.
  const unjudged = unjudgedRows(doc);
  const gating = unjudged.filter((u) => u.gating).length;
  // A known or waived failure is a skipped test case: listed with why, never red (core/gates/).
  const covered = (st: string) => doc.checks.filter((c) => c.status === st && isCovered(c)).length;
  const gateCases = gateCasesOf(doc);
  out.push(`<testsuites name="jobcert" tests="${s.total + unjudged.length + gateCases.length}" failures="${s.fail - covered('fail')}" errors="${s.error - covered('error') + gating}" skipped="${s.skip + covered('fail') + covered('error') + unjudged.length - gating + gateCases.length}" time="${(doc.duration_ms / 1000).toFixed(3)}">`);
  families.forEach((family, i) => {
    const checks = doc.checks.filter((c) => c.family === family);
    const count = (st: string) => checks.filter((c) => c.status === st && !isCovered(c)).length;
    const skipped = checks.filter((c) => c.status === 'skip' || isCovered(c)).length;
    const time = checks.reduce((n, c) => n + c.duration_ms, 0) / 1000;
    out.push(`  <testsuite name="jobcert.${xml(family)}" id="${i}" package="jobcert" hostname="jobcert" timestamp="${doc.started_at.slice(0, 19)}" tests="${checks.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${skipped}" time="${time.toFixed(3)}">`);
    out.push('    <properties>', `      <property name="target" value="${xml(doc.target)}"/>`, `      <property name="profile" value="${doc.profile}"/>`);
    if (doc.rate_limit) out.push(`      <property name="rate_limit" value="${xml(describeRateLimit(doc.rate_limit))}"/>`);
    out.push(`      <property name="transport" value="${xml(describeTransport(doc.transport))}"/>`, `      <property name="verdict" value="${doc.verdict}"/>`);
    out.push('    </properties>');
    for (const c of checks) {
      const name = `${c.id} [${c.rule_ids.join(' ')}]${c.level === 'should' ? ' (recommended)' : ''}`;
      out.push(`    <testcase name="${xml(name)}" classname="jobcert.${xml(family)}" time="${(c.duration_ms / 1000).toFixed(3)}">`);
      const detail = [c.message, c.repro ? `reproduce: ${c.repro}` : '', ...c.evidence.slice(-3).map((e) => `${e.request.method} ${e.request.url} -> ${e.response ? `${e.response.status} ${e.response.body.slice(0, 500)}` : e.error ?? 'no response'}`)].filter(Boolean).join('\n');
      const again = c.gate?.state === 'expired' ? `${gateNote(c)}: ` : '';
      if (isCovered(c)) out.push(`      <skipped message="${xml(`${gateNote(c)}${c.gate?.state === 'known' ? `: ${c.message}` : ''}`.slice(0, 500))}"/>`);
      else if (c.status === 'fail') out.push(`      <failure message="${xml(`${again}${c.message}`.slice(0, 500))}" type="${c.level === 'must' ? 'MUST' : 'SHOULD'}">${xml(detail)}</failure>`);
      else if (c.status === 'error') out.push(`      <error message="${xml(`${again}${c.message}`.slice(0, 500))}" type="error">${xml(detail)}</error>`);
      if (c.status === 'skip') out.push(`      <skipped message="${xml(c.message)}"/>`);
      out.push(`      <system-out>${xml(`request ids: ${c.request_ids.join(' ') || 'none'}${c.notes.length ? `\nnotes: ${c.notes.join('; ')}` : ''}`)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('    <system-out/>', '    <system-err/>', '  </testsuite>');
  });
  if (unjudged.length > 0) {
    out.push(`  <testsuite name="jobcert.COMPLETENESS" id="${families.length}" package="jobcert" hostname="jobcert" timestamp="${doc.started_at.slice(0, 19)}" tests="${unjudged.length}" failures="0" errors="${gating}" skipped="${unjudged.length - gating}" time="0.000">`);
    for (const u of unjudged) {
      out.push(`    <testcase name="${xml(`${u.rule} judged by some check`)}" classname="jobcert.COMPLETENESS" time="0.000">`);
      const why = `${u.why}${u.judge_with ? `; to judge it: ${u.judge_with}` : ''}`;
      out.push(u.gating ? `      <error message="${xml(`${u.rule} (MUST) not judged: ${why}`.slice(0, 500))}" type="incomplete">${xml(why)}</error>` : `      <skipped message="${xml(`${excuseText(u)}: ${why}`)}"/>`);
      out.push('    </testcase>');
    }
    out.push('    <system-out/>', '    <system-err/>', '  </testsuite>');
  }
  if (gateCases.length > 0) {
    const id = families.length + (unjudged.length > 0 ? 1 : 0);
    out.push(`  <testsuite name="jobcert.GATES" id="${id}" package="jobcert" hostname="jobcert" timestamp="${doc.started_at.slice(0, 19)}" tests="${gateCases.length}" failures="0" errors="0" skipped="${gateCases.length}" time="0.000">`);
    for (const g of gateCases) out.push(`    <testcase name="${xml(g.name)}" classname="jobcert.GATES" time="0.000">`, `      <skipped message="${xml(g.message.slice(0, 500))}"/>`, '    </testcase>');
    out.push('    <system-out/>', '    <system-err/>', '  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

/** Every waiver (used, unused, expired) and every baseline entry, as skipped cases: a CI that reads only junit.xml sees them too. */
function gateCasesOf(doc: Compliance): { name: string; message: string }[] {
  const g = doc.gates;
  if (!g) return [];
  return [
    ...g.waivers.outcomes.map((w) => ({ name: `waiver for ${waiverSubject(w)} (owner ${w.owner})`, message: `${w.state === 'unused' ? 'unused waiver' : w.state}: ${w.detail}` })),
    ...(g.baseline?.outcomes ?? []).map((e) => ({ name: `baseline entry for ${e.check} [${e.signature}]`, message: `${e.state}: ${e.detail}` })),
  ];
}

export const junitReport: ReportWriter = { format: 'junit', file: 'junit.xml', render: renderJunit };
