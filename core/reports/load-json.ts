/** load-results.json: the LOAD stage's results on their own, for tools that read only those. */
import type { ReportWriter } from './writer.js';

export const LOAD_RESULTS_FILE = 'load-results.json';

export const loadResultsReport: ReportWriter = {
  format: 'load', file: LOAD_RESULTS_FILE,
  render: (doc) => (doc.load ? `${JSON.stringify(doc.load, null, 2)}\n` : undefined),
};
