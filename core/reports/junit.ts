/** junit.xml: one testcase per check (classname jobcert.<family>), valid against contracts/junit.xsd. */
import type { Compliance } from '../results.js';
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
  out.push(`<testsuites name="jobcert" tests="${s.total}" failures="${s.fail}" errors="${s.error}" skipped="${s.skip}" time="${(doc.duration_ms / 1000).toFixed(3)}">`);
  families.forEach((family, i) => {
    const checks = doc.checks.filter((c) => c.family === family);
    const count = (st: string) => checks.filter((c) => c.status === st).length;
    const time = checks.reduce((n, c) => n + c.duration_ms, 0) / 1000;
    out.push(`  <testsuite name="jobcert.${xml(family)}" id="${i}" package="jobcert" hostname="jobcert" timestamp="${doc.started_at.slice(0, 19)}" tests="${checks.length}" failures="${count('fail')}" errors="${count('error')}" skipped="${count('skip')}" time="${time.toFixed(3)}">`);
    out.push('    <properties>', `      <property name="target" value="${xml(doc.target)}"/>`, `      <property name="profile" value="${doc.profile}"/>`);
    if (doc.rate_limit) out.push(`      <property name="rate_limit" value="${xml(describeRateLimit(doc.rate_limit))}"/>`);
    out.push(`      <property name="transport" value="${xml(describeTransport(doc.transport))}"/>`, `      <property name="verdict" value="${doc.verdict}"/>`);
    out.push('    </properties>');
    for (const c of checks) {
      const name = `${c.id} [${c.rule_ids.join(' ')}]${c.level === 'should' ? ' (recommended)' : ''}`;
      out.push(`    <testcase name="${xml(name)}" classname="jobcert.${xml(family)}" time="${(c.duration_ms / 1000).toFixed(3)}">`);
      const detail = [c.message, c.repro ? `reproduce: ${c.repro}` : '', ...c.evidence.slice(-3).map((e) => `${e.request.method} ${e.request.url} -> ${e.response ? `${e.response.status} ${e.response.body.slice(0, 500)}` : e.error ?? 'no response'}`)].filter(Boolean).join('\n');
      if (c.status === 'fail') out.push(`      <failure message="${xml(c.message.slice(0, 500))}" type="${c.level === 'must' ? 'MUST' : 'SHOULD'}">${xml(detail)}</failure>`);
      if (c.status === 'error') out.push(`      <error message="${xml(c.message.slice(0, 500))}" type="error">${xml(detail)}</error>`);
      if (c.status === 'skip') out.push(`      <skipped message="${xml(c.message)}"/>`);
      out.push(`      <system-out>${xml(`request ids: ${c.request_ids.join(' ') || 'none'}${c.notes.length ? `\nnotes: ${c.notes.join('; ')}` : ''}`)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('    <system-out/>', '    <system-err/>', '  </testsuite>');
  });
  out.push('</testsuites>', '');
  return out.join('\n');
}

export const junitReport: ReportWriter = { format: 'junit', file: 'junit.xml', render: renderJunit };
