/** The mock's public API: one engine, two adapters. */
export { createEngine, DEFAULT_PROCESSING_MS, DEFAULT_RATE_LIMIT, type Engine, type EngineOptions } from './engine/engine.js';
export { DEFAULT_ACCOUNTS, accountsWithKeys } from './engine/accounts.js';
export { FAULTS, FAULT_NAMES, parseFaults, type FaultName } from './engine/faults.js';
export { VARIANTS, VARIANT_NAMES, parseVariants, type VariantName } from './engine/variants.js';
export type { Clock, LogEntry, LogSink, MockRequest, MockResponse } from './engine/types.js';
export { startHttpServer, type RunningServer } from './adapters/http.js';
export { mswHandlers } from './adapters/msw.js';
