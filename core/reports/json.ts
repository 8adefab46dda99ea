/** compliance.json: the document itself, valid against contracts/compliance.schema.json. */
import type { ReportWriter } from './writer.js';

export const jsonReport: ReportWriter = { format: 'json', file: 'compliance.json', render: (doc) => `${JSON.stringify(doc, null, 2)}\n` };
