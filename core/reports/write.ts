/** Writes the reports; every file's text passes a last redaction of the keys. */
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeDirs } from '../report-dir.js';
import type { Compliance } from '../results.js';
import { harReport } from './har.js';
import { replayFiles } from './replay-files.js';
import { htmlReport } from './html.js';
import { jsonReport } from './json.js';
import { junitReport } from './junit.js';
import { loadResultsReport } from './load-json.js';
import { forStepSummary, markdownReport } from './markdown.js';
import type { RunTraffic } from './traffic.js';
import type { ReportPaths, ReportWriter } from './writer.js';

export type { ReportPaths, ReportWriter } from './writer.js';

/** Every report, in the order the consoles list them. */
export const REPORT_WRITERS: readonly ReportWriter[] = [jsonReport, markdownReport, htmlReport, junitReport, harReport, loadResultsReport];

/** Written beside, then renamed into place: an interrupted write never leaves half a report. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, text);
  await rename(temp, path);
}

/** Writes the reports into `dir` (created if missing; certify settles it before the run with report-dir.ts). */
export async function writeReports(doc: Compliance, dir: string, redact: (s: string) => string, traffic?: RunTraffic): Promise<ReportPaths> {
  makeDirs(dir);
  const files = REPORT_WRITERS.flatMap((w) => {
    const text = w.render(doc, traffic);
    return text === undefined ? [] : [{ format: w.format, path: join(dir, w.file), text: redact(text) }];
  });
  // A failing check's sequence, to send again (jobcert replay, or its curl script): only when the run handed its traffic over.
  const replay = traffic ? replayFiles(doc, traffic.entries).map((f) => ({ path: join(dir, f.file), text: redact(f.text) })) : [];
  if (replay.length > 0) makeDirs(join(dir, 'replay'));
  await Promise.all([...files, ...replay].map((f) => writeAtomically(f.path, f.text)));
  const summary = process.env.GITHUB_STEP_SUMMARY;
  const markdown = files.find((f) => f.format === 'markdown');
  if (summary && markdown) await appendFile(summary, forStepSummary(markdown.text));
  // The compliance writers render every document; only load-results.json may be missing.
  const paths = Object.fromEntries(files.map((f) => [f.format, f.path])) as Partial<ReportPaths> as ReportPaths;
  return replay.length > 0 ? { ...paths, replay: join(dir, 'replay') } : paths;
}

/** The `reports:` lines a console ends with: every file written, in the writers' order. */
export function describeReportPaths(paths: ReportPaths): string {
  const written = REPORT_WRITERS.flatMap((w) => paths[w.format] ?? []);
  const replay = paths.replay ? `replay:  ${paths.replay}/ (each failing check's requests: jobcert replay ${dirname(paths.replay)} --check <id>, or its .sh with curl)\n` : '';
  return `reports: ${written.join('\n         ')}\n${replay}`;
}
