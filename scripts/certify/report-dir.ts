// Moved to core/ (onboard/ settles its report directory too); kept for the CLI's imports.
export * from '../../core/report-dir.js';
