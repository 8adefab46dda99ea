// Moved to core/ so the stages below scripts/ can reach it; kept for the CLI's imports.
export * from '../core/runtime.js';
