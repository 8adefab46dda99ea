/** Writes the four reports; every file's text passes a last redaction of the keys. */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Compliance } from '../results.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { forStepSummary, renderMarkdown } from './markdown.js';

export interface ReportPaths { json: string; markdown: string; html: string; junit: string }

export async function writeReports(doc: Compliance, dir: string, redact: (s: string) => string): Promise<ReportPaths> {
  await mkdir(dir, { recursive: true });
  const paths = { json: join(dir, 'compliance.json'), markdown: join(dir, 'compliance.md'), html: join(dir, 'compliance.html'), junit: join(dir, 'junit.xml') };
  const markdown = redact(renderMarkdown(doc));
  await Promise.all([
    writeFile(paths.json, redact(`${JSON.stringify(doc, null, 2)}\n`)),
    writeFile(paths.markdown, markdown),
    writeFile(paths.html, redact(renderHtml(doc))),
    writeFile(paths.junit, redact(renderJunit(doc))),
  ]);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) await appendFile(summary, forStepSummary(markdown));
  return paths;
}
