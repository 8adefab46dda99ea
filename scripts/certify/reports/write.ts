// The report writers moved to core/reports/ (onboard/ writes them too); kept for the CLI's imports.
export * from '../../../core/reports/write.js';
