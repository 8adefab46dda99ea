/** Writes the four reports; every file's text passes a last redaction of the keys. */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Compliance } from '../results.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { forStepSummary, renderMarkdown } from './markdown.js';
import { writeLoadResults } from '../../../load/results-file.js';

export interface ReportPaths { json: string; markdown: string; html: string; junit: string; load?: string }

export async function writeReports(doc: Compliance, dir: string, redact: (s: string) => string): Promise<ReportPaths> {
  await mkdir(dir, { recursive: true });
  const paths: ReportPaths = { json: join(dir, 'compliance.json'), markdown: join(dir, 'compliance.md'), html: join(dir, 'compliance.html'), junit: join(dir, 'junit.xml') };
  const markdown = redact(renderMarkdown(doc));
  await Promise.all([
    writeFile(paths.json, redact(`${JSON.stringify(doc, null, 2)}\n`)),
    writeFile(paths.markdown, markdown),
    writeFile(paths.html, redact(renderHtml(doc))),
    writeFile(paths.junit, redact(renderJunit(doc))),
  ]);
  if (doc.load) paths.load = await writeLoadResults(doc.load, dir, redact);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) await appendFile(summary, forStepSummary(markdown));
  return paths;
}
