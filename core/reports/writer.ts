/** One report format: the file it writes into the run's report directory and how it renders the Compliance document. */
import type { Compliance } from '../results.js';
import type { RunTraffic } from './traffic.js';

/** Where each report went; `load` only when the document carries the LOAD stage's results. */
export interface ReportPaths { json: string; markdown: string; html: string; junit: string; har?: string; load?: string; replay?: string }

export interface ReportWriter {
  format: keyof ReportPaths;
  file: string;
  /**
   * The file's text, or undefined when this document has nothing for it.
   * Unredacted: writeReports redacts every file the same way. `traffic` is every
   * exchange of the run when the run hands it over (certify), else absent.
   */
  render(doc: Compliance, traffic?: RunTraffic): string | undefined;
}
