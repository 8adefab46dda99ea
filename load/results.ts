// The results are part of the Compliance document, declared with it in core/; kept for the CLI's imports.
export type { LoadResults, ScenarioResult } from '../core/load-results.js';
