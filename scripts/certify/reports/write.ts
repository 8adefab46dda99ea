/** Writes the four reports; every file's text passes a last redaction of the keys. */
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirs } from '../report-dir.js';
import type { Compliance } from '../results.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { forStepSummary, renderMarkdown } from './markdown.js';
import { writeLoadResults } from '../../../load/results-file.js';

export interface ReportPaths { json: string; markdown: string; html: string; junit: string; load?: string }

/** Written beside, then renamed into place: an interrupted write never leaves half a report. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, path);
}

/** Writes the four reports into `dir` (created if missing; certify settles it before the run with report-dir.ts). */
export async function writeReports(doc: Compliance, dir: string, redact: (s: string) => string): Promise<ReportPaths> {
  makeDirs(dir);
  const paths: ReportPaths = { json: join(dir, 'compliance.json'), markdown: join(dir, 'compliance.md'), html: join(dir, 'compliance.html'), junit: join(dir, 'junit.xml') };
  const markdown = redact(renderMarkdown(doc));
  await Promise.all([
    writeAtomically(paths.json, redact(`${JSON.stringify(doc, null, 2)}\n`)),
    writeAtomically(paths.markdown, markdown),
    writeAtomically(paths.html, redact(renderHtml(doc))),
    writeAtomically(paths.junit, redact(renderJunit(doc))),
  ]);
  if (doc.load) paths.load = await writeLoadResults(doc.load, dir, redact);
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) await appendFile(summary, forStepSummary(markdown));
  return paths;
}
