// The results live in core/ so every stage can build them; nothing of them is the CLI's own.
export * from '../../core/results.js';
