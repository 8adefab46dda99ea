/** Writes the reports; every file's text passes a last redaction of the keys. */
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirs } from '../report-dir.js';
import type { Compliance } from '../results.js';
import { htmlReport } from './html.js';
import { jsonReport } from './json.js';
import { junitReport } from './junit.js';
import { loadResultsReport } from './load-json.js';
import { forStepSummary, markdownReport } from './markdown.js';
import type { ReportPaths, ReportWriter } from './writer.js';

export type { ReportPaths, ReportWriter } from './writer.js';

/** Every report, in the order the consoles list them. */
export const REPORT_WRITERS: readonly ReportWriter[] = [jsonReport, markdownReport, htmlReport, junitReport, loadResultsReport];

/** Written beside, then renamed into place: an interrupted write never leaves half a report. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, path);
}

/** Writes the reports into `dir` (created if missing; certify settles it before the run with report-dir.ts). */
export async function writeReports(doc: Compliance, dir: string, redact: (s: string) => string): Promise<ReportPaths> {
  makeDirs(dir);
  const files = REPORT_WRITERS.flatMap((w) => {
    const text = w.render(doc);
    return text === undefined ? [] : [{ format: w.format, path: join(dir, w.file), text: redact(text) }];
  });
  await Promise.all(files.map((f) => writeAtomically(f.path, f.text)));
  const summary = process.env.GITHUB_STEP_SUMMARY;
  const markdown = files.find((f) => f.format === 'markdown');
  if (summary && markdown) await appendFile(summary, forStepSummary(markdown.text));
  // The four compliance writers render every document; only load-results.json may be missing.
  return Object.fromEntries(files.map((f) => [f.format, f.path])) as Partial<ReportPaths> as ReportPaths;
}

/** The `reports:` lines a console ends with: every file written, in the writers' order. */
export function describeReportPaths(paths: ReportPaths): string {
  const written = REPORT_WRITERS.flatMap((w) => paths[w.format] ?? []);
  return `reports: ${written.join('\n         ')}\n`;
}
