/** load-results.json: the load stage's results, written next to the reports and redacted like them. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadResults } from './results.js';

export const LOAD_RESULTS_FILE = 'load-results.json';

export async function writeLoadResults(results: LoadResults, dir: string, redact: (s: string) => string): Promise<string> {
  const path = join(dir, LOAD_RESULTS_FILE);
  await writeFile(path, redact(`${JSON.stringify(results, null, 2)}\n`));
  return path;
}
